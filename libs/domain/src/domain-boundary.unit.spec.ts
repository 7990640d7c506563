import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { preProcessFile } from 'typescript';

/**
 * The domain is pure (docs/ARCHITECTURE.md, "Layers and the dependency rule"): it imports nothing but its own files and decimal.js.
 * No Nest, pg, Stripe, EventStoreDB, Node built-ins or sibling libs. Tests and the testing/
 * helpers are outside the rule.
 */
const domainRoot = __dirname;
const allowedPackages: readonly string[] = ['decimal.js'];

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' && dir === domainRoot ? [] : productionFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every module specifier in a file: import/export ... from, side-effect import, import(), require(). */
function specifiersOf(source: string): string[] {
  return preProcessFile(source, true, true).importedFiles.map((ref) => ref.fileName);
}

function violationsIn(file: string, source: string): string[] {
  const shown = relative(process.cwd(), file);
  return specifiersOf(source).flatMap((specifier) => {
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      const target = resolve(file, '..', specifier);
      const inside = target === domainRoot || target.startsWith(domainRoot + sep);
      return inside ? [] : [`${shown} imports '${specifier}', which leaves libs/domain/src`];
    }
    return allowedPackages.includes(specifier) ? [] : [`${shown} imports '${specifier}'`];
  });
}

describe('domain boundary', () => {
  const files = productionFiles(domainRoot);

  it('finds the domain sources it is meant to police', () => {
    const names = files.map((file) => relative(domainRoot, file).split(sep).join('/'));
    expect(names).toEqual(expect.arrayContaining(['index.ts', 'contract/decide.ts', 'shared/money.ts', 'billing/employer.ts']));
    expect(names.filter((name) => name.startsWith('testing/') || name.endsWith('.spec.ts'))).toEqual([]);
  });

  it('imports nothing but relative domain files and decimal.js', () => {
    const violations = files.flatMap((file) => violationsIn(file, readFileSync(file, 'utf8')));
    expect(violations).toEqual([]);
  });

  describe('the check itself', () => {
    const file = join(domainRoot, 'contract', 'example.ts');
    const offending = (source: string) => violationsIn(file, source).map((v) => v.replace(/^.* imports /, ''));

    it('sees every form of import', () => {
      const source = [
        "import { Injectable } from '@nestjs/common';",
        "import type { Pool } from 'pg';",
        "import 'reflect-metadata';",
        "export * from 'stripe';",
        "export { x } from '@eventstore/db-client';",
        "const fs = require('fs');",
        "const path = await import('node:path');",
        "import crypto = require('node:crypto');",
        "import {\n  a,\n  b,\n} from '@escrow/event-store';",
      ].join('\n');
      expect(offending(source)).toEqual([
        "'@nestjs/common'",
        "'pg'",
        "'reflect-metadata'",
        "'stripe'",
        "'@eventstore/db-client'",
        "'fs'",
        "'node:path'",
        "'node:crypto'",
        "'@escrow/event-store'",
      ]);
    });

    it('lets relative domain imports and decimal.js through, but not relative paths out of the domain', () => {
      const source = [
        "import Decimal from 'decimal.js';",
        "import { assert } from '../shared/assert';",
        "import { x } from './state';",
        "import { y } from '../../../event-store/src';",
      ].join('\n');
      expect(offending(source)).toEqual(["'../../../event-store/src', which leaves libs/domain/src"]);
    });
  });
});
