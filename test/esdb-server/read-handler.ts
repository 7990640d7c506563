import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { AllSubscription } from './all-subscription';
import { callError } from './call-errors';
import { writeMessage } from './call-writer';
import { readRequestOf } from './read-request';
import { eventResponse, streamNotFoundResponse } from './read-responses';
import { readAll, readStream } from './reads';
import type { LoggedEvent, TransactionLog } from './transaction-log';
import type { ReadLog } from './read-log';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

/** The subscriptions running now, so the server can drop them or stop them on close. */
export type SubscriptionRegistry = Set<AllSubscription>;

/** Streams.Read: one request, answered by a finite read or by a subscription that runs until cancelled. */
export function readHandler(log: TransactionLog, subscriptions: SubscriptionRegistry, readLog: ReadLog) {
  return (call: ReadCall): void => {
    serve(call, log, subscriptions, readLog).catch((error: unknown) => {
      if (!call.writableEnded && !call.destroyed) call.emit('error', callError(error));
    });
  };
}

async function serve(call: ReadCall, log: TransactionLog, subscriptions: SubscriptionRegistry, readLog: ReadLog): Promise<void> {
  const request = readRequestOf(call.request);
  const sent = readLog.open(call, request);
  const send = async (event: LoggedEvent) => {
    sent(event);
    return writeMessage(call, eventResponse(event));
  };
  switch (request.kind) {
    case 'stream': {
      const events = readStream(log, request);
      if (events === 'stream-not-found') await writeMessage(call, streamNotFoundResponse(request.stream));
      else for (const event of events) if (!(await send(event))) return;
      break;
    }
    case 'all':
      for (const event of readAll(log, request)) if (!(await send(event))) return;
      break;
    case 'subscribe-all': {
      const subscription = new AllSubscription(call, log, request, sent);
      subscriptions.add(subscription);
      try {
        await subscription.run();
      } finally {
        subscriptions.delete(subscription);
      }
      return;
    }
  }
  if (!call.writableEnded && !call.destroyed) call.end();
}
