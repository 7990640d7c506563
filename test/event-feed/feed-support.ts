import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { EventStore, EventToAppend } from '@escrow/event-store';
import { EVENT_STORE } from '@escrow/runtime';
import { SseParser, type FeedEvent, type SseMessage } from '@escrow/client';
import type { RunningApp } from '../support/app';

export function storeOf(app: RunningApp): EventStore {
  return app.app.get<EventStore>(EVENT_STORE);
}

export function contractCreated(contractId: string = randomUUID(), projectName = 'Labelling'): EventToAppend {
  const eventId = randomUUID();
  return {
    eventId,
    type: 'ContractCreated',
    data: { contractId, employerId: `emp-${contractId.slice(0, 8)}`, trainerId: `trn-${contractId.slice(0, 8)}`, projectName },
    metadata: { eventId, contractId, correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

export function milestoneCreated(contractId: string, milestoneId = randomUUID()): EventToAppend {
  const eventId = randomUUID();
  return {
    eventId,
    type: 'MilestoneCreated',
    data: { contractId, milestoneId, name: 'Dataset', description: null, amount: { currency: 'USD', amountCents: 15_000 }, dueDate: null },
    metadata: { eventId, contractId, milestoneId, correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

/** Appends `count` events over `streams` contracts, in batches (each batch one contract stream). */
export async function appendMany(store: EventStore, count: number, batch = 50): Promise<void> {
  for (let written = 0; written < count; ) {
    const contractId = randomUUID();
    const size = Math.min(batch, count - written);
    const events = [contractCreated(contractId), ...Array.from({ length: size - 1 }, () => milestoneCreated(contractId))];
    await store.append(`contract-${contractId}`, events, 'no_stream');
    written += size;
  }
}

/** A raw SSE connection, for what a plain client sees: messages, comments, status and headers. */
export interface RawStream {
  readonly response: IncomingMessage;
  readonly messages: SseMessage[];
  readonly comments: string[];
  readonly events: () => FeedEvent[];
  readonly ended: Promise<void>;
  close(): void;
}

export function openRawStream(baseUrl: string, path: string, headers: Record<string, string>): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, baseUrl), { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const parser = new SseParser();
      const messages: SseMessage[] = [];
      const comments: string[] = [];
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        for (const line of text.split('\n')) if (line.startsWith(':')) comments.push(line);
        messages.push(...parser.push(text));
      });
      const ended = new Promise<void>((done) => {
        response.on('end', done);
        response.on('close', done);
        response.on('error', () => done());
      });
      resolve({
        response,
        messages,
        comments,
        events: () => messages.map((m) => JSON.parse(m.data) as FeedEvent),
        ended,
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
    request.end();
  });
}
