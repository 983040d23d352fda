/**
 * The layers of hpa-ts (docs/ARCHITECTURE.md), enforced on every import: static, dynamic
 * (`await import('…')`) and type-only alike, with no exemptions. `npm run lint` runs it;
 * test/deploy/layers.test.ts proves it bites.
 *
 *   algorithms ← transport ← metrics-clients ← controller ← simulator ← app
 *
 * Each rule names a layer and what it must not reach; app/ and test/ may import everything.
 */
const PROJECT = '^(algorithms|transport|metrics-clients|controller|simulator|app|test)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'algorithms-imports-nothing-outside-itself',
      comment: 'algorithms/ is pure: no other layer, no package, no node: module (eslint also bans Date.now there)',
      severity: 'error',
      from: { path: '^algorithms/' },
      to: { pathNot: '^algorithms/' },
    },
    {
      name: 'transport-imports-only-algorithms',
      comment: 'transport/ is the bottom of the I/O stack: it knows the API server, not who asks',
      severity: 'error',
      from: { path: '^transport/' },
      to: { path: PROJECT, pathNot: '^(algorithms|transport)/' },
    },
    {
      name: 'metrics-clients-import-only-algorithms-and-transport',
      comment: 'a metrics client never learns who uses it',
      severity: 'error',
      from: { path: '^metrics-clients/' },
      to: { path: PROJECT, pathNot: '^(algorithms|transport|metrics-clients)/' },
    },
    {
      name: 'controller-imports-algorithms-transport-and-the-metrics-port',
      comment:
        'the controller reads metrics through metrics-clients/port.ts only (MetricsClient, PodLister and the query types); the composition root builds the client',
      severity: 'error',
      from: { path: '^controller/' },
      to: { path: PROJECT, pathNot: '^(algorithms|transport|controller)/|^metrics-clients/port\\.ts$' },
    },
    {
      name: 'simulator-imports-only-the-ports-of-controller',
      comment:
        'the simulator serves the controller through the ports a real cluster serves (controller/ports.ts, controller/clock.ts) and uses metrics-clients/ through its public index.ts',
      severity: 'error',
      from: { path: '^simulator/' },
      to: {
        path: PROJECT,
        pathNot: '^(algorithms|transport|simulator)/|^controller/(ports|clock)\\.ts$|^metrics-clients/index\\.ts$',
      },
    },
    {
      name: 'only-the-composition-root-imports-app',
      comment: 'app/ is the only composition root: no layer below imports it',
      severity: 'error',
      from: { path: '^(algorithms|transport|metrics-clients|controller|simulator)/' },
      to: { path: '^app/' },
    },
    {
      name: 'layers-never-import-tests',
      severity: 'error',
      from: { path: '^(algorithms|transport|metrics-clients|controller|simulator|app)/' },
      to: { path: '^test/' },
    },
    {
      name: 'every-import-resolves',
      comment: 'an import the checker cannot resolve could hide a violation',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.bench-dist|coverage|tmp)/' },
    // type-only imports count: a layer must not even name what it may not use
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
