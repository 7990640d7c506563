import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { evolveContractView, toViewEvent, type ContractView, type ViewEvent } from './contract-view.evolve';

export const contractViewSchema = `
create table if not exists contract_view (
  contract_id  text primary key,
  employer_id  text not null,
  trainer_id   text not null,
  status       text not null,
  doc          jsonb not null,
  position     text not null,
  updated_at   timestamptz not null
);
create index if not exists contract_view_employer on contract_view (employer_id);
create index if not exists contract_view_trainer on contract_view (trainer_id);
`;

export const contractViewProjection: Projection = {
  name: 'contract-view',
  schema: contractViewSchema,
  tables: ['contract_view'],
  apply: (tx, event) => applyContractViewBatch(tx, [event]),
  applyBatch: applyContractViewBatch,
};

/** One read of the touched views, the events folded in memory, one upsert: a constant cost per batch. */
async function applyContractViewBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  const viewEvents = events.map(toViewEvent).filter((e): e is ViewEvent => e !== null);
  if (viewEvents.length === 0) return;
  const ids = [...new Set(viewEvents.map((e) => e.event.data.contractId))];
  const current = await tx.query<{ contract_id: string; doc: ContractView }>(
    'select contract_id, doc from contract_view where contract_id = any($1::text[])',
    [ids],
  );
  const views = new Map<string, ContractView | null>(current.rows.map((row) => [row.contract_id, row.doc]));
  for (const viewEvent of viewEvents) {
    const contractId = viewEvent.event.data.contractId;
    views.set(contractId, evolveContractView(views.get(contractId) ?? null, viewEvent));
  }
  const rows = [...views.values()]
    .filter((view): view is ContractView => view !== null)
    .map((view) => ({
      contract_id: view.contractId,
      employer_id: view.employerId,
      trainer_id: view.trainerId,
      status: view.status,
      doc: view,
      position: view.position,
      updated_at: view.updatedAt,
    }));
  await tx.query(
    `insert into contract_view (contract_id, employer_id, trainer_id, status, doc, position, updated_at)
     select contract_id, employer_id, trainer_id, status, doc, position, updated_at
     from jsonb_to_recordset($1::jsonb) as x(contract_id text, employer_id text, trainer_id text, status text,
       doc jsonb, position text, updated_at timestamptz)
     on conflict (contract_id) do update set status = excluded.status, doc = excluded.doc,
       position = excluded.position, updated_at = excluded.updated_at`,
    [JSON.stringify(rows)],
  );
}

export async function findContractView(db: SqlExecutor, contractId: string): Promise<ContractView | null> {
  const { rows } = await db.query<{ doc: ContractView }>('select doc from contract_view where contract_id = $1', [contractId]);
  return rows[0]?.doc ?? null;
}
