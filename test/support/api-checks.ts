import { randomBytes } from 'node:crypto';
import type { Actor } from '@escrow/domain';
import { comparePositions, readLimitMax, type EventStore, type RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import type { HttpResponse } from './app';

/** Checks shared by the API contract specs: fresh parties, the whole log, the error shape. */
export const uid = () => randomBytes(5).toString('hex');
export const freshEmployer = (): Actor => ({ role: 'employer', id: `emp_${uid()}` });
export const freshTrainer = (): Actor => ({ role: 'trainer', id: `tr_${uid()}` });

export type Json = Record<string, unknown>;
export const validHire = (trainerId: string, amount = '150.00'): Json => ({
  projectName: 'Reward model eval',
  trainerId,
  firstMilestone: { name: 'Batch 1', description: '500 prompts', amount, dueDate: '2026-12-31' },
});

export async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  // Everything committed before the call: on a shared PostgreSQL a commit is readable only once
  // older transactions elsewhere on the server end, so a short page may only mean "not yet"
  // (waited for up to 10 s; past that the caller gets what is visible).
  const head = await store.committedHeadPosition();
  const deadline = Date.now() + 10_000;
  const events: RecordedEvent[] = [];
  for (;;) {
    const fromPosition = events.at(-1)?.position ?? null;
    const page = await store.readAll({ fromPosition, limit: readLimitMax });
    events.push(...page);
    if (page.length === readLimitMax) continue;
    const last = events.at(-1)?.position ?? null;
    if (head === null || (last !== null && comparePositions(last, head) >= 0) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The number of events in the whole log. `readAll` shows a commit only once no older transaction is
 * open anywhere on the server (the xmin technique), so on a shared PostgreSQL it can lag behind what
 * is committed: wait until it shows every committed row; if something elsewhere holds it back for
 * long, count the committed rows (the same number once visible).
 */
export async function eventLogSize(db: SqlDb, store: EventStore): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { rows } = await db.query<{ n: number | string }>('select count(*) as n from es_events');
    const committed = Number(rows[0]!.n);
    const visible = (await allEvents(store)).length;
    expect(visible).toBeLessThanOrEqual(committed);
    if (visible === committed || Date.now() > deadline) return committed;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity' };

/** Every error leaves as {statusCode, error, message} (a domain error may add its machine `code`). */
export function expectError(response: HttpResponse, status: number, message: RegExp | string): void {
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { statusCode: status } });
  const { code, ...rest } = response.body as Json;
  expect(rest).toEqual({ statusCode: status, error: reasons[status], message: expect.any(String) });
  if (code !== undefined) expect(code).toEqual(expect.any(String));
  if (typeof message === 'string') expect(rest.message).toContain(message);
  else expect(rest.message).toMatch(message);
}

/** A refused request: the expected error, and the event log exactly as long as before it. */
export async function expectRefusedWithoutWrites(
  db: SqlDb,
  store: EventStore,
  call: () => Promise<HttpResponse>,
  status: number,
  message: RegExp | string,
): Promise<HttpResponse> {
  const before = await eventLogSize(db, store);
  const response = await call();
  expectError(response, status, message);
  expect(await eventLogSize(db, store)).toBe(before);
  return response;
}
