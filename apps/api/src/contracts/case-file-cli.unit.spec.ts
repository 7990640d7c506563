import { InvalidCaseFileArguments, parseCaseFileArgs } from './case-file-cli';

describe('npm run case-file arguments', () => {
  it('takes a contract id and an optional folder', () => {
    expect(parseCaseFileArgs(['c_123'])).toEqual({ contractId: 'c_123', outDir: 'case-files' });
    expect(parseCaseFileArgs(['c_123', '--out', '/tmp/cases'])).toEqual({ contractId: 'c_123', outDir: '/tmp/cases' });
    expect(parseCaseFileArgs(['--out', 'x', 'c_1'])).toEqual({ contractId: 'c_1', outDir: 'x' });
  });

  it.each([
    [[], 'contractId: is required'],
    [['../etc'], 'contractId: not a contract id'],
    [['c_1', 'c_2'], 'c_2: one contract id only'],
    [['c_1', '--out'], '--out: needs a folder'],
    [['c_1', '--json'], '--json: unknown option'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCaseFileArgs(argv)).toThrow(InvalidCaseFileArguments);
    expect(() => parseCaseFileArgs(argv)).toThrow(message);
  });
});
