import { csvField, csvLine, csvUserText } from './csv';

describe('CSV writing', () => {
  it('quotes what needs quoting and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('')).toBe('');
  });

  it('writes a CRLF-terminated line of quoted fields', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', ''])).toBe('plain,"a,b","say ""hi""","two\nlines",\r\n');
  });

  it('defuses user text that a spreadsheet would run as a formula', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(csvUserText(`${lead}SUM(A1)`)).toBe(`'${lead}SUM(A1)`);
    expect(csvUserText('Labels - gold')).toBe('Labels - gold');
  });
});
