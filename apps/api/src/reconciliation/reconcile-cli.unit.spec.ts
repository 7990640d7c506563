import type { ReconciliationReport } from '@escrow/payments';
import { exitCodeOf, InvalidArguments, parseReconcileArgs, reportLines } from './reconcile-cli';
import { parseReconciliationPeriod, reconciliationDaysMax } from './reconciliation-period';

describe('the reconciliation period', () => {
  it('takes ISO date-times with a zone, converted to instants', () => {
    expect(parseReconciliationPeriod('2026-03-01T00:00:00+02:00', '2026-03-02T00:00:00.5Z')).toEqual({
      from: new Date('2026-02-28T22:00:00Z'),
      to: new Date('2026-03-02T00:00:00.500Z'),
    });
  });

  it.each([
    ['a missing from', undefined, '2026-03-02T00:00:00Z', /^from: is required/],
    ['a missing to', '2026-03-01T00:00:00Z', undefined, /^to: is required/],
    ['a date without a time', '2026-03-01', '2026-03-02T00:00:00Z', /^from: must be an ISO-8601 date-time/],
    ['a time without a zone', '2026-03-01T00:00:00', '2026-03-02T00:00:00Z', /^from: must be an ISO-8601/],
    ['a date that does not exist', '2026-02-30T00:00:00Z', '2026-03-02T00:00:00Z', /^from: must be an ISO-8601/],
    ['a month that does not exist', '2026-03-01T00:00:00Z', '2026-13-01T00:00:00Z', /^to: must be an ISO-8601/],
    ['to equal to from', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', /^to: must be after from$/],
    ['to before from', '2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z', /^to: must be after from$/],
    ['more than 93 days', '2026-01-01T00:00:00Z', '2026-04-04T00:00:01Z', /^to: must be at most 93 days after from$/],
  ])('refuses %s, naming the field', (_, from, to, message) => {
    expect(() => parseReconciliationPeriod(from, to)).toThrow(message);
  });

  it(`accepts exactly ${reconciliationDaysMax} days`, () => {
    expect(parseReconciliationPeriod('2026-01-01T00:00:00Z', '2026-04-04T00:00:00Z').to).toEqual(new Date('2026-04-04T00:00:00Z'));
  });
});

describe('npm run reconcile arguments', () => {
  it('reads --from and --to, with a space or an equals sign', () => {
    expect(parseReconcileArgs(['--from', '2026-03-01T00:00:00Z', '--to=2026-03-02T00:00:00Z'])).toEqual({
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-02T00:00:00Z'),
    });
  });

  it.each([
    [['--from', '2026-03-01T00:00:00Z', '--to', '2026-03-02T00:00:00Z', '--verbose'], /unknown argument "--verbose"/],
    [['--from', '2026-03-01T00:00:00Z', '--from', '2026-03-01T00:00:00Z'], /--from given twice/],
    [['--from'], /--from needs a value/],
    [['--from', 'yesterday', '--to', '2026-03-02T00:00:00Z'], /^--from: must be an ISO-8601/],
    [[], /^--from: is required/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReconcileArgs(argv)).toThrow(InvalidArguments);
    expect(() => parseReconcileArgs(argv)).toThrow(message);
  });
});

describe('the printed report', () => {
  const base: ReconciliationReport = {
    period: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' },
    checked: { charges: 3, transfers: 2, refunds: 1 },
    notOurs: { charges: 1, transfers: 0, refunds: 0 },
    mismatches: [],
  };

  it('says all agree and exits 0 without mismatches', () => {
    const lines = reportLines(base);
    expect(lines[1]).toBe('checked: 3 charges, 2 transfers, 1 refunds; not ours (no contract metadata, ignored): 1 charges, 0 transfers, 0 refunds');
    expect(lines.at(-1)).toBe('no mismatches: the ledger and the provider agree');
    expect(exitCodeOf(base)).toBe(0);
  });

  it('prints one line per mismatch with both amounts, and exits 1', () => {
    const report: ReconciliationReport = {
      ...base,
      mismatches: [
        { kind: 'amount_differs', object: 'transfer', id: 'tr_1', contractId: 'c1', milestoneId: 'm1', ledger: { amountCents: 15_000 },
          provider: { amountCents: 100, status: 'paid' }, detail: 'amount 150.00 in the ledger, 1.00 at the provider' },
        { kind: 'missing_in_ledger', object: 'charge', id: 'ch_9', contractId: 'c9', milestoneId: null, ledger: null,
          provider: { amountCents: 500, status: 'succeeded' }, detail: 'no event' },
      ],
    };
    const lines = reportLines(report);
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe('amount_differs          transfer tr_1  contract c1 milestone m1  ledger 150.00 provider 1.00 (paid)  amount 150.00 in the ledger, 1.00 at the provider');
    expect(lines[3]).toBe('missing_in_ledger       charge ch_9  contract c9 milestone ?  ledger - provider 5.00 (succeeded)  no event');
    expect(lines[4]).toBe('2 mismatch(es)');
    expect(exitCodeOf(report)).toBe(1);
  });
});
