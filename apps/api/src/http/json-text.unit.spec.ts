import { jsonDepthMax, readJsonText } from './json-text';
import { textProblem } from './text-rules';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('readJsonText', () => {
  it('reads ordinary JSON, brackets and quotes inside strings included', () => {
    const text = '{"a":"}{[\\"]","b":[1,{"c":"\\\\"}],"d":{"a":1}}';
    expect(readJsonText(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it(`takes ${jsonDepthMax} levels and refuses one more, naming where`, () => {
    expect(readJsonText(nested(jsonDepthMax)).ok).toBe(true);
    expect(readJsonText(`{"a":{"b":${nested(jsonDepthMax - 1)}}}`)).toEqual({ ok: false, problem: `a.b${'[0]'.repeat(jsonDepthMax - 2)}: nested more than ${jsonDepthMax} levels deep` });
  });

  it('refuses a million levels without recursion', () => {
    expect(readJsonText(nested(1_000_000))).toMatchObject({ ok: false, problem: expect.stringMatching(/nested more than 32 levels deep$/) });
  });

  it('tells keys from values: a value equal to an earlier key is no duplicate', () => {
    expect(readJsonText('{"a":"a","b":["a","a"],"c":{"a":"b","b":"a"}}').ok).toBe(true);
    expect(readJsonText('{"a":1,"b":{"x":1},"a":2}')).toEqual({ ok: false, problem: 'a: given twice' });
    expect(readJsonText('{"list":[{"k":1},{"k":2,"k":3}]}')).toEqual({ ok: false, problem: 'list[1].k: given twice' });
  });

  it('reports a syntax error before what it found in the malformed text', () => {
    expect(readJsonText('{"a":1,"a":')).toMatchObject({ ok: false, problem: expect.stringMatching(/^not valid JSON/) });
  });

  it('names fields whose text cannot be stored, keys included', () => {
    expect(readJsonText('{"a":["ok","x\\u0000"]}')).toEqual({ ok: false, problem: 'a[1]: must not contain NUL (U+0000)' });
    expect(readJsonText('{"k\\ud800":1}')).toEqual({ ok: false, problem: 'k\\ud800: field name must be valid Unicode text (it holds an unpaired surrogate)' });
    expect(readJsonText('"\\udc00"')).toEqual({ ok: false, problem: 'body: must be valid Unicode text (it holds an unpaired surrogate)' });
  });
});

describe('text rules', () => {
  it.each([
    ['single-line', 'Batch 🚀 Zoë', null],
    ['single-line', '  padded\t', null],
    ['single-line', 'a\tb', 'must be one line without control characters'],
    ['single-line', 'a\u2028b', 'must be one line without control characters'],
    ['single-line', 'a\u202Eb', 'must not contain bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069)'],
    ['multi-line', 'a\r\n\tb \u202B', null],
    ['multi-line', 'a\u001bb', 'must not contain control characters other than tab and line breaks'],
    ['multi-line', 'a\u0000b', 'must not contain NUL (U+0000)'],
    ['multi-line', '\ud83d', 'must be valid Unicode text (it holds an unpaired surrogate)'],
    ['multi-line', '\ud83d\ude80', null],
  ] as const)('%s %j → %s', (kind, value, problem) => {
    expect(textProblem(value, kind)).toBe(problem);
  });
});
