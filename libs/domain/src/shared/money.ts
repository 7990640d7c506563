import Decimal from 'decimal.js';
import { assert } from './assert';

/** Amounts in events: integer cents and a currency. Never a float. */
export interface Amount {
  readonly amountCents: number;
  readonly currency: 'USD';
}

export const amountCentsMax = 100_000_000; // 1,000,000.00 USD
const apiAmountPattern = /^(0|[1-9]\d{0,6})(\.\d{1,2})?$/;

export class InvalidAmount extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidAmount';
  }
}

export const Money = {
  /**
   * Parses an API amount ("150.00"): a decimal string, at most 2 decimals, > 0, <= 1,000,000.00.
   * Exponents, signs, spaces and numbers-as-JSON are refused rather than guessed at.
   */
  parse(input: unknown): Amount {
    if (typeof input !== 'string') throw new InvalidAmount('must be a decimal string such as "150.00"');
    if (!apiAmountPattern.test(input)) {
      throw new InvalidAmount('must be a decimal string with at most 2 decimals, such as "150.00"');
    }
    const cents = new Decimal(input).times(100);
    assert(cents.isInteger(), `parsed amount ${input} is whole cents`);
    if (cents.lte(0)) throw new InvalidAmount('must be greater than 0');
    if (cents.gt(amountCentsMax)) throw new InvalidAmount('must be at most 1000000.00');
    return usd(cents.toNumber());
  },

  /** Formats integer cents as a decimal string ("150.00", "-0.05") with string arithmetic only. */
  format(amountCents: number): string {
    assert(Number.isSafeInteger(amountCents), `amount ${amountCents} is integer cents`);
    const sign = amountCents < 0 ? '-' : '';
    const digits = String(Math.abs(amountCents)).padStart(3, '0');
    return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  },

  /**
   * The platform fee on an amount, in basis points. Rounding rule: half-even to the cent
   * (banker's rounding), so fees do not drift upwards in aggregate; the remainder stays with
   * the trainer's net, so fee + net always equals the amount exactly.
   */
  feeOf(amountCents: number, feeBps: number): { feeCents: number; netCents: number } {
    assert(Number.isSafeInteger(amountCents) && amountCents >= 0, 'amount is non-negative integer cents');
    assert(Number.isInteger(feeBps) && feeBps >= 0 && feeBps <= 10_000, 'fee is 0..10000 basis points');
    const feeCents = new Decimal(amountCents)
      .times(feeBps)
      .dividedBy(10_000)
      .toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN)
      .toNumber();
    const netCents = amountCents - feeCents;
    assert(feeCents + netCents === amountCents, 'fee + net equals the amount');
    return { feeCents, netCents };
  },
};

export function usd(amountCents: number): Amount {
  assert(Number.isSafeInteger(amountCents), `amount ${amountCents} is integer cents`);
  return { amountCents, currency: 'USD' };
}
