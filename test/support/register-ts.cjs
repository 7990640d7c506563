// Lets a child process run the TypeScript sources directly (`node -r ./test/support/register-ts.cjs
// apps/worker/src/main.ts`), compiled the way Jest compiles them, so tests can start and kill a
// real worker process without building first.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const aliases = [
  [/^@escrow\/projections\/(.+)$/, (name) => path.join(root, 'projections', name, 'index.ts')],
  [/^@escrow\/([^/]+)$/, (name) => path.join(root, 'libs', name, 'src', 'index.ts')],
];

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, ...rest) {
  for (const [pattern, target] of aliases) {
    const match = pattern.exec(request);
    if (match) return target(match[1]);
  }
  return resolveFilename.call(this, request, ...rest);
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
