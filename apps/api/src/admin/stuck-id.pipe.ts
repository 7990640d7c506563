import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Effect keys (`charge:<uuid>`), Stripe event ids (`evt_…`) and dead-letter numbers. */
const stuckIdPattern = /^[A-Za-z0-9_:.-]{1,200}$/;

@Injectable()
export class StuckId implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!stuckIdPattern.test(value)) throw new BadRequestException('id must be an effect key, a Stripe event id or a refused-outcome number');
    return value;
  }
}
