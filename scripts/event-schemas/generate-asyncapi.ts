import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asyncApiDocument } from '@escrow/event-schemas';

/** Where the committed document lives, relative to the repository root (npm runs scripts there). */
export const asyncApiDocumentPath = 'docs/asyncapi.yaml';

/**
 * Writes docs/asyncapi.yaml from libs/event-schemas (schemas + catalog), or with `--check` exits
 * 1 when the committed file differs from what would be written. Run it after adding an event
 * type or a schema version; a test fails until the committed document matches.
 */
function main(argv: readonly string[]): void {
  const path = resolve(process.cwd(), asyncApiDocumentPath);
  const generated = asyncApiDocument();
  if (argv.includes('--check')) {
    const committed = readFileSync(path, 'utf8');
    if (committed !== generated) {
      console.error(`${asyncApiDocumentPath} is out of date: regenerate it`);
      process.exit(1);
    }
    console.log(`${asyncApiDocumentPath} is up to date`);
    return;
  }
  writeFileSync(path, generated);
  console.log(`wrote ${asyncApiDocumentPath}`);
}

main(process.argv.slice(2));
