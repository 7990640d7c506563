#!/usr/bin/env node
// Builds the browser console (apps/console) into one folder the api serves at /console:
// index.html, console.css and one ES module bundled by esbuild (Preact included, no CDN).
// Plain JavaScript, like build-if-stale: it runs as part of `npm run build` and from the tests.
//   node scripts/console/build-console.mjs [out-dir]   (default dist/console)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'apps', 'console');

export async function buildConsole(outDir = join(root, 'dist', 'console')) {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(source, 'src', 'main.tsx')],
    outfile: join(outDir, 'console.js'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(source, 'tsconfig.json'),
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'console.css']) copyFileSync(join(source, file), join(outDir, file));
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildConsole(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`console built into ${outDir}`);
}
