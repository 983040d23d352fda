/**
 * The pure parts of the end-to-end bed (test/e2e/bed, test/e2e/releases): the scenario generator,
 * the scenario file format, which features a release has, the kube-apiserver gates of the bed and
 * the choice of releases. The bed itself needs the real components (npm run test:e2e).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { featuresOf, FEATURES } from '../../e2e/bed/features.js';
import { loadScenarioFile, parseScenarioFile, scenarioFileText } from '../../e2e/bed/scenario-file.js';
import { ALL_KINDS, FLAKY_METRIC, generateScenarios } from '../../e2e/bed/scenarios.js';
import { apiserverFeatureGates } from '../../e2e/bed/stack.js';
import { chooseReleases, releasesFrom } from '../../e2e/releases/releases.js';

const EXAMPLE = fileURLToPath(new URL('../../e2e/scenarios/example.yaml', import.meta.url));
const options = { periodMs: 4000, epochs: 12, kinds: ALL_KINDS };

describe('the side-by-side scenario generator', () => {
  it('gives the same scenarios for the same seed', () => {
    const a = generateScenarios(7, 30, 'sbs', { ...options, extended: true });
    const b = generateScenarios(7, 30, 'sbs', { ...options, extended: true });
    expect(a.map((s) => s.hpa)).toEqual(b.map((s) => s.hpa));
    expect(a[3].lockstep.namespace).toBe('sbs-003');
  });

  it('extended: draws scale to zero (with an Object or External metric), a flaky third metric and External selector subsets', () => {
    const s = generateScenarios(11, 200, 'sbs', { ...options, extended: true });
    const zero = s.filter((x) => x.choice.minReplicas === 0);
    expect(zero.length).toBeGreaterThan(10);
    for (const x of zero) expect(x.metrics.some((m) => /^(object|external)-/.test(m.kind))).toBe(true);
    const flaky = s.filter((x) => x.metrics.some((m) => m.name === FLAKY_METRIC));
    expect(flaky.length).toBeGreaterThan(10);
    for (const x of flaky)
      expect(x.metrics.find((m) => m.name === FLAKY_METRIC)?.failEpochs?.length).toBeGreaterThan(0);
    expect(s.some((x) => x.metrics.some((m) => m.selector === 'subset'))).toBe(true);
  });

  it('without extended: none of those (the Prometheus suite)', () => {
    const s = generateScenarios(11, 200, 'prom', options);
    expect(s.some((x) => x.choice.minReplicas === 0)).toBe(false);
    expect(s.some((x) => x.metrics.some((m) => m.failEpochs !== undefined || m.selector !== undefined))).toBe(false);
  });

  it('a flaky metric is absent from the served values at its failing epochs', () => {
    const s = generateScenarios(11, 200, 'sbs', { ...options, extended: true }).find((x) =>
      x.metrics.some((m) => m.name === FLAKY_METRIC),
    );
    const m = s?.metrics.find((x) => x.name === FLAKY_METRIC);
    const signal = s?.lockstep.signals.find((x) => x.kind === 'external' && x.metric === FLAKY_METRIC);
    if (signal?.kind !== 'external' || m?.failEpochs === undefined) throw new Error('no flaky metric drawn');
    for (const e of m.failEpochs) expect(signal.values[e]).toBeNull();
  });
});

describe('side-by-side scenario files (HPA_TS_E2E_SCENARIO_FILE)', () => {
  it('reads the example file', () => {
    const s = loadScenarioFile(EXAMPLE, 'file', 12);
    expect(s.map((x) => x.lockstep.namespace)).toEqual(['file-000', 'file-001', 'file-002']);
    expect(s[1].hpa).toMatchObject({ spec: { minReplicas: 0, maxReplicas: 4 } });
    expect(s[2].lockstep.patterns[1]).toEqual({
      startDelay: 0,
      readyDelay: null,
      metricsDelay: 0,
      oldStart: false,
      weight: 1,
    });
  });

  it('replays what the reports write: a generated scenario written and read back is the same scenario', () => {
    const generated = generateScenarios(5, 20, 'sbs', { ...options, extended: true });
    const text = scenarioFileText(generated, 12, 'replay');
    const read = parseScenarioFile(text, 'replay.yaml');
    expect(read.scenarios.map(({ name: _n, ...c }) => c)).toEqual(generated.map((g) => g.choice));
  });

  it.each([
    ['scenarios: []', 'f.yaml: scenarios: expected a list of at least 1'],
    [
      'scenarios: [{maxReplicas: 3, metrics: [{kind: cpu, target: 1, levels: [1]}]}]',
      'f.yaml: scenarios[0].metrics[0].kind: expected one of cpu-utilization',
    ],
    ['scenarios: [{maxReplicas: 3, metric: []}]', 'f.yaml: scenarios[0].metric: unknown key'],
    [
      'scenarios: [{minReplicas: 4, maxReplicas: 3, metrics: []}]',
      'f.yaml: scenarios[0].maxReplicas: expected an integer from 4 to 100, got 3',
    ],
    [
      'scenarios: [{maxReplicas: 3, metrics: [{kind: cpu-utilization, target: 1, levels: [1], failEpochs: [1]}]}]',
      'f.yaml: scenarios[0].metrics[0].failEpochs: for Object and External metrics only',
    ],
    [
      'scenarios: [{maxReplicas: 3, patterns: [{weight: 0}], metrics: []}]',
      'f.yaml: scenarios[0].patterns[0].weight: expected an integer from 1 to 100, got 0',
    ],
    ['a: [', 'f.yaml: '],
  ])('names the field that is wrong: %s', (text, message) => {
    expect(() => parseScenarioFile(text, 'f.yaml')).toThrow(message);
  });

  it('the example file is the documented format (every key known)', () => {
    expect(() => parseScenarioFile(readFileSync(EXAMPLE, 'utf8'), EXAMPLE)).not.toThrow();
  });
});

describe('features and gates by release', () => {
  it('per-HPA tolerance is honoured from 1.35 and ignored before; the ScaledToZero condition exists at 1.37', () => {
    expect(featuresOf(34)).toContain('tolerance-gate-off');
    expect(featuresOf(34)).not.toContain('tolerance');
    expect(featuresOf(35)).toContain('tolerance');
    expect(featuresOf(36)).not.toContain('scaled-to-zero-condition');
    expect(featuresOf(37)).toContain('scaled-to-zero-condition');
    expect(featuresOf(37).length).toBe(Object.keys(FEATURES).length - 1);
  });

  it('the bed turns on the HPA gates a release has off, so that both controllers see both sides of them', () => {
    expect(apiserverFeatureGates(33)).toBe('HPAScaleToZero=true,HPAConfigurableTolerance=true');
    expect(apiserverFeatureGates(35)).toBe('HPAScaleToZero=true');
    expect(apiserverFeatureGates(37)).toBe('');
  });
});

describe('the releases of npm run test:e2e:releases', () => {
  it('takes the newest stable patch of each minor from 1.33 to the newest hpa-ts emulates', () => {
    const listed = [
      'v1.32.13',
      'v1.33.6',
      'v1.33.13',
      'v1.34.0',
      'v1.34.4',
      'v1.34.2',
      'v1.37.2',
      'v1.38.0-beta.0',
      'v1.38.1',
    ];
    expect(releasesFrom(listed)).toEqual([
      { version: 'v1.33.13', minor: 33, required: false, fallbacks: ['v1.33.6'] },
      { version: 'v1.34.4', minor: 34, required: true, fallbacks: ['v1.34.2', 'v1.34.0'] },
      { version: 'v1.37.2', minor: 37, required: true, fallbacks: [] },
    ]);
  });

  it('HPA_TS_E2E_RELEASES picks them, and a malformed entry is named', () => {
    expect(chooseReleases({ HPA_TS_E2E_RELEASES: 'v1.35.4, v1.36.3' }).releases.map((r) => r.minor)).toEqual([35, 36]);
    expect(() => chooseReleases({ HPA_TS_E2E_RELEASES: 'v1.35.4,1.36' })).toThrow(
      'HPA_TS_E2E_RELEASES: expected v1.Y.Z versions separated by commas, got 1.36',
    );
  });
});
