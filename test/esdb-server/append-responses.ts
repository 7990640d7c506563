import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import type { Code } from '@eventstore/db-client/generated/code_pb';
import { AllStreamPosition, MaximumAppendSizeExceeded, Timeout, WrongExpectedVersion, type StreamIdentifier, type UUID } from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { expectedAny, expectedNoStream, expectedStreamExists } from './commit-check';

/** What every answer to one append of a BatchAppend call names. */
interface AppendIdentity {
  readonly correlationId: UUID;
  readonly streamIdentifier: StreamIdentifier;
}

/**
 * A write's answer: the last event's revision and position, commit and prepare alike (the
 * server's WriteEvents request manager answers "CommitPosition, CommitPosition"; an idempotent
 * retry gets the original write's last event, AlreadyCommitted's log position).
 */
export function successResponse(append: AppendIdentity, revision: number, offset: bigint): BatchAppendResp {
  const position = new AllStreamPosition();
  position.setCommitPosition(offset.toString());
  position.setPreparePosition(offset.toString());
  const success = new BatchAppendResp.Success();
  success.setCurrentRevision(String(revision));
  success.setPosition(position);
  const response = identified(append);
  response.setSuccess(success);
  return response;
}

/** A google.rpc.Status with packed details, as Grpc/Status.cs builds them. */
export function errorResponse(append: AppendIdentity, code: Code, message: string, details: Any): BatchAppendResp {
  const error = new Status();
  error.setCode(code);
  error.setMessage(message);
  error.setDetails(details);
  const response = identified(append);
  response.setError(error);
  return response;
}

export function packDetails(details: { serializeBinary(): Uint8Array }, typeName: string): Any {
  const any = new Any();
  any.pack(details.serializeBinary(), `event_store.client.${typeName}`);
  return any;
}

/** WrongExpectedVersion.Create: a current version of -1 is "no stream"; expected as the client sent it. */
export function wrongExpectedVersionDetails(currentVersion: number, expected: number): WrongExpectedVersion {
  const details = new WrongExpectedVersion();
  if (currentVersion < 0) details.setCurrentNoStream(new Empty());
  else details.setCurrentStreamRevision(String(currentVersion));
  if (expected === expectedAny) details.setExpectedAny(new Empty());
  else if (expected === expectedNoStream) details.setExpectedNoStream(new Empty());
  else if (expected === expectedStreamExists) details.setExpectedStreamExists(new Empty());
  else details.setExpectedStreamPosition(String(expected));
  return details;
}

export function maxAppendSizeDetails(maxAppendSizeBytes: number): MaximumAppendSizeExceeded {
  const details = new MaximumAppendSizeExceeded();
  details.setMaxappendsize(maxAppendSizeBytes);
  return details;
}

export function timeoutDetails(): Timeout {
  return new Timeout();
}

function identified(append: AppendIdentity): BatchAppendResp {
  const response = new BatchAppendResp();
  response.setCorrelationId(append.correlationId);
  response.setStreamIdentifier(append.streamIdentifier);
  return response;
}
