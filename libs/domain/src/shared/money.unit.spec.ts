import { InvariantViolation } from './assert';
import { InvalidAmount, Money, amountCentsMax, usd } from './money';

describe('Money.parse (API amounts: decimal strings in USD)', () => {
  it.each([
    { input: '150.00', cents: 15_000 },
    { input: '150', cents: 15_000 },
    { input: '0.01', cents: 1 },
    { input: '12.5', cents: 1_250 },
    { input: '0.10', cents: 10 },
    { input: '999999.99', cents: 99_999_999 },
    { input: '1000000.00', cents: 100_000_000 },
    { input: '1000000', cents: 100_000_000 },
  ])('"$input" is $cents cents', ({ input, cents }) => {
    expect(Money.parse(input)).toEqual({ amountCents: cents, currency: 'USD' });
  });

  it.each([
    { input: '0', why: 'greater than 0' },
    { input: '0.00', why: 'greater than 0' },
    { input: '-1.00', why: 'at most 2 decimals' },
    { input: '+1.00', why: 'at most 2 decimals' },
    { input: '1.234', why: 'at most 2 decimals' },
    { input: '1e3', why: 'at most 2 decimals' },
    { input: 'abc', why: 'at most 2 decimals' },
    { input: '', why: 'at most 2 decimals' },
    { input: ' 1.00', why: 'at most 2 decimals' },
    { input: '1.00 ', why: 'at most 2 decimals' },
    { input: '1.00\n', why: 'at most 2 decimals' },
    { input: '1,000.00', why: 'at most 2 decimals' },
    { input: '1.', why: 'at most 2 decimals' },
    { input: '.50', why: 'at most 2 decimals' },
    { input: '01.00', why: 'at most 2 decimals' },
    { input: 'NaN', why: 'at most 2 decimals' },
    { input: 'Infinity', why: 'at most 2 decimals' },
    { input: '0x10', why: 'at most 2 decimals' },
    { input: '1000000.01', why: 'at most 1000000.00' },
    { input: '9999999.99', why: 'at most 1000000.00' },
    { input: '10000000', why: 'at most 2 decimals' },
  ])('refuses "$input" ($why)', ({ input, why }) => {
    expect(() => Money.parse(input)).toThrow(InvalidAmount);
    expect(() => Money.parse(input)).toThrow(why);
  });

  it.each([[150], [150.5], [null], [undefined], [{ amount: '150.00' }], [['150.00']], [true]])(
    'refuses the non-string %p',
    (input) => {
      expect(() => Money.parse(input)).toThrow(InvalidAmount);
      expect(() => Money.parse(input)).toThrow('must be a decimal string');
    },
  );
});

