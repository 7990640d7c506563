import { useState } from 'preact/hooks';
import { getJson } from '../api';
import type { AnchorReport, VerifyReport } from '../api-types';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Page } from '../ui';

/** Finance proves the history was not edited: recompute the hash chain, and take an anchor to keep elsewhere. */
export function AuditPage(props: { session: Session }) {
  const [anchorInput, setAnchorInput] = useState('');
  const [report, setReport] = useState<VerifyReport>();
  const [anchor, setAnchor] = useState<AnchorReport>();
  const [error, setError] = useState<string>();
  const verify = async () => {
    setError(undefined);
    setReport(await getJson<VerifyReport>(props.session, '/v1/audit/verify', { anchor: anchorInput.trim() || undefined }));
  };
  return (
    <Page title="Audit: tamper-evident history">
      <form class="grid" onSubmit={(e) => e.preventDefault()}>
        <label for="anchor-check">Anchor recorded earlier (optional)</label>
        <input id="anchor-check" value={anchorInput} placeholder="<position>.<hash>" onInput={(e) => setAnchorInput(e.currentTarget.value)} />
        <span />
        <ActionButton label="Verify the whole log" kind="primary" run={verify} />
      </form>
      <ErrorNote error={error} />
      {report ? (
        <div role="status">
          <p class={report.ok ? 'status ok' : 'status bad'}>
            {report.ok ? `Intact: ${report.checked} events checked (${report.algorithm})` : `BROKEN: the chain does not verify (${report.checked} events intact before it)`}
          </p>
          <dl class="facts">
            <dt>Last position checked</dt>
            <dd class="id">{report.lastPosition ?? '—'}</dd>
            {report.brokenLink ? (
              <>
                <dt>First broken link</dt>
                <dd>
                  <pre>{JSON.stringify(report.brokenLink, null, 2)}</pre>
                </dd>
              </>
            ) : null}
            {report.anchor ? (
              <>
                <dt>Anchor</dt>
                <dd>
                  <pre>{JSON.stringify(report.anchor, null, 2)}</pre>
                </dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : null}
      <h2>Current anchor</h2>
      <p class="muted">Record it outside this system (a ticket, an email to auditors): a later verify against it shows whether anything before it changed.</p>
      <ActionButton label="Take the current anchor" run={async () => setAnchor(await getJson<AnchorReport>(props.session, '/v1/audit/anchor'))} />
      {anchor ? (
        <dl class="facts">
          <dt>Anchor</dt>
          <dd class="id" data-testid="anchor">{anchor.anchor ?? '— (the log is empty)'}</dd>
          <dt>Streams</dt>
          <dd>{anchor.streams}</dd>
        </dl>
      ) : null}
    </Page>
  );
}
