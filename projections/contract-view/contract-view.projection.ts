import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { evolveContractView, toViewEvent, type ContractView } from './contract-view.evolve';

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
  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    const viewEvent = toViewEvent(recorded);
    if (!viewEvent) return;
    const contractId = viewEvent.event.data.contractId;
    const current = await tx.query<{ doc: ContractView }>('select doc from contract_view where contract_id = $1', [contractId]);
    const view = evolveContractView(current.rows[0]?.doc ?? null, viewEvent);
    await tx.query(
      `insert into contract_view (contract_id, employer_id, trainer_id, status, doc, position, updated_at)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7)
       on conflict (contract_id) do update set status = excluded.status, doc = excluded.doc,
         position = excluded.position, updated_at = excluded.updated_at`,
      [view.contractId, view.employerId, view.trainerId, view.status, JSON.stringify(view), view.position, view.updatedAt],
    );
  },
};

export async function findContractView(db: SqlExecutor, contractId: string): Promise<ContractView | null> {
  const { rows } = await db.query<{ doc: ContractView }>('select doc from contract_view where contract_id = $1', [contractId]);
  return rows[0]?.doc ?? null;
}
