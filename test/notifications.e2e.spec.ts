import type { Actor } from '@escrow/domain';
import { notificationsProjection } from '@escrow/projections/notifications';
import { writeCheckpoint } from '@escrow/projector';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, otherEmployer, support, trainer } from './support/lifecycle';

interface NotificationBody {
  id: string;
  recipient: Actor;
  type: string;
  title: string;
  message: string;
  contractId: string;
  milestoneId: string;
  createdAt: string;
  readAt: string | null;
}

interface PageBody {
  notifications: NotificationBody[];
  nextCursor: string | null;
  unreadCount: number;
}

describeEachDatabase('notifications over HTTP', (target) => {
  const app = withApp(target, { env: { PLATFORM_FEE_BPS: '1000' } });
  let contractId: string;
  let milestoneId: string;

  beforeAll(async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    ({ contractId, milestoneId } = await steps.hire('150.00'));
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    await steps.approve(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'paid');
    // The notifications projection runs beside the contract view: wait for it too.
    await eventually(async () => ((await list(trainer)).body.notifications.length === 2 ? true : undefined), 'the payout notification');
  });

  const list = (as: Actor, query = '') => app.api.request<PageBody>('GET', `/v1/notifications${query}`, { as });
  const markRead = (as: Actor, id: string) => app.api.request<NotificationBody>('POST', `/v1/notifications/${id}/read`, { as });

  it('notifies the employer of the approval request, and the trainer of funding and payout, newest first', async () => {
    const forEmployer = await list(employer);
    expect(forEmployer.status).toBe(200);
    expect(forEmployer.body).toEqual({
      notifications: [
        {
          id: expect.stringMatching(/^ntf_[0-9a-f]{32}$/),
          recipient: employer,
          type: 'milestone_approval_requested',
          title: 'Approval requested: Batch 1',
          message: 'The trainer marked "Batch 1" on Reward model eval complete and asks for your approval. Note: done',
          contractId,
          milestoneId,
          createdAt: expect.any(String),
          readAt: null,
        },
      ],
      nextCursor: null,
      unreadCount: 1,
    });

    const forTrainer = (await list(trainer)).body;
    expect(forTrainer.notifications.map((n) => [n.type, n.recipient, n.contractId, n.milestoneId])).toEqual([
      ['milestone_payout_completed', trainer, contractId, milestoneId],
      ['milestone_funded', trainer, contractId, milestoneId],
    ]);
    const [payout, funded] = forTrainer.notifications;
    expect(payout!.message).toContain('135.00 USD');
    expect(funded!.message).toContain('150.00 USD');
    expect(Date.parse(payout!.createdAt)).toBeGreaterThanOrEqual(Date.parse(funded!.createdAt));
    expect(forTrainer.unreadCount).toBe(2);

    const view = await lifecycle(app.api).contract(contractId);
    const milestone = view.milestones[0];
    expect(funded!.createdAt).toBe(milestone.fundedAt);
    expect(payout!.createdAt).toBe(milestone.paidAt);
    expect(payout!.message).toContain(milestone.transferReference);

    for (const stranger of [otherEmployer, support]) expect((await list(stranger)).body).toEqual({ notifications: [], nextCursor: null, unreadCount: 0 });
  });

  it('marks a notification read for its recipient only; others get 404', async () => {
    const [, funded] = (await list(trainer)).body.notifications;
    for (const other of [employer, support, otherEmployer]) {
      const refused = await markRead(other, funded!.id);
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: expect.stringContaining(funded!.id) });
    }
    expect((await list(trainer)).body.unreadCount).toBe(2);

    const read = await markRead(trainer, funded!.id);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: funded!.id, type: 'milestone_funded', readAt: expect.any(String) });
    const again = await markRead(trainer, funded!.id);
    expect(again.body.readAt).toBe(read.body.readAt);

    const unread = (await list(trainer, '?unread=true')).body;
    expect(unread.notifications.map((n) => n.type)).toEqual(['milestone_payout_completed']);
    expect(unread.unreadCount).toBe(1);
    const all = (await list(trainer, '?unread=false')).body;
    expect(all.notifications.find((n) => n.id === funded!.id)?.readAt).toBe(read.body.readAt);
    expect((await list(employer)).body.unreadCount).toBe(1);

    expect((await markRead(trainer, 'ntf_00000000000000000000000000000000')).status).toBe(404);
    const badId = await markRead(trainer, 'not%20an%20id');
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/^id:/);
  });

  it('marks all of one recipient\'s notifications read', async () => {
    const marked = await app.api.request('POST', '/v1/notifications/read-all', { as: employer });
    expect(marked.status).toBe(200);
    expect(marked.body).toEqual({ marked: 1, readAt: expect.any(String) });
    expect((await list(employer, '?unread=true')).body).toEqual({ notifications: [], nextCursor: null, unreadCount: 0 });
    expect((await list(trainer)).body.unreadCount).toBe(1);
    expect((await app.api.request('POST', '/v1/notifications/read-all', { as: employer })).body).toMatchObject({ marked: 0 });
  });

  it('pages newest first with an opaque cursor', async () => {
    const first = (await list(trainer, '?limit=1')).body;
    expect(first.notifications.map((n) => n.type)).toEqual(['milestone_payout_completed']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await list(trainer, `?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`)).body;
    expect(second.notifications.map((n) => n.type)).toEqual(['milestone_funded']);
    expect(second.nextCursor).toBeNull();
  });

  it.each([
    ['?limit=0', /^limit:/],
    ['?limit=101', /^limit:/],
    ['?limit=ten', /^limit:/],
    ['?unread=yes', /^unread:/],
    ['?cursor=abc', /^cursor:/],
    [`?cursor=${Buffer.from(JSON.stringify(['later', 'x'])).toString('base64url')}`, /^cursor:/],
  ])('refuses %s with a 400 naming the parameter', async (query, message) => {
    const refused = await list(trainer, query);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message) });
  });

  it('needs a token', async () => {
    expect((await app.api.request('GET', '/v1/notifications')).status).toBe(401);
    expect((await app.api.request('POST', '/v1/notifications/read-all')).status).toBe(401);
  });

  it('tells the other party of a dispute', async () => {
    const steps = lifecycle(app.api);
    const hired = await steps.hire('30.00');
    await steps.fund(hired.contractId, hired.milestoneId);
    await steps.milestoneReaches(hired.contractId, hired.milestoneId, 'funded');
    const disputed = await app.api.request('POST', `/v1/contracts/${hired.contractId}/milestones/${hired.milestoneId}/dispute`, {
      as: trainer,
      body: { reason: 'scope changed' },
    });
    expect(disputed.status).toBe(200);
    const notification = await eventually(async () => {
      const found = (await list(employer)).body.notifications.find((n) => n.contractId === hired.contractId && n.type === 'milestone_disputed');
      return found ?? undefined;
    }, 'the dispute notification');
    expect(notification.message).toContain('scope changed');
    const forTrainer = (await list(trainer)).body.notifications.filter((n) => n.contractId === hired.contractId);
    expect(forTrainer.map((n) => n.type)).toEqual(['milestone_funded']);
  });

  it('keeps read marks when the projection is rebuilt from the log', async () => {
    const before = { employer: (await list(employer)).body, trainer: (await list(trainer)).body };
    expect(before.trainer.notifications.some((n) => n.readAt !== null)).toBe(true);
    // A rebuild: empty the projection's own tables and replay from position 0 on the next start.
    await app.restart(async (db) => {
      await db.transaction(async (tx) => {
        for (const table of notificationsProjection.tables) await tx.query(`delete from ${table}`);
        await writeCheckpoint(tx, notificationsProjection.name, null);
      });
    });
    const rebuilt = await eventually(async () => {
      const after = { employer: (await list(employer)).body, trainer: (await list(trainer)).body };
      const complete = (['employer', 'trainer'] as const).every((party) => after[party].notifications.length === before[party].notifications.length);
      return complete ? after : undefined;
    }, 'the notifications to be rebuilt');
    expect(rebuilt).toEqual(before);
  });
});
