import { conflict, invalid } from '../shared/errors';
import type { AddSupportNote } from './commands';
import type { ContractEvent } from './events';
import { milestoneOf, ref, requireSupport } from './guards';
import type { ContractOpen } from './state';

/**
 * Support keeps notes on a dispute: only support writes them, only on a milestone that is or was
 * disputed (by a party or by a chargeback), archived contract or not. Notes are appended, never
 * edited or removed.
 */
export function decideAddSupportNote(command: AddSupportNote, state: ContractOpen): ContractEvent[] {
  requireSupport(command.actor, 'add notes to a dispute');
  const milestone = milestoneOf(state, command.data.milestoneId);
  if (command.data.note.trim() === '') throw invalid('blank_note', 'note: must not be blank');
  if (!milestone.wasDisputed) {
    throw conflict(
      'never_disputed',
      `cannot add a support note to milestone ${milestone.milestoneId}: it was never disputed (its status is ${milestone.status})`,
    );
  }
  return [
    {
      type: 'MilestoneSupportNoteAdded',
      data: { ...ref(state, milestone), noteId: command.data.noteId, supportId: command.actor.id, note: command.data.note },
    },
  ];
}
