export { NatsRelay, natsRelayDefaults, relayBatchSizeMax, type NatsRelayOptions, type NatsRelayStats } from './nats-relay';
export { relayDuplicateWindowMs } from './relay-stream';
export { eventSubject, streamCategory, subjectToken } from './relay-subjects';
export { eventTypeHeader, positionHeader, type WindowAck } from './relay-window';
