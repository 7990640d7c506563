// The dependency direction of STYLE.md, checked by `npm test` so it cannot erode: an app is a
// composition of libs, so it never reaches into another app; libs and read models serve every
// app, so they never reach into one. `test/` and `scripts/` are not checked: they drive the apps.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-app-to-other-app',
      comment: 'Apps share code through libs/ (or projections/), never through each other.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-lib-to-app',
      comment: 'A lib or read model that needs an app is not reusable by the others: move the code down into a lib.',
      severity: 'error',
      from: { path: '^(libs|projections)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'libs/domain imports its own files and decimal.js only (also asserted by domain-boundary.unit.spec.ts).',
      severity: 'error',
      from: { path: '^libs/domain/src/', pathNot: ['\\.spec\\.ts$', '^libs/domain/src/testing/'] },
      to: { pathNot: ['^libs/domain/src/', '^node_modules/decimal\\.js/'] },
    },
    {
      name: 'retry-is-neutral',
      comment: 'libs/retry (backoff, pauses) serves every lib, down to runtime: it imports no other lib, so none of them ever imports itself back through it.',
      severity: 'error',
      from: { path: '^libs/retry/src/' },
      to: { path: '^(apps|libs|projections)/', pathNot: '^libs/retry/src/' },
    },
    {
      name: 'jobs-builds-on-sql-and-retry-only',
      comment: 'libs/jobs (job queue, poll loop) serves the webhook inbox in libs/payments as well as the processes, so it stays below them all.',
      severity: 'error',
      from: { path: '^libs/jobs/src/' },
      to: { path: '^(apps|libs|projections)/', pathNot: '^libs/(jobs|sql|retry)/src/' },
    },
    {
      name: 'console-talks-http-only',
      comment: 'apps/console runs in the browser: it reaches the api over HTTP only, never its code (nor Node built-ins), and of packages only Preact, which it bundles.',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { pathNot: ['^apps/console/', '^node_modules/preact/'] },
    },
    {
      name: 'migrations-build-on-sql-only',
      comment: 'libs/migrations (the versioned schema of the tables that cannot be rebuilt) is applied before any store opens, so it knows none of them: its SQL is frozen text, not built from their code.',
      severity: 'error',
      from: { path: '^libs/migrations/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(apps|libs|projections)/', pathNot: '^libs/(migrations|sql)/src/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve (say, a path alias missing from tsconfig.json) would slip past every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-test-server)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
