import { deciderSpec } from '../testing/decider-spec';
import {
  addSupportNote,
  archive,
  archived,
  by,
  chargebackOpened,
  contractAt,
  contractWith,
  disputeResolved,
  employer,
  finance,
  M1,
  M2,
  milestoneAfter,
  milestoneAt,
  payoutCompleted,
  service,
  support,
  supportNoteAdded,
  trainer,
} from '../testing/contract-fixtures';
import { contractDecider } from './index';

/** Support's notes on a dispute: who may write them, on which milestones, and that they change nothing else. */
const contract = deciderSpec(contractDecider);

describe('contract decider: support notes', () => {
  it('given a disputed milestone, when support adds a note, then the note is recorded with its author', () => {
    contract.given(contractAt('disputed')).when(addSupportNote()).then([supportNoteAdded()]);
  });

  it('given a dispute already resolved and paid out, when support adds a note, then it is recorded too', () => {
    const history = [...contractAt('disputed'), disputeResolved('release'), payoutCompleted()];
    contract.given(history).when(addSupportNote({ noteId: 'note_2', note: 'closed after payout' })).then([supportNoteAdded(M1, 'note_2', 'closed after payout')]);
  });

  it('given a paid milestone a chargeback opened on, when support adds a note, then it is recorded', () => {
    contract.given([...contractAt('paid'), chargebackOpened('paid')]).when(addSupportNote()).then([supportNoteAdded()]);
  });

  it('given an archived contract with a refunded dispute, when support adds a note, then it is recorded', () => {
    contract.given([...contractAt('refunded'), archived()]).when(addSupportNote()).then([supportNoteAdded()]);
  });

  it('given notes already written, when another is added, then each note is its own event (none edited)', () => {
    contract.given([...contractAt('disputed'), supportNoteAdded()]).when(addSupportNote({ noteId: 'note_2', note: 'second' })).then([
      supportNoteAdded(M1, 'note_2', 'second'),
    ]);
  });

  it.each([
    { who: 'the employer', actor: employer },
    { who: 'the trainer', actor: trainer },
    { who: 'finance', actor: finance },
    { who: 'the payment service', actor: service },
    { who: 'an employer whose id is a support id', actor: { role: 'employer', id: support.id } as const },
  ])('given a disputed milestone, when $who adds a note, then it is forbidden', ({ actor }) => {
    contract.given(contractAt('disputed')).when(by(actor, addSupportNote())).thenThrows('forbidden', 'only support can add notes to a dispute');
  });

  it('given a milestone never disputed, when support adds a note, then it is refused naming the status', () => {
    contract.given(contractWith(milestoneAt.disputed(M1), milestoneAt.paid(M2))).when(addSupportNote({ milestoneId: M2 })).thenThrows(
      'conflict',
      `cannot add a support note to milestone ${M2}: it was never disputed (its status is paid)`,
    );
  });

  it('given an unknown milestone, when support adds a note, then it is not found', () => {
    contract.given(contractAt('disputed')).when(addSupportNote({ milestoneId: 'm_x' })).thenThrows('not_found', 'milestone m_x does not exist');
  });

  it('given an unknown contract, when support adds a note, then it is not found', () => {
    contract.given([]).when(addSupportNote()).thenThrows('not_found', 'does not exist');
  });

  it('given a blank note, when support adds it, then it is invalid', () => {
    contract.given(contractAt('disputed')).when(addSupportNote({ note: ' \n\t ' })).thenThrows('invalid', 'note: must not be blank');
  });

  it('a note changes nothing the decider acts on: the milestone folds the same with or without it', () => {
    const history = [...contractAt('disputed')];
    expect(milestoneAfter([...history, supportNoteAdded()])).toEqual(milestoneAfter(history));
    expect(milestoneAfter(history).wasDisputed).toBe(true);
    expect(milestoneAfter(contractAt('paid')).wasDisputed).toBe(false);
  });

  it('the archive rule ignores notes: a refunded, noted contract is archived as before', () => {
    contract.given([...contractAt('refunded'), supportNoteAdded()]).when(archive()).then([archived()]);
  });
});
