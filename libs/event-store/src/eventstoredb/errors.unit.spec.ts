import {
  AccessDeniedError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { WrongExpectedVersion as WrongExpectedVersionDetails } from '@eventstore/db-client/generated/shared_pb';
import { WrongExpectedVersion } from '../event-store';
import { isStreamNotFound, wrongExpectedVersionOf } from './errors';

describe('EventStoreDB error mapping', () => {
  it('maps the error the client throws on a wrong revision (built as its append does) to ours', () => {
    const clientError = new WrongExpectedVersionError(undefined, { streamName: 'run-1/contract-7', current: 1n, expected: 0n });
    const mapped = wrongExpectedVersionOf(clientError, 'contract-7', 0);
    expect(mapped).toBeInstanceOf(WrongExpectedVersion);
    expect(mapped).toMatchObject({ name: 'WrongExpectedVersion', streamId: 'contract-7', expected: 0, actual: 1 });
    expect(mapped!.message).toBe('stream contract-7: expected revision 0, actual 1');
  });

  it('maps the error of a batch append (built from the server\'s details) to ours', () => {
    const details = new WrongExpectedVersionDetails();
    details.setExpectedStreamPosition('4');
    details.setCurrentStreamRevision('9007199254740991');
    const clientError = WrongExpectedVersionError.fromWrongExpectedVersion(details, 'contract-7');
    expect(wrongExpectedVersionOf(clientError, 'contract-7', 4)).toMatchObject({ streamId: 'contract-7', expected: 4, actual: Number.MAX_SAFE_INTEGER });
  });

  it('names no_stream as the actual revision of a stream that does not exist', () => {
    const details = new WrongExpectedVersionDetails();
    const clientError = WrongExpectedVersionError.fromWrongExpectedVersion(details, 'contract-7');
    expect(clientError.actualVersion).toBe('no_stream');
    expect(wrongExpectedVersionOf(clientError, 'contract-7', 'stream_exists')).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
  });

  it('maps the error the client builds from a gRPC status (older servers) to ours', () => {
    const metadata = { 'stream-name': 'contract-7', 'expected-version': '2', 'actual-version': '5' };
    const status = { code: 9, details: 'wrong expected version', message: 'wrong expected version', metadata: { getMap: () => metadata } };
    // The client reads these fields of a grpc-js ServiceError; `never` picks that constructor.
    const clientError = new WrongExpectedVersionError(status as never);
    expect(wrongExpectedVersionOf(clientError, 'contract-7', 2)).toMatchObject({ streamId: 'contract-7', expected: 2, actual: 5 });
  });

  it('lets every other error pass through unmapped', () => {
    for (const other of [
      StreamDeletedError.fromStreamName('contract-7'),
      new AccessDeniedError(),
      new UnavailableError(),
      new StreamNotFoundError(undefined, 'contract-7'),
      new Error('connection reset'),
      'a string',
      null,
    ]) {
      expect(wrongExpectedVersionOf(other, 'contract-7', 0)).toBeNull();
    }
  });

  it('recognises a read of a missing stream, and nothing else, as stream-not-found', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'contract-7'))).toBe(true);
    expect(isStreamNotFound(StreamDeletedError.fromStreamName('contract-7'))).toBe(false);
    expect(isStreamNotFound(new Error('stream-not-found'))).toBe(false);
    expect(isStreamNotFound(undefined)).toBe(false);
  });
});
