// Once per Jest run, before any worker starts: a directory for what the workers share
// (the PGlite data-directory dump, see pglite-template.ts). Workers inherit the variable.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  process.env.ESCROW_TEST_PGLITE_TEMPLATE_DIR = mkdtempSync(join(tmpdir(), 'escrow-jest-'));
};
