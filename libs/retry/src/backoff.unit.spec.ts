import { backoffMs, type Backoff } from './backoff';

const proportional: Backoff = { baseMs: 1_000, capMs: 300_000, jitter: 'proportional' };
const full: Backoff = { baseMs: 10, capMs: 400, jitter: 'full' };
const fixed = (value: number) => () => value;

describe('backoffMs', () => {
  it('doubles from the base with each failed attempt, up to the cap', () => {
    const middle = fixed(0.5); // no jitter: exactly the exponential delay
    expect([1, 2, 3, 4].map((attempt) => backoffMs(proportional, attempt, middle))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(proportional, 9, middle)).toBe(256_000);
    expect(backoffMs(proportional, 10, middle)).toBe(300_000);
    expect(backoffMs(proportional, 60, middle)).toBe(300_000);
  });

  it('keeps proportional jitter within ±20 %, rounded to whole milliseconds', () => {
    expect(backoffMs(proportional, 3, fixed(0))).toBe(3_200);
    expect(backoffMs(proportional, 3, fixed(0.999_999))).toBe(4_800);
    expect(backoffMs({ baseMs: 7, capMs: 100, jitter: 'proportional' }, 1, fixed(0.3))).toBe(Math.round(7 * 0.92));
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffMs(proportional, 20);
      expect(delay).toBeGreaterThanOrEqual(240_000);
      expect(delay).toBeLessThanOrEqual(360_000);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it('spreads full jitter from 0 up to the exponential delay', () => {
    expect(backoffMs(full, 1, fixed(0))).toBe(0);
    expect(backoffMs(full, 3, fixed(0.5))).toBe(20);
    expect(backoffMs(full, 10, fixed(0.5))).toBe(200); // 10 × 2^9 is capped at 400
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffMs(full, 5);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(160);
    }
  });

  it('gives the same delay for the same random draw', () => {
    const draws = [0.1, 0.7, 0.25];
    const run = () => draws.map((draw, i) => backoffMs(proportional, i + 1, fixed(draw)));
    expect(run()).toEqual(run());
    expect(run()).toEqual([840, 2_160, 3_600]);
  });

  it('treats an attempt below 1 as the first', () => {
    expect(backoffMs(proportional, 0, fixed(0.5))).toBe(1_000);
  });
});
