import { externalIdPattern } from '../http/validators';

export const caseFileUsage = 'usage: npm run case-file -- <contractId> [--out <folder>]   (default folder: ./case-files)';

export class InvalidCaseFileArguments extends Error {}

export interface CaseFileArgs {
  readonly contractId: string;
  readonly outDir: string;
}

/** `<contractId> [--out <folder>]`: the contract id in the format of path ids. */
export function parseCaseFileArgs(argv: readonly string[]): CaseFileArgs {
  let contractId: string | null = null;
  let outDir = 'case-files';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new InvalidCaseFileArguments('--out: needs a folder');
      outDir = value;
    } else if (arg.startsWith('-')) {
      throw new InvalidCaseFileArguments(`${arg}: unknown option`);
    } else if (contractId !== null) {
      throw new InvalidCaseFileArguments(`${arg}: one contract id only`);
    } else {
      if (!externalIdPattern.test(arg)) throw new InvalidCaseFileArguments(`contractId: not a contract id (${arg})`);
      contractId = arg;
    }
  }
  if (contractId === null) throw new InvalidCaseFileArguments('contractId: is required');
  return { contractId, outDir };
}
