import { useState } from 'preact/hooks';
import { download, getJson, pathWithQuery } from '../api';
import type { InvoicePage } from '../api-types';
import { usePagedList } from '../paged-list';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Loading, Money, Page, When } from '../ui';

const kinds = [
  ['', 'All kinds'],
  ['employer_funding', 'Funding (employer)'],
  ['trainer_payout', 'Payout (trainer)'],
] as const;

/** The invoices this caller may read (the api scopes them), in issue order, with PDF and CSV downloads. */
export function InvoicesPage(props: { session: Session; title?: string }) {
  const [kind, setKind] = useState('');
  const filters = { kind: kind || undefined };
  const list = usePagedList(
    (after) => getJson<InvoicePage>(props.session, '/v1/invoices', { ...filters, limit: '50', after }).then((p) => ({ items: p.invoices, next: p.next })),
    [kind],
  );
  const invoices = list.items;
  return (
    <Page
      title={props.title ?? 'Invoices'}
      actions={<ActionButton label="Download CSV" run={() => download(props.session, pathWithQuery('/v1/invoices.csv', filters), 'invoices.csv')} />}
    >
      <div class="filters">
        <label for="invoice-kind">Kind</label>
        <select id="invoice-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {kinds.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
      </div>
      <ErrorNote error={list.error} />
      <Loading when={list.loading} />
      {list.loaded && invoices.length === 0 ? <p>No invoices yet.</p> : null}
      {invoices.length > 0 ? (
        <table>
          <caption class="visually-hidden">Invoices, in issue order</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Issued</th>
              <th scope="col">Project / milestone</th>
              <th scope="col">Parties</th>
              <th scope="col" class="num">Amount</th>
              <th scope="col" class="num">Fee</th>
              <th scope="col" class="num">Net</th>
              <th scope="col" class="num">Refunded</th>
              <th scope="col">Status</th>
              <th scope="col">PDF</th>
            </tr>
          </thead>
          <tbody>
            {invoices.map((invoice) => (
              <tr key={invoice.id}>
                <th scope="row" class="nowrap">{invoice.number}</th>
                <td class="nowrap"><When at={invoice.issuedAt} /></td>
                <td>
                  {invoice.projectName} / {invoice.milestoneName}
                </td>
                <td class="id">
                  {invoice.employerId} → {invoice.trainerId}
                </td>
                <td class="num"><Money amount={invoice.amount} currency={invoice.currency} /></td>
                <td class="num"><Money amount={invoice.fee} /></td>
                <td class="num"><Money amount={invoice.net} /></td>
                <td class="num"><Money amount={invoice.refunded} /></td>
                <td>{invoice.paymentStatus}</td>
                <td>
                  <ActionButton label="PDF" accessibleName={`PDF ${invoice.number}`} run={() => download(props.session, invoice.pdfUrl, `${invoice.number}.pdf`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list.loadMore ? <ActionButton label="More invoices" run={list.loadMore} /> : null}
    </Page>
  );
}
