import { useState } from 'preact/hooks';
import type { Milestone } from '../api-types';
import { fromCents, isAmount, toCents } from '../money';
import { ActionButton } from '../ui';

type Resolution = 'release' | 'refund' | 'split';

/** What is still held for the milestone, as far as its view shows: the api checks against the ledger's own figure. */
export function heldInEscrow(m: Milestone): bigint {
  return toCents(m.amount) - toCents(m.refunded) - toCents(m.refundPending);
}

/**
 * Support resolves a disputed milestone: all to the trainer, all back to the employer, or a split.
 * For a split the form shows, as it is typed, whether the two parts add up to what is held.
 */
export function ResolveDispute(props: { milestone: Milestone; resolve: (body: object) => () => Promise<void>; addNote: (body: object) => () => Promise<void> }) {
  const m = props.milestone;
  const held = heldInEscrow(m);
  const [resolution, setResolution] = useState<Resolution>('split');
  const [trainerAmount, setTrainerAmount] = useState('');
  const [note, setNote] = useState('');
  const id = (name: string) => `${name}-${m.milestoneId}`;
  const check = splitCheck(held, trainerAmount);
  const body = { resolution, note, ...(resolution === 'split' ? { trainerAmount: trainerAmount.trim() } : {}) };
  return (
    <form class="resolve" onSubmit={(e) => e.preventDefault()} aria-label={`Resolve the dispute on ${m.name}`}>
      <fieldset>
        <legend>Resolve the dispute on {m.name}</legend>
        {(['release', 'refund', 'split'] as const).map((r) => (
          <label class="choice" key={r}>
            <input type="radio" name={id('resolution')} value={r} checked={resolution === r} onChange={() => setResolution(r)} />
            {r === 'release' ? 'Release to the trainer' : r === 'refund' ? 'Refund the employer' : 'Split'}
          </label>
        ))}
      </fieldset>
      {resolution === 'split' ? (
        <div class="split">
          <label for={id('trainer-amount')}>To the trainer (USD)</label>
          <input id={id('trainer-amount')} inputMode="decimal" value={trainerAmount} onInput={(e) => setTrainerAmount(e.currentTarget.value)} />
          <p class={check.ok ? 'status ok' : 'status bad'} aria-live="polite" data-testid="split-check">
            {check.message}
          </p>
        </div>
      ) : null}
      <label for={id('note')}>Note (kept in the case file)</label>
      <textarea id={id('note')} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <div class="actions">
        <ActionButton label="Resolve" kind="primary" accessibleName={`Resolve the dispute on ${m.name}`} run={props.resolve(body)} />
        <ActionButton label="Add note only" run={props.addNote({ note })} />
      </div>
    </form>
  );
}

function splitCheck(held: bigint, typed: string): { ok: boolean; message: string } {
  if (!typed.trim()) return { ok: false, message: `Type the trainer's part: the rest of ${fromCents(held)} goes back to the employer.` };
  if (!isAmount(typed)) return { ok: false, message: 'Not an amount: digits with at most two decimals, such as 40.00.' };
  const trainer = toCents(typed);
  if (trainer <= 0n || trainer >= held) return { ok: false, message: `A split gives each side part of ${fromCents(held)}: more than 0.00 and less than ${fromCents(held)}.` };
  return { ok: true, message: `${fromCents(trainer)} to the trainer + ${fromCents(held - trainer)} refunded = ${fromCents(held)} held: adds up.` };
}
