import { BadRequestException } from '@nestjs/common';
import { encodeCursor, parseBound, parseCursor, parseLimit, parsePrefix, requireOrderedBounds } from './ledger.params';

const position = '00000000000000000745-00000000000000001203';

describe('ledger query parameters', () => {
  it('takes a global position as it is', () => {
    expect(parseBound(position, 'asOf')).toEqual({ kind: 'position', position });
  });

  it.each([
    ['2026-03-01T12:00:00Z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00Z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00:00.5Z', '2026-03-01T12:00:00.500Z'],
    ['2026-03-01T12:00:00.123999Z', '2026-03-01T12:00:00.123Z'],
    ['2026-03-01T14:30:00+02:30', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T00:00:00-05:00', '2026-03-01T05:00:00.000Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
  ])('normalises the instant %s to %s', (raw, time) => {
    expect(parseBound(raw, 'asOf')).toEqual({ kind: 'time', time });
  });

  it.each(['', 'now', '2026-03-01', '2026-03-01T12:00:00', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T12:60:00Z', '1700000000', '745-1203'])(
    'refuses %j, naming the field',
    (raw) => {
      expect(() => parseBound(raw, 'asOf')).toThrow(BadRequestException);
      expect(() => parseBound(raw, 'asOf')).toThrow(/^asOf: /);
    },
  );

  it('leaves an absent bound unbounded', () => {
    expect(parseBound(undefined, 'to')).toBeNull();
  });

  it('refuses from after to when they are comparable', () => {
    const early = parseBound('2026-03-01T00:00:00Z', 'from');
    const late = parseBound('2026-03-02T00:00:00Z', 'to');
    expect(() => requireOrderedBounds(late, early)).toThrow(/from: must not be after to/);
    expect(() => requireOrderedBounds(early, late)).not.toThrow();
    expect(() => requireOrderedBounds(late, parseBound(position, 'to'))).not.toThrow();
  });

  it('round-trips cursors and refuses anything else', () => {
    expect(parseCursor(encodeCursor({ position, entryIndex: 2 }))).toEqual({ position, entryIndex: 2 });
    expect(() => parseCursor('bm9wZQ')).toThrow(/^cursor: /);
    expect(parseCursor(undefined)).toBeNull();
  });

  it('bounds limits and prefixes', () => {
    expect(parseLimit(undefined)).toBe(100);
    expect(parseLimit('1000')).toBe(1000);
    for (const raw of ['0', '1001', '-1', '1.5', 'ten', '']) expect(() => parseLimit(raw)).toThrow(/^limit: /);
    expect(parsePrefix('escrow:contract:')).toBe('escrow:contract:');
    expect(parsePrefix('')).toBeNull();
    expect(() => parsePrefix('escrow%')).toThrow(/^prefix: /);
  });
});
