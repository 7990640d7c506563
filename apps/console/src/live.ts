import { useEffect, useRef, useState } from 'preact/hooks';
import { pathWithQuery } from './api';
import type { FeedEvent } from './api-types';
import type { Session } from './session';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'refused';

/**
 * Follows GET /v1/events (Server-Sent Events) for one contract. EventSource cannot send the
 * Authorization header, so the stream is read through fetch; after a drop it reconnects from the
 * last event it saw (the feed's `from`), so nothing is missed or seen twice.
 */
export function useContractFeed(session: Session, contractId: string, from: string | undefined, onEvent: (event: FeedEvent) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (from === undefined) return;
    const stop = new AbortController();
    let last = from;
    const run = async () => {
      while (!stop.signal.aborted) {
        try {
          const response = await fetch(pathWithQuery('/v1/events', { contractId, from: last }), {
            headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
            signal: stop.signal,
          });
          if (response.status === 401 || response.status === 403 || response.status === 404) return setState('refused');
          if (!response.ok || !response.body) throw new Error(`feed answered ${response.status}`);
          setState('live');
          for await (const message of sseMessages(response.body)) {
            if (message.id) last = message.id;
            if (message.data) handler.current(JSON.parse(message.data) as FeedEvent);
          }
        } catch {
          if (stop.signal.aborted) return;
        }
        setState('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    void run();
    return () => stop.abort();
    // `from` is where the stream starts: the caller passes the first view's position and keeps it.
  }, [session.token, contractId, from]);
  return state;
}

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
}

/** The SSE wire format: fields per line, a blank line ends a message, `:` lines are comments (heartbeats). */
async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let message: SseMessage = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (message.data !== undefined || message.id !== undefined) yield message;
        message = {};
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') message.data = message.data === undefined ? text : `${message.data}\n${text}`;
      else if (field === 'id') message.id = text;
      else if (field === 'event') message.event = text;
    }
  }
}
