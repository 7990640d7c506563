import { shapeDifferences } from './shape-compare';

describe('shapeDifferences', () => {
  it('accepts the same shape with other values and null on either side', () => {
    expect(shapeDifferences({ a: 1, b: { c: 'x' }, d: null, e: [{ f: true }] },
      { a: 2, b: null, d: 'y', e: [{ f: false }] })).toEqual([]);
  });

  it('reports every missing key, extra key and type change with its path', () => {
    const differences = shapeDifferences(
      { id: 'x', amount: '12', nested: { extra: 1 }, list: [{ n: 's' }] },
      { id: 'y', amount: 12, nested: { needed: 2 }, list: [{ n: 1 }], gone: null },
    );
    expect(differences.sort()).toEqual([
      "$.amount: type string, Stripe's is number",
      '$.gone: missing (Stripe has it)',
      "$.list[0].n: type string, Stripe's is number",
      '$.nested.extra: extra (Stripe has no such key)',
      '$.nested.needed: missing (Stripe has it)',
    ]);
  });

  it('does not compare array elements when either array is empty', () => {
    expect(shapeDifferences({ l: [] }, { l: [{ a: 1 }] })).toEqual([]);
    expect(shapeDifferences({ l: [{ a: 1 }] }, { l: [] })).toEqual([]);
  });

  it('compares metadata and capabilities as dictionaries: value types only', () => {
    expect(shapeDifferences({ metadata: { mine: 'x' }, capabilities: { transfers: 'active' } },
      { metadata: { order_id: '1' }, capabilities: { card_payments: 'active', transfers: 'active' } })).toEqual([]);
    expect(shapeDifferences({ metadata: { mine: 1 } }, { metadata: { order_id: '1' } }))
      .toEqual(["$.metadata.mine: type number, Stripe's is string"]);
  });
});
