import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';

/** The server version whose behaviour the test server follows (the one docker-compose.yml runs). */
export const modelledServerVersion = '23.10.1';

/**
 * ServerFeatures.GetSupportedMethods (src/EventStore.Core/Services/Transport/Grpc/ServerFeatures.cs):
 * the client asks once per connection and picks its code paths from the answer; above all it
 * appends through BatchAppend when that is listed, as against a real 23.10 node. Only what the
 * test server implements is listed, and no optional features (a real node lists "position" and
 * "events" for Read and "deadline_duration" for BatchAppend): a client that would rely on one
 * takes its older path instead of one that is not modelled.
 */
const implemented: ReadonlyArray<readonly [service: string, method: string]> = [
  ['event_store.client.streams.streams', 'read'],
  ['event_store.client.streams.streams', 'batchappend'],
  ['event_store.client.server_features.serverfeatures', 'getsupportedmethods'],
];

export function getSupportedMethods(_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>): void {
  const answer = new SupportedMethods();
  answer.setEventStoreServerVersion(modelledServerVersion);
  answer.setMethodsList(
    implemented.map(([service, method]) => {
      const supported = new SupportedMethod();
      supported.setServiceName(service);
      supported.setMethodName(method);
      return supported;
    }),
  );
  callback(null, answer);
}
