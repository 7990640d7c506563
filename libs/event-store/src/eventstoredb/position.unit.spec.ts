import fc from 'fast-check';
import { InvariantViolation } from '@escrow/domain';
import { comparePositions } from '../event-store';
import { InvalidPosition } from '../postgres/position';
import { decodePosition, encodePosition, positionPartMax } from './position';

const part = fc.bigInt({ min: 0n, max: positionPartMax });
const position = fc.record({ commit: part, prepare: part });

function comparePairs(a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

describe('EventStoreDB positions', () => {
  it('encodes the (commit, prepare) pair as two 20-digit decimals', () => {
    expect(encodePosition({ commit: 0n, prepare: 0n })).toBe('00000000000000000000-00000000000000000000');
    expect(encodePosition({ commit: 1203n, prepare: 745n })).toBe('00000000000000001203-00000000000000000745');
    expect(encodePosition({ commit: positionPartMax, prepare: positionPartMax })).toBe('18446744073709551615-18446744073709551615');
  });

  it('keeps every bit of positions beyond 2^53 through a round trip', () => {
    const beyondNumbers = { commit: 2n ** 53n + 1n, prepare: 2n ** 63n + 7n };
    expect(encodePosition(beyondNumbers)).toBe('00009007199254740993-09223372036854775815');
    expect(decodePosition(encodePosition(beyondNumbers))).toEqual(beyondNumbers);
    fc.assert(fc.property(position, (p) => {
      const encoded = encodePosition(p);
      expect(encoded).toHaveLength(41);
      expect(decodePosition(encoded)).toEqual(p);
    }));
  });

  it('orders encoded positions as ESDB orders $all: by commit, then prepare', () => {
    expect(comparePositions(encodePosition({ commit: 9n, prepare: 100n }), encodePosition({ commit: 10n, prepare: 2n }))).toBe(-1);
    expect(comparePositions(encodePosition({ commit: 10n, prepare: 2n }), encodePosition({ commit: 10n, prepare: 11n }))).toBe(-1);
    fc.assert(fc.property(position, position, (a, b) => {
      expect(comparePositions(encodePosition(a), encodePosition(b))).toBe(comparePairs(a, b));
    }));
  });

  it.each([
    '',
    'start',
    '1-2',
    '00000000000000001203',
    '00000000000000001203-0000000000000000074',
    '000000000000000001203-00000000000000000745',
    '00000000000000001203_00000000000000000745',
    ' 00000000000000001203-00000000000000000745',
    '-0000000000000001203-00000000000000000745',
    '0000000000000000120x-00000000000000000745',
    '18446744073709551616-00000000000000000000', // 2^64: 20 digits, but no u64
    '00000000000000000000-99999999999999999999',
  ])('refuses %j with InvalidPosition', (encoded) => {
    expect(() => decodePosition(encoded)).toThrow(InvalidPosition);
    expect(() => decodePosition(encoded)).toThrow(JSON.stringify(encoded));
  });

  it('refuses to encode what is not an unsigned 64-bit pair', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(InvariantViolation);
    expect(() => encodePosition({ commit: 0n, prepare: positionPartMax + 1n })).toThrow(InvariantViolation);
  });
});
