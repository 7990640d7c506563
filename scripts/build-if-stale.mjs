#!/usr/bin/env node
// `npm run -s build` only when a source changed since the last build: the type check of the whole
// program takes seconds even when nothing changed, which every `npm run -s token` paid. Plain
// JavaScript on purpose: it must run before anything is built.
import { execSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Written after each build here: tsc leaves its own build info untouched when nothing it emits changed.
const stamp = join(root, 'dist', '.built-at');
const sourceDirs = ['apps', 'libs', 'projections', 'scripts'];
const configFiles = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** The newest modification time of the sources (and the folders, so a deleted or renamed file counts). */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    newest = Math.max(newest, mtimeMs(dir) ?? 0);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(path);
      } else if (/\.(ts|tsx|json|css|html)$/.test(entry.name)) {
        newest = Math.max(newest, mtimeMs(path) ?? 0);
      }
    }
  };
  for (const dir of sourceDirs) visit(join(root, dir));
  for (const file of configFiles) newest = Math.max(newest, mtimeMs(join(root, file)) ?? 0);
  return newest;
}

const built = mtimeMs(stamp);
if (built === null || newestSource() > built || process.env.FORCE_BUILD === '1') {
  const started = new Date().toISOString();
  execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
  // A source saved during the build is newer than the stamp's time: the next run builds again.
  writeFileSync(stamp, `${started}\n`);
}
