import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@escrow/domain';
import { renderCaseFilePdf } from '@escrow/projections/contract-replay';
import { loadConfig, openDatabase, openEventStore } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { caseFileName, loadCaseFile } from '../apps/api/src/contracts/case-file';
import { caseFileUsage, InvalidCaseFileArguments, parseCaseFileArgs } from '../apps/api/src/contracts/case-file-cli';

/**
 * `npm run case-file -- <contractId> [--out <folder>]`: writes the contract's case file as JSON
 * and PDF (what GET /v1/contracts/:cid/case-file serves) into the folder, with the app's
 * configuration. Exits 0 when written, 1 for an unknown contract, 2 on bad arguments, 3 when it
 * could not run. Embedded PGlite opens in one process only: stop the app first, or use the route.
 */
async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseCaseFileArgs(argv);
  } catch (error) {
    if (!(error instanceof InvalidCaseFileArguments)) throw error;
    console.error(`${error.message}\n${caseFileUsage}`);
    return 2;
  }
  const config = loadConfig();
  const db: SqlDb = await openDatabase(config);
  const store = await openEventStore(config, db);
  try {
    const file = await loadCaseFile({ store, db }, args.contractId);
    mkdirSync(args.outDir, { recursive: true });
    const jsonPath = join(args.outDir, caseFileName(args.contractId, 'json'));
    const pdfPath = join(args.outDir, caseFileName(args.contractId, 'pdf'));
    writeFileSync(jsonPath, `${JSON.stringify(file, null, 2)}\n`);
    writeFileSync(pdfPath, await renderCaseFilePdf(file));
    console.log(`${jsonPath}\n${pdfPath}`);
    return 0;
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(3);
  },
);