describe('Money.format (integer cents to a decimal string)', () => {
  it.each([
    { cents: 15_000, text: '150.00' },
    { cents: 5, text: '0.05' },
    { cents: 0, text: '0.00' },
    { cents: -5, text: '-0.05' },
    { cents: -15_001, text: '-150.01' },
    { cents: 1_250, text: '12.50' },
    { cents: 100_000_000, text: '1000000.00' },
  ])('$cents cents is "$text"', ({ cents, text }) => {
    expect(Money.format(cents)).toBe(text);
  });

  it('round-trips with parse across the whole range', () => {
    const mismatches: string[] = [];
    for (const cents of [1, 9, 10, 99, 100, 101, 1_250, 15_000, 99_999_999, amountCentsMax]) {
      const back = Money.parse(Money.format(cents)).amountCents;
      if (back !== cents) mismatches.push(`${cents} → "${Money.format(cents)}" → ${back}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses anything but integer cents, loudly', () => {
    expect(() => Money.format(1.5)).toThrow(InvariantViolation);
    expect(() => Money.format(Number.NaN)).toThrow(InvariantViolation);
  });
});

describe('Money.feeOf (platform fee in basis points, half-even to the cent)', () => {
  it.each([
    { amountCents: 15_001, feeBps: 1_000, fee: 1_500, net: 13_501 }, // 1500.1 → 1500
    { amountCents: 150, feeBps: 250, fee: 4, net: 146 }, // 3.75 → 4
    { amountCents: 100, feeBps: 50, fee: 0, net: 100 }, // 0.5 → 0 (half to even)
    { amountCents: 100, feeBps: 150, fee: 2, net: 98 }, // 1.5 → 2 (half to even)
    { amountCents: 250, feeBps: 100, fee: 2, net: 248 }, // 2.5 → 2 (half to even)
    { amountCents: 350, feeBps: 100, fee: 4, net: 346 }, // 3.5 → 4 (half to even)
    { amountCents: 100, feeBps: 149, fee: 1, net: 99 }, // 1.49 → 1
    { amountCents: 100, feeBps: 151, fee: 2, net: 98 }, // 1.51 → 2
    { amountCents: 0, feeBps: 1_000, fee: 0, net: 0 },
    { amountCents: 15_000, feeBps: 0, fee: 0, net: 15_000 },
    { amountCents: 15_000, feeBps: 10_000, fee: 15_000, net: 0 },
  ])('$feeBps bps of $amountCents cents: fee $fee, net $net', ({ amountCents, feeBps, fee, net }) => {
    expect(Money.feeOf(amountCents, feeBps)).toEqual({ feeCents: fee, netCents: net });
  });

  /** Independent oracle in integer arithmetic: amount × bps / 10 000, rounded half to even. */
  function halfEvenFee(amountCents: number, feeBps: number): number {
    const product = BigInt(amountCents) * BigInt(feeBps);
    const quotient = product / 10_000n;
    const twiceRemainder = (product % 10_000n) * 2n;
    if (twiceRemainder > 10_000n) return Number(quotient + 1n);
    if (twiceRemainder === 10_000n) return Number(quotient % 2n === 0n ? quotient : quotient + 1n);
    return Number(quotient);
  }

  it('fee + net equals the amount, both are whole non-negative cents, and the fee is half-even rounded (sweep)', () => {
    const amounts = [
      ...Array.from({ length: 2_001 }, (_, i) => i), // 0 .. 20.00
      ...Array.from({ length: 200 }, (_, i) => 9_950 + i), // around 100.00
      12_345, 15_001, 99_999, 1_000_001, 33_333_333, 99_999_999, amountCentsMax,
    ];
    const bpsValues = [0, 1, 5, 25, 49, 50, 51, 99, 100, 125, 149, 150, 151, 250, 333, 500, 999, 1_000, 1_250, 2_500, 5_000, 7_777, 9_999, 10_000];
    const failures: string[] = [];
    for (const amountCents of amounts) {
      for (const feeBps of bpsValues) {
        const { feeCents, netCents } = Money.feeOf(amountCents, feeBps);
        const expectedFee = halfEvenFee(amountCents, feeBps);
        const wholeAndNonNegative =
          Number.isSafeInteger(feeCents) && Number.isSafeInteger(netCents) && feeCents >= 0 && netCents >= 0;
        if (!wholeAndNonNegative || feeCents + netCents !== amountCents || feeCents !== expectedFee) {
          failures.push(`${feeBps} bps of ${amountCents}: fee ${feeCents}, net ${netCents}, expected fee ${expectedFee}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it.each([
    { amountCents: -1, feeBps: 100 },
    { amountCents: 1.5, feeBps: 100 },
    { amountCents: 100, feeBps: -1 },
    { amountCents: 100, feeBps: 10_001 },
    { amountCents: 100, feeBps: 2.5 },
  ])('refuses $amountCents cents at $feeBps bps as a bug, not a business error', ({ amountCents, feeBps }) => {
    expect(() => Money.feeOf(amountCents, feeBps)).toThrow(InvariantViolation);
  });
});

describe('usd', () => {
  it('wraps integer cents as a USD amount', () => {
    expect(usd(15_000)).toEqual({ amountCents: 15_000, currency: 'USD' });
  });

  it('refuses fractional cents', () => {
    expect(() => usd(0.1 + 0.2)).toThrow(InvariantViolation);
  });
});
