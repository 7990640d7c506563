import { useState } from 'preact/hooks';

export interface MilestoneDraft {
  readonly name: string;
  readonly amount: string;
  readonly dueDate: string;
}

/** A milestone as the api takes it: the amount as typed (the api validates it), no due date when none was picked. */
export function milestoneBody(draft: MilestoneDraft) {
  return { name: draft.name, amount: draft.amount, ...(draft.dueDate ? { dueDate: draft.dueDate } : {}) };
}

/** Name, amount and due date inputs, shared by the hire form and "add a milestone". */
export function useMilestoneFields(idPrefix: string, nameLabel: string) {
  const [draft, setDraft] = useState<MilestoneDraft>({ name: '', amount: '', dueDate: '' });
  const set = (field: keyof MilestoneDraft) => (e: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [field]: e.currentTarget.value });
  const fields = (
    <>
      <label for={`${idPrefix}-name`}>{nameLabel}</label>
      <input id={`${idPrefix}-name`} value={draft.name} onInput={set('name')} />
      <label for={`${idPrefix}-amount`}>Amount (USD)</label>
      <input id={`${idPrefix}-amount`} inputMode="decimal" value={draft.amount} placeholder="150.00" onInput={set('amount')} />
      <label for={`${idPrefix}-due`}>Due date</label>
      <input id={`${idPrefix}-due`} type="date" value={draft.dueDate} onInput={set('dueDate')} />
    </>
  );
  return { draft, fields };
}
