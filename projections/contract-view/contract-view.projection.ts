import type { ContractOpen } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { evolveContractView, toViewEvent } from './contract-view.evolve';
import type { ContractView, ContractViewRecord, ViewEvent } from './contract-view.model';

const contractViewName = 'contract-view';

/**
 * `doc` is the served view; `state` is the domain's fold of the contract, kept so the next event
 * is folded by the domain's own `evolve`. Rows written before `state` existed cannot be folded
 * further: the upgrade empties the table and moves the checkpoint back to the start, so the
 * runner replays the view (a replay writes the same rows as the live projection did).
 */
export const contractViewSchema = `
create table if not exists contract_view (
  contract_id  text primary key,
  employer_id  text not null,
  trainer_id   text not null,
  status       text not null,
  doc          jsonb not null,
  position     text not null,
  updated_at   timestamptz not null,
  state        jsonb not null
);
create index if not exists contract_view_employer on contract_view (employer_id);
create index if not exists contract_view_trainer on contract_view (trainer_id);
-- GET /v1/contracts for staff: latest activity first, a page at a time.
create index if not exists contract_view_activity on contract_view (updated_at desc, contract_id collate "C" desc);
do $$
begin
  if not exists (select 1 from information_schema.columns
                 where table_schema = current_schema() and table_name = 'contract_view' and column_name = 'state') then
    if to_regclass('projection_checkpoints') is not null then
      update projection_checkpoints set position = null, updated_at = now() where name = '${contractViewName}';
    end if;
    truncate contract_view;
    alter table contract_view add column state jsonb not null;
  end if;
end $$;
`;

export const contractViewProjection: Projection = {
  name: contractViewName,
  schema: contractViewSchema,
  tables: ['contract_view'],
  applyBatch: applyContractViewBatch,
};

/** One read of the touched contracts, the events folded in memory, one upsert: a constant cost per batch. */
async function applyContractViewBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  const viewEvents = events.map(toViewEvent).filter((e): e is ViewEvent => e !== null);
  if (viewEvents.length === 0) return;
  const ids = [...new Set(viewEvents.map((e) => e.event.data.contractId))];
  const current = await tx.query<{ contract_id: string; doc: ContractView; state: ContractOpen }>(
    'select contract_id, doc, state from contract_view where contract_id = any($1::text[])',
    [ids],
  );
  const records = new Map<string, ContractViewRecord | null>(current.rows.map((row) => [row.contract_id, { view: row.doc, state: row.state }]));
  for (const viewEvent of viewEvents) {
    const contractId = viewEvent.event.data.contractId;
    records.set(contractId, evolveContractView(records.get(contractId) ?? null, viewEvent));
  }
  const rows = [...records.values()]
    .filter((record): record is ContractViewRecord => record !== null)
    .map(({ view, state }) => ({
      contract_id: view.contractId,
      employer_id: view.employerId,
      trainer_id: view.trainerId,
      status: view.status,
      doc: view,
      position: view.position,
      updated_at: view.updatedAt,
      state,
    }));
  await tx.query(
    `insert into contract_view (contract_id, employer_id, trainer_id, status, doc, position, updated_at, state)
     select contract_id, employer_id, trainer_id, status, doc, position, updated_at, state
     from jsonb_to_recordset($1::jsonb) as x(contract_id text, employer_id text, trainer_id text, status text,
       doc jsonb, position text, updated_at timestamptz, state jsonb)
     on conflict (contract_id) do update set status = excluded.status, doc = excluded.doc,
       position = excluded.position, updated_at = excluded.updated_at, state = excluded.state`,
    [JSON.stringify(rows)],
  );
}

export async function findContractView(db: SqlExecutor, contractId: string): Promise<ContractView | null> {
  const { rows } = await db.query<{ doc: ContractView }>('select doc from contract_view where contract_id = $1', [contractId]);
  return rows[0]?.doc ?? null;
}
