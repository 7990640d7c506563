import type { EventStore, RecordedEvent } from '@escrow/event-store';
import type { MovementKind, PaymentGateway, ProviderMovements, ProviderTransfer, ReconciliationPeriod } from '@escrow/payments';
import { retrievalsMax, runReconciliation, TooManyUnlistedMovements } from './run-reconciliation';

const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };

function payout(transferId: string, occurredAt: string, position: number): RecordedEvent {
  return {
    eventId: `e-${transferId}`, type: 'MilestonePayoutCompleted', streamId: 'contract-c1', revision: position, position: String(position).padStart(20, '0'), recordedAt: occurredAt,
    data: { contractId: 'c1', milestoneId: 'm1', trainerId: 't1', amount: { amountCents: 15_000, currency: 'USD' }, transferId, destinationAccountId: 'acct_1' },
    metadata: { occurredAt },
  };
}

/** Only what runReconciliation reads: the log, page by page, as the PostgreSQL adapter serves it. */
function logOf(events: RecordedEvent[]): EventStore {
  const readAll: EventStore['readAll'] = async ({ fromPosition, limit }) => events.filter((e) => fromPosition == null || e.position > fromPosition).slice(0, limit);
  return { readAll } as Partial<EventStore> as EventStore;
}

function transfer(id: string, created: string): ProviderTransfer {
  return { id, amountCents: 15_000, amountReversedCents: 0, destination: 'acct_1', sourceChargeId: 'ch_1', transferGroup: 'milestone_m1', metadata: { contractId: 'c1', milestoneId: 'm1' }, created: new Date(created) };
}

/** A provider whose list shows `listed` and whose look-up by id knows `stored`. */
function providerOf(listed: ProviderTransfer[], stored: ProviderTransfer[]) {
  const asked: { windows: ReconciliationPeriod[]; retrieved: string[] } = { windows: [], retrieved: [] };
  const gateway: Partial<PaymentGateway> = {
    async listMovements(window) {
      asked.windows.push(window);
      return { charges: [], transfers: listed, refunds: [] } satisfies ProviderMovements;
    },
    async retrieveMovement(kind: MovementKind, id: string) {
      asked.retrieved.push(`${kind}:${id}`);
      return (stored.find((item) => item.id === id) ?? null) as never;
    },
  };
  return { gateway: gateway as PaymentGateway, asked };
}

describe('running a reconciliation', () => {
  it('lists the provider an hour wider than the period on each side', async () => {
    const { gateway, asked } = providerOf([], []);
    await runReconciliation(logOf([]), gateway, period);
    expect(asked.windows).toEqual([{ from: new Date('2026-02-28T23:00:00Z'), to: new Date('2026-03-02T01:00:00Z') }]);
  });

  it('looks up by id what the list missed before calling it missing at the provider', async () => {
    const farOut = transfer('tr_far', '2026-02-28T20:00:00Z');
    const { gateway, asked } = providerOf([transfer('tr_listed', '2026-03-01T10:00:00Z')], [farOut]);
    const log = logOf([payout('tr_listed', '2026-03-01T10:00:01Z', 1), payout('tr_far', '2026-03-01T10:00:02Z', 2), payout('tr_gone', '2026-03-01T10:00:03Z', 3)]);
    const report = await runReconciliation(log, gateway, period);
    expect(asked.retrieved).toEqual(['transfer:tr_far', 'transfer:tr_gone']);
    expect(report.mismatches.map((m) => [m.kind, m.id])).toEqual([['missing_at_provider', 'tr_gone']]);
    expect(report.checked.transfers).toBe(3);
  });

  it('reads the whole log across pages', async () => {
    const events = Array.from({ length: 1_001 }, (_, i) => payout(`tr_${i}`, '2026-03-01T10:00:00Z', i + 1));
    const { gateway } = providerOf(events.map((e) => transfer((e.data as { transferId: string }).transferId, '2026-03-01T10:00:00Z')), []);
    const report = await runReconciliation(logOf(events), gateway, period);
    expect(report.checked.transfers).toBe(1_001);
    expect(report.mismatches).toEqual([]);
  });

  it(`refuses to look up more than ${retrievalsMax} movements one by one`, async () => {
    const events = Array.from({ length: retrievalsMax + 1 }, (_, i) => payout(`tr_${i}`, '2026-03-01T10:00:00Z', i + 1));
    const { gateway, asked } = providerOf([], []);
    await expect(runReconciliation(logOf(events), gateway, period)).rejects.toThrow(TooManyUnlistedMovements);
    expect(asked.retrieved).toEqual([]);
  });
});
