import { assert } from '@escrow/domain';
import { currentSchemaVersion } from '../event-schemas';

export type EventData = Readonly<Record<string, unknown>>;
export type EventMetadataRecord = Readonly<Record<string, unknown>>;

/** Reads data of one version as the next version. Pure: the same input gives the same output. */
export type Upcaster = (data: EventData, metadata: EventMetadataRecord) => EventData;

/**
 * MilestoneDisputed v1 → v2. Party disputes written before chargebacks existed have no
 * `chargeback`; v2 says explicitly that there is none. A v1 event that already names one
 * (chargebacks were first written at v1) keeps it.
 */
export const milestoneDisputedV1ToV2: Upcaster = (data) => ({ ...data, chargeback: data.chargeback ?? null });

/**
 * MilestoneApproved v1 → v2. Version 1 was written when only the contract's employer could
 * approve, so every one of them is an employer's approval; v2 names the reason.
 */
export const milestoneApprovedV1ToV2: Upcaster = (data) => ({ ...data, reason: data.reason ?? 'employer' });

/**
 * TrainerPayoutAccountConnected v1 → v2. Before onboarding took a country, every payout account
 * was opened in the US (the Stripe adapter's fixed country), so a v1 account is a US one.
 */
export const trainerPayoutAccountConnectedV1ToV2: Upcaster = (data) => ({ ...data, country: data.country ?? 'US' });

/** By event type, then by the version upcast from (to that version + 1). */
export const upcasters: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  MilestoneDisputed: { 1: milestoneDisputedV1ToV2 },
  TrainerPayoutAccountConnected: { 1: trainerPayoutAccountConnectedV1ToV2 },
  MilestoneApproved: { 1: milestoneApprovedV1ToV2 },
};

/**
 * Chains the upcasters from `fromVersion` to the type's current version. An event from a newer
 * writer than this reader cannot be read back down: that is a deployment error and it stops.
 */
export function upcastData(type: string, fromVersion: number, data: EventData, metadata: EventMetadataRecord): EventData {
  const toVersion = currentSchemaVersion(type);
  assert(Number.isInteger(fromVersion) && fromVersion >= 1, `${type}: schema version ${fromVersion} is a positive integer`);
  assert(fromVersion <= toVersion, `${type}: stored at schema version ${fromVersion}, newer than this reader's ${toVersion}`);
  let upcast = data;
  for (let version = fromVersion; version < toVersion; version++) {
    const step = upcasters[type]?.[version];
    assert(step !== undefined, `${type}: an upcaster from schema version ${version} to ${version + 1}`);
    upcast = step(upcast, metadata);
  }
  return upcast;
}
