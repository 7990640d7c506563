const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const dir = process.env.ESCROW_TEST_PGLITE_TEMPLATE_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
};
