import { Parser } from '@asyncapi/parser';
import { toYaml, type JsonValue } from './yaml';

/** Reads YAML back with the AsyncAPI parser's own reader, the one consumers of the document use. */
async function readBack(sample: JsonValue): Promise<unknown> {
  const text = toYaml({ asyncapi: '3.0.0', info: { title: 't', version: '1', 'x-sample': sample } });
  const { extras } = await new Parser().parse(text);
  return (extras?.document as { data: { info: Record<string, unknown> } } | undefined)?.data.info['x-sample'];
}

describe('toYaml', () => {
  it('keeps strings that YAML would otherwise read as something else', async () => {
    const tricky = ['true', 'No', 'null', '~', '42', '3.0.0', '#/components/x', 'a: b', 'ends with colon:', ' leading', 'trailing ', '- dash', '*star', '&amp', '!tag', '{x}', '[y]', '"quoted"', "it's", '@at', '`tick`', '%pct', ''];
    expect(await readBack(tricky)).toEqual(tricky);
  });

  it('writes multi-line text as a block that reads back line for line', async () => {
    const text = 'first line\n\n  indented: with colon\n- a list item\nlast';
    expect(await readBack({ description: text })).toEqual({ description: text });
    const awkward = { leadingSpace: ' first\nsecond', trailingNewline: 'first\nsecond\n' };
    expect(await readBack(awkward)).toEqual(awkward);
  });

  it('keeps the shapes of JSON: nesting, arrays of objects, empty ones, numbers, booleans, null', async () => {
    const sample: JsonValue = {
      'Nats-Msg-Id': { type: 'string' },
      $ref: '#/x',
      list: [{ a: 1, b: [true, false] }, [], {}, null, -0.5, 100000000],
      nested: { deeper: { deepest: [['x']] } },
      empty: {},
      none: [],
    };
    expect(await readBack(sample)).toEqual(sample);
  });

  it('refuses numbers JSON cannot hold', () => {
    expect(() => toYaml({ x: Number.NaN })).toThrow('cannot hold NaN');
  });
});
