import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Effect keys (`charge:<uuid>`), Stripe event ids (`evt_…`), dead-letter numbers and auto-release step ids. */
const stuckIdPattern = /^[A-Za-z0-9_:.-]{1,200}$/;

/**
 * Auto-release steps are keyed `<cause event id>/release` and `<cause event id>/remind/<days>`;
 * a slash does not fit in a path segment, and no other stuck kind starts with this prefix
 * (effect keys start with their kind, Stripe ids with `evt_`, refused outcomes are numbers).
 */
const autoReleasePrefix = 'auto-release:';

@Injectable()
export class StuckId implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!stuckIdPattern.test(value)) {
      throw new BadRequestException('id must be an effect key, a Stripe event id, a refused-outcome number or an auto-release step id');
    }
    return value;
  }
}

/** `auto-release:<cause event id>:release`, `auto-release:<cause event id>:remind:<days>`. */
export function autoReleaseStuckId(jobKey: string): string {
  return autoReleasePrefix + jobKey.replaceAll('/', ':');
}

/** The step's job key, or null for an id of another stuck kind. Cause event ids are UUIDs: no colon to confuse. */
export function autoReleaseJobKeyOf(id: string): string | null {
  return id.startsWith(autoReleasePrefix) ? id.slice(autoReleasePrefix.length).replaceAll(':', '/') : null;
}
