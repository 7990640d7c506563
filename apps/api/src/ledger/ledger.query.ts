import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { csvLine } from '@escrow/csv';
import { notFound, type Actor } from '@escrow/domain';
import { comparePositions, type EventStore } from '@escrow/event-store';
import {
  accountExists,
  balanceLine,
  entriesCsvHeader,
  entryCsvFields,
  entryLine,
  escrowLedgerProjectionName,
  findBalances,
  findEntries,
  ledgerCheckpoint,
  trialBalanceResponse,
  type EntryKey,
  type LedgerBound,
  type Visibility,
} from '@escrow/projections/escrow-ledger';
import { ProjectorRunner } from '@escrow/projector';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { requireAccountReader, visibilityFor } from './ledger-access';
import type { AccountEntriesQueryDto, BalancesQueryDto, EntriesCsvQueryDto, TrialBalanceQueryDto } from './ledger.dtos';
import {
  describeBound,
  encodeCursor,
  parseAccountParam,
  parseBound,
  parseCursor,
  parseLimit,
  parsePrefix,
  requireOrderedBounds,
} from './ledger.params';

/** An export reads this many entries per query, so memory stays flat however long the ledger. */
export const csvPageSizeEntries = 500;

/** Reads of the escrow ledger, after access checks; money formatted as decimal strings. */
@Injectable()
export class LedgerQueries {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async trialBalance(query: TrialBalanceQueryDto) {
    const asOf = parseBound(query.asOf, 'asOf');
    await this.settle(asOf, 'asOf');
    const { balances, position } = await this.balancesWithPosition(asOf, null, { kind: 'all' });
    return trialBalanceResponse(describeBound(asOf), position, balances);
  }

  async balances(actor: Actor, query: BalancesQueryDto) {
    const visibility = visibilityFor(actor);
    const asOf = parseBound(query.asOf, 'asOf');
    const prefix = parsePrefix(query.prefix);
    await this.settle(asOf, 'asOf');
    const { balances, position } = await this.balancesWithPosition(asOf, prefix, visibility);
    return { asOf: describeBound(asOf), position, balances: balances.map(balanceLine) };
  }

  /** One page of an account's entries, each with the account's running balance after it. */
  async accountEntries(actor: Actor, rawAccount: string, query: AccountEntriesQueryDto) {
    const account = parseAccountParam(rawAccount);
    const from = parseBound(query.from, 'from');
    const to = parseBound(query.to, 'to');
    requireOrderedBounds(from, to);
    const limit = parseLimit(query.limit);
    const after = parseCursor(query.cursor);
    await requireAccountReader(this.db, actor, account);
    await this.settle(to, 'to');
    if (!(await accountExists(this.db, account.account))) {
      throw notFound('ledger_account_not_found', `account: ${account.account} has no entries`);
    }
    const rows = await findEntries(this.db, { account: account.account, from, to, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      account: account.account,
      from: describeBound(from),
      to: describeBound(to),
      entries: page.map(entryLine),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Validates and pins an export before anything is sent (so refusals are still clean 4xx), then
   * hands back a writer that streams the entries page by page up to the pinned position.
   */
  async entriesCsv(query: EntriesCsvQueryDto): Promise<(write: (chunk: string) => Promise<boolean>) => Promise<void>> {
    const from = parseBound(query.from, 'from');
    const to = parseBound(query.to, 'to');
    requireOrderedBounds(from, to);
    await this.settle(to, 'to');
    const upTo = await ledgerCheckpoint(this.db);
    return async (write) => {
      if (!(await write(csvLine(entriesCsvHeader)))) return;
      if (upTo === null) return;
      let after: EntryKey | null = null;
      for (;;) {
        const page = await findEntries(this.db, { from, to, upTo, after, limit: csvPageSizeEntries });
        if (page.length === 0) return;
        if (!(await write(page.map((entry) => csvLine(entryCsvFields(entry))).join('')))) return;
        after = page[page.length - 1]!;
        if (page.length < csvPageSizeEntries) return;
      }
    };
  }

  /** Balances and the ledger position they reflect, read from one snapshot. */
  private balancesWithPosition(asOf: LedgerBound | null, prefix: string | null, visibility: Visibility) {
    return this.db.transaction(async (tx) => {
      await tx.query('set transaction isolation level repeatable read');
      const position = await ledgerCheckpoint(tx);
      const balances = await findBalances(tx, { asOf, prefix, visibility });
      return { balances, position };
    });
  }

  /**
   * A historical answer must be complete: wait until the ledger has applied everything in the
   * log when the request came (or up to the asked position, if that is earlier).
   */
  private async settle(bound: LedgerBound | null, field: string): Promise<void> {
    if (bound === null) return;
    let target = await this.store.headPosition();
    if (bound.kind === 'position' && comparePositions(bound.position, target) < 0) target = bound.position;
    if (target === null) return;
    const timeoutMs = this.config.readYourWritesTimeoutMs;
    if (!(await ProjectorRunner.waitForPosition(this.db, escrowLedgerProjectionName, target, timeoutMs))) {
      throw new ServiceUnavailableException(`${field}: the ledger has not reached position ${target} within ${timeoutMs} ms; retry`);
    }
  }
}
