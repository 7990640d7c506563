import { getJson, postJson } from '../api';
import type { Notification } from '../api-types';
import { href } from '../router';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Loading, Page, useLoad, When } from '../ui';

/** The caller's own notifications, newest first; read ones are dimmed. */
export function NotificationsPage(props: { session: Session }) {
  const list = useLoad(() => getJson<{ notifications: Notification[] }>(props.session, '/v1/notifications'), []);
  const markAll = async () => {
    await postJson(props.session, '/v1/notifications/read-all', {});
    list.reload();
  };
  const unread = list.data?.notifications.filter((n) => n.readAt === null).length ?? 0;
  return (
    <Page title="Notifications" actions={unread > 0 ? <ActionButton label={`Mark all ${unread} read`} run={markAll} /> : null}>
      <ErrorNote error={list.error} />
      <Loading when={list.loading} />
      {list.data && list.data.notifications.length === 0 ? <p>No notifications.</p> : null}
      <ul class="notifications">
        {list.data?.notifications.map((n) => (
          <li key={n.id} class={n.readAt ? 'read' : 'unread'}>
            <h2>
              {n.readAt ? '' : <span class="visually-hidden">Unread: </span>}
              {n.title}
            </h2>
            <p>{n.message}</p>
            <p class="muted">
              <When at={n.createdAt} />
              {n.contractId ? (
                <>
                  {' · '}
                  <a href={href(`/contracts/${n.contractId}`)}>Open the contract</a>
                </>
              ) : null}
              {n.readAt === null ? (
                <>
                  {' · '}
                  <ActionButton
                    label="Mark read"
                    accessibleName={`Mark read: ${n.title}`}
                    run={async () => {
                      await postJson(props.session, `/v1/notifications/${encodeURIComponent(n.id)}/read`, {});
                      list.reload();
                    }}
                  />
                </>
              ) : null}
            </p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
