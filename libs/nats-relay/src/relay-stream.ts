import { JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { streamSubjects } from './relay-subjects';

/**
 * How long JetStream remembers a message id and drops a second publish of it.
 *
 * The relay writes its checkpoint after every acknowledged window (at most `relayBatchSizeMax`
 * events, published in well under a second), so a crash leaves at most that one window
 * published but not checkpointed, and the restarted relay publishes it again: the window only
 * has to outlast the gap between a crash and the restart that republishes. The worker restarts a
 * failed relay after a second, and a killed process comes back under its supervisor in seconds
 * or minutes; an hour also covers a deploy or a database outage during which the relay cannot
 * move its checkpoint. Beyond the window the server has forgotten the ids and would store the
 * republished window again, so consumers that must be exactly-once also skip an `eventId` (or a
 * `position`) they have already seen. The server keeps one small entry per message for the
 * window, which at this ledger's event rate costs little.
 */
export const relayDuplicateWindowMs = 60 * 60_000;

export interface RelayStreamSettings {
  readonly streamName: string;
  readonly subjectPrefix: string;
  readonly duplicateWindowMs: number;
}

/**
 * Creates the stream if missing. An existing stream keeps the operator's other settings (limits,
 * replicas); it is only widened to capture the prefix and to dedupe for at least the window.
 */
export async function ensureRelayStream(jsm: JetStreamManager, settings: RelayStreamSettings): Promise<void> {
  const subjects = streamSubjects(settings.subjectPrefix);
  const duplicateWindow = nanos(settings.duplicateWindowMs);
  const existing = await streamInfoOrNull(jsm, settings.streamName);
  if (!existing) {
    await jsm.streams.add({
      name: settings.streamName,
      subjects,
      // The log's whole history, on disk: consumers replay it from the start like the SSE feed.
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: duplicateWindow,
    });
    return;
  }
  const missingSubjects = subjects.filter((subject) => !existing.config.subjects?.includes(subject));
  // The server refuses a duplicate window longer than the stream's maximum age (0: no limit).
  const { max_age: maxAge, duplicate_window: currentWindow } = existing.config;
  const wantedWindow = maxAge > 0 ? Math.min(duplicateWindow, maxAge) : duplicateWindow;
  if (missingSubjects.length === 0 && currentWindow >= wantedWindow) return;
  await jsm.streams.update(settings.streamName, {
    ...existing.config,
    subjects: [...(existing.config.subjects ?? []), ...missingSubjects],
    duplicate_window: Math.max(currentWindow, wantedWindow),
  });
}

async function streamInfoOrNull(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
    throw error;
  }
}
