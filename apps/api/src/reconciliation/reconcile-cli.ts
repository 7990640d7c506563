import { Money } from '@escrow/domain';
import type { Mismatch, ReconciliationPeriod, ReconciliationReport } from '@escrow/payments';
import { InvalidPeriod, parseReconciliationPeriod } from './reconciliation-period';

/** Exit codes of `npm run reconcile`: scripts and cron tell "all agree" from "look at this" from "bad call". */
export const reconcileExitCode = { agree: 0, mismatches: 1, badArguments: 2 } as const;

export const reconcileUsage = 'usage: npm run reconcile -- --from <ISO date-time> --to <ISO date-time>   (e.g. --from 2026-03-01T00:00:00Z --to 2026-04-01T00:00:00Z)';

export class InvalidArguments extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArguments';
  }
}

/** `--from <iso> --to <iso>` (or `--from=<iso>`), nothing else. */
export function parseReconcileArgs(argv: readonly string[]): ReconciliationPeriod {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(from|to)(?:=(.*))?$/.exec(arg);
    if (!match) throw new InvalidArguments(`unknown argument ${JSON.stringify(arg)}`);
    const name = match[1]!;
    if (values.has(name)) throw new InvalidArguments(`--${name} given twice`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new InvalidArguments(`--${name} needs a value`);
    values.set(name, value);
  }
  try {
    return parseReconciliationPeriod(values.get('from'), values.get('to'));
  } catch (error) {
    if (error instanceof InvalidPeriod) throw new InvalidArguments(`--${error.message}`);
    throw error;
  }
}

/** A header, one line per mismatch, a summary: readable in a terminal, greppable by kind or id. */
export function reportLines(report: ReconciliationReport): string[] {
  const { checked, notOurs } = report;
  const counts = (c: typeof checked) => `${c.charges} charges, ${c.transfers} transfers, ${c.refunds} refunds`;
  return [
    `reconciliation ${report.period.from} .. ${report.period.to} (end excluded)`,
    `checked: ${counts(checked)}; not ours (no contract metadata, ignored): ${counts(notOurs)}`,
    ...report.mismatches.map(mismatchLine),
    report.mismatches.length === 0 ? 'no mismatches: the ledger and the provider agree' : `${report.mismatches.length} mismatch(es)`,
  ];
}

export function mismatchLine(mismatch: Mismatch): string {
  const side = (amount: { amountCents: number } | null) => (amount === null ? '-' : Money.format(amount.amountCents));
  return [
    mismatch.kind.padEnd(22),
    `${mismatch.object} ${mismatch.id}`,
    `contract ${mismatch.contractId || '?'} milestone ${mismatch.milestoneId ?? '?'}`,
    `ledger ${side(mismatch.ledger)} provider ${side(mismatch.provider)}${mismatch.provider ? ` (${mismatch.provider.status})` : ''}`,
    mismatch.detail,
  ].join('  ');
}

export function exitCodeOf(report: ReconciliationReport): number {
  return report.mismatches.length === 0 ? reconcileExitCode.agree : reconcileExitCode.mismatches;
}
