import type { Actor, ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import {
  C1,
  M1,
  contractCreated,
  disputeResolved,
  disputed,
  employer,
  funded,
  fundingRequested,
  milestoneCreated,
  payoutCompleted,
  refunded,
  service,
  support,
  supportNoteAdded,
  trainer,
} from '../../libs/domain/src/testing/contract-fixtures';
import { buildCaseFile } from './case-file';
import { renderCaseFilePdf } from './case-file.pdf';
import { foldContractView, replayContract, stripeReferencesOf } from './contract-replay';

const position = (i: number) => `${String(i + 1).padStart(20, '0')}-${String(i).padStart(20, '0')}`;
const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString();

/** The events as the store hands them back, each with the metadata CommandHandling writes. */
function recorded(events: readonly [ContractEvent, Actor][]): RecordedEvent[] {
  return events.map(([event, actor], i) => ({
    eventId: `ev_${i}`,
    type: event.type,
    data: event.data,
    metadata: { eventId: `ev_${i}`, actor, correlationId: `corr_${i}`, causationId: `cause_${i}`, occurredAt: at(i), schemaVersion: 1 },
    streamId: `contract-${C1}`,
    revision: i,
    position: position(i),
    recordedAt: at(i),
  }));
}

/** A 150.00 milestone, funded, disputed by the trainer, split 60.00 / 90.00 (10 % fee on the 60.00), refunded, paid out. */
const splitHistory = recorded([
  [contractCreated(), employer],
  [milestoneCreated(), employer],
  [fundingRequested(), employer],
  [funded(), service],
  [disputed('funded', M1, 'trainer'), trainer],
  [disputeResolved('split', M1, { trainer: 6_000, refund: 9_000, fee: 600, net: 5_400 }), support],
  [refunded(M1, 9_000), service],
  [payoutCompleted(M1, 5_400), service],
]);

describe('contract replay', () => {
  const steps = replayContract(splitHistory);

  it('given a disputed, split-resolved contract, when replayed, then there is one step per event with its log facts', () => {
    expect(steps.map((s) => s.type)).toEqual([
      'ContractCreated', 'MilestoneCreated', 'MilestoneFundingRequested', 'MilestoneFunded',
      'MilestoneDisputed', 'MilestoneDisputeResolved', 'MilestoneRefunded', 'MilestonePayoutCompleted',
    ]);
    steps.forEach((step, i) => {
      const source = splitHistory[i]!;
      expect(step).toMatchObject({
        position: source.position,
        revision: i,
        eventId: source.eventId,
        occurredAt: at(i),
        actor: (source.metadata as { actor: Actor }).actor,
        correlationId: `corr_${i}`,
        causationId: `cause_${i}`,
        data: source.data,
      });
      expect(step.contract.position).toBe(source.position);
    });
  });

  it('then each step shows what changed: statuses and the amounts the rules moved', () => {
    const changes = steps.map((s) => s.changes.map((c) => `${c.milestoneId ?? 'contract'}.${c.field}: ${c.before} → ${c.after}`));
    expect(changes).toEqual([
      ['contract.status: null → active'],
      [`${M1}.status: null → pending`, `${M1}.amount: null → 150.00`],
      [`${M1}.status: pending → funding`],
      [`${M1}.status: funding → funded`, `${M1}.escrow: 0.00 → 150.00`],
      [`${M1}.status: funded → disputed`],
      [`${M1}.status: disputed → approved`, `${M1}.fee: null → 6.00`, `${M1}.net: null → 54.00`, `${M1}.escrow: 150.00 → 90.00`, `${M1}.refundPending: 0.00 → 90.00`],
      [`${M1}.escrow: 90.00 → 0.00`, `${M1}.refundPending: 90.00 → 0.00`, `${M1}.refunded: 0.00 → 90.00`],
      [`${M1}.status: approved → paid`],
    ]);
  });

  it('then the state after each step is the contract view at that point', () => {
    const milestone = (i: number) => steps[i]!.contract.milestones[0]!;
    expect(steps[0]!.contract).toMatchObject({ contractId: C1, status: 'active', milestones: [] });
    expect(milestone(3)).toMatchObject({ status: 'funded', chargeReference: `ch_${M1}`, amount: '150.00' });
    expect(milestone(5)).toMatchObject({ status: 'approved', resolution: 'split', fee: '6.00', net: '54.00', refundPending: '90.00' });
    expect(milestone(6)).toMatchObject({ status: 'approved', refunded: '90.00', refundPending: '0.00', refundReference: `re_${M1}` });
    expect(milestone(7)).toMatchObject({ status: 'paid', transferReference: `tr_${M1}`, paidAt: at(7) });
  });

  it('then each money event carries the journal transaction the posting rules make of it', () => {
    const postings = steps.map((s) => s.posting && { ref: s.posting.stripeReference, entries: s.posting.entries.map((e) => `${e.account} Dr ${e.debit} Cr ${e.credit}`) });
    expect(postings).toEqual([
      null,
      null,
      null,
      { ref: `ch_${M1}`, entries: ['platform:stripe_balance Dr 150.00 Cr 0.00', `escrow:contract:${C1} Dr 0.00 Cr 150.00`] },
      null,
      {
        ref: `ch_${M1}`,
        entries: [`escrow:contract:${C1} Dr 60.00 Cr 0.00`, `trainer_payable:${trainer.id} Dr 0.00 Cr 54.00`, 'platform:fee_revenue Dr 0.00 Cr 6.00'],
      },
      { ref: `re_${M1}`, entries: [`escrow:contract:${C1} Dr 90.00 Cr 0.00`, 'platform:stripe_balance Dr 0.00 Cr 90.00'] },
      { ref: `tr_${M1}`, entries: [`trainer_payable:${trainer.id} Dr 54.00 Cr 0.00`, 'platform:stripe_balance Dr 0.00 Cr 54.00'] },
    ]);
    expect(steps.filter((s) => s.posting).every((s) => s.posting!.transactionId === s.eventId)).toBe(true);
  });

  it('then each step names the Stripe objects its event carries', () => {
    expect(steps.map((s) => s.stripe)).toEqual([
      {},
      {},
      { customerId: 'cus_1', paymentMethodId: 'pm_1' },
      { paymentIntentId: `pi_${M1}`, chargeId: `ch_${M1}` },
      {},
      { chargeId: `ch_${M1}` },
      { chargeId: `ch_${M1}`, refundId: `re_${M1}` },
      { transferId: `tr_${M1}`, destinationAccountId: 'acct_1' },
    ]);
  });

  it('given a chargeback dispute, then its dispute and charge ids are named', () => {
    expect(stripeReferencesOf({ reason: 'x', chargeback: { disputeId: 'dp_1', chargeId: 'ch_1', amount: { amountCents: 1, currency: 'USD' } } })).toEqual({
      disputeId: 'dp_1',
      chargeId: 'ch_1',
    });
  });

  it('given a prefix of the stream, when folded, then the view is the replay step at that point', () => {
    for (let n = 1; n <= splitHistory.length; n++) {
      const record = foldContractView(splitHistory.slice(0, n));
      expect(record!.view.position).toBe(steps[n - 1]!.contract.position);
      expect(record!.view.milestones.map((m) => m.status)).toEqual(steps[n - 1]!.contract.milestones.map((m) => m.status));
    }
    expect(foldContractView([])).toBeNull();
  });

  it('given events of other types in the input, then they are skipped', () => {
    const foreign = { ...splitHistory[0]!, type: 'SomethingElse', eventId: 'x' };
    expect(replayContract([splitHistory[0]!, foreign]).map((s) => s.type)).toEqual(['ContractCreated']);
  });
});

describe('case file', () => {
  const history = recorded([
    [contractCreated(), employer],
    [milestoneCreated(), employer],
    [fundingRequested(), employer],
    [funded(), service],
    [disputed('funded', M1, 'trainer'), trainer],
    [supportNoteAdded(M1, 'note_1', 'asked both parties for evidence'), support],
    [disputeResolved('split', M1, { trainer: 6_000, refund: 9_000, fee: 600, net: 5_400 }), support],
    [refunded(M1, 9_000), service],
    [payoutCompleted(M1, 5_400), service],
    [supportNoteAdded(M1, 'note_2', 'closed'), support],
  ]);
  const file = buildCaseFile(replayContract(history), []);

  it('given a split-resolved dispute with notes, then the file has the dispute, the resolution, the notes and every Stripe id', () => {
    expect(file).toMatchObject({ contractId: C1, employerId: employer.id, trainerId: trainer.id, status: 'active', asOfPosition: history[9]!.position, asOf: at(9) });
    expect(file.milestones).toEqual([
      expect.objectContaining({
        milestoneId: M1, status: 'paid', amount: '150.00', fee: '6.00', net: '54.00', refunded: '90.00',
        disputes: [{ openedAt: at(4), openedBy: 'trainer', reason: 'work not delivered', chargeback: null }],
        resolutions: [{ resolvedAt: at(6), by: support, resolution: 'split', trainerAmount: '60.00', refundAmount: '90.00', fee: '6.00', net: '54.00', note: 'evidence reviewed' }],
        notes: [
          { noteId: 'note_1', at: at(5), by: support.id, text: 'asked both parties for evidence' },
          { noteId: 'note_2', at: at(9), by: support.id, text: 'closed' },
        ],
      }),
    ]);
    expect(file.stripe).toEqual({
      customerId: ['cus_1'], paymentMethodId: ['pm_1'], paymentIntentId: [`pi_${M1}`], chargeId: [`ch_${M1}`],
      transferId: [`tr_${M1}`], destinationAccountId: ['acct_1'], refundId: [`re_${M1}`], disputeId: [],
    });
    expect(file.timeline.map((e) => e.summary)).toEqual([
      'Contract "Reward model eval" created by employer emp_1 for trainer tr_1',
      'Milestone "Batch m_1" added: 150.00 USD',
      'Funding of 150.00 requested by employer emp_1',
      `Funded: 150.00 held in escrow (charge ch_${M1})`,
      'Disputed by the trainer: work not delivered',
      'Support note by sup_1: asked both parties for evidence',
      'Resolved by support sup_1: split; trainer 60.00 (fee 6.00, net 54.00), employer 90.00. Note: evidence reviewed',
      `Refunded 90.00 to the employer (refund re_${M1})`,
      `Paid out 54.00 to the trainer (transfer tr_${M1})`,
      'Support note by sup_1: closed',
    ]);
  });

  it('then its PDF shows the timeline, amounts, reason, notes, resolution and Stripe ids, and is the same bytes every time', async () => {
    const pdf = await renderCaseFilePdf(file, { compress: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = shownText(pdf);
    for (const shown of ['CASE FILE', 'work not delivered', 'asked both parties for evidence', 'Resolution: split', 'evidence reviewed', `re_${M1}`, `tr_${M1}`, 'TIMELINE', '150.00']) {
      expect(text).toContain(shown);
    }
    expect((await renderCaseFilePdf(file)).equals(await renderCaseFilePdf(file))).toBe(true);
  });
});

/** The text an uncompressed pdfkit PDF shows: each TJ array's hex strings (WinAnsi, standard fonts), one line per array. */
function shownText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const [, array] of pdf.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    lines.push([...array!.matchAll(/<([0-9a-fA-F]*)>/g)].map(([, hex]) => Buffer.from(hex!, 'hex').toString('latin1')).join(''));
  }
  return lines.join('\n');
}
