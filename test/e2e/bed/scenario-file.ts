/**
 * Side-by-side scenarios from a YAML file (`HPA_TS_E2E_SCENARIO_FILE=…`), so that a case found
 * anywhere — a disagreement in a report, a bug report, a simulator run — is replayed against
 * kube-controller-manager. The format is `ScenarioChoice` (scenario-build.ts) written out; the
 * reports write the disagreeing scenarios in it (`*-replay.yaml`). docs/e2e.md describes it;
 * test/e2e/scenarios/ holds examples. Every error names the field.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { PodPattern } from './load.js';
import {
  ALL_KINDS,
  buildScenario,
  type ExternalSelector,
  type GeneratedScenario,
  type MetricChoice,
  type MetricKindName,
  type ScenarioChoice,
} from './scenario-build.js';

export interface ScenarioFile {
  readonly epochs?: number;
  readonly scenarios: readonly (ScenarioChoice & { readonly name?: string })[];
}

type Obj = Record<string, unknown>;

class FileError extends Error {}

function fail(path: string, what: string): never {
  throw new FileError(`${path}: ${what}`);
}

function obj(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'expected a mapping');
  return v as Obj;
}

function onlyKeys(o: Obj, keys: readonly string[], path: string): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) fail(`${path}.${k}`, `unknown key (known: ${keys.join(', ')})`);
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(path, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    fail(path, `expected a number ≥ 0, got ${JSON.stringify(v)}`);
  return v;
}

function list(v: unknown, path: string, minLength = 1): unknown[] {
  if (!Array.isArray(v) || v.length < minLength)
    fail(path, `expected a list${minLength > 0 ? ` of at least ${minLength}` : ''}`);
  return v;
}

function pattern(v: unknown, path: string): PodPattern {
  const o = obj(v, path);
  onlyKeys(o, ['startDelay', 'readyDelay', 'metricsDelay', 'oldStart', 'weight'], path);
  if (o.oldStart !== undefined && typeof o.oldStart !== 'boolean') fail(`${path}.oldStart`, 'expected true or false');
  return {
    startDelay: int(o.startDelay ?? 0, `${path}.startDelay`, 0, 100),
    readyDelay: o.readyDelay === null ? null : int(o.readyDelay ?? 0, `${path}.readyDelay`, 0, 100),
    metricsDelay: int(o.metricsDelay ?? 0, `${path}.metricsDelay`, 0, 100),
    oldStart: o.oldStart === true,
    weight: int(o.weight ?? 1, `${path}.weight`, 1, 100),
  };
}

function metric(v: unknown, path: string): MetricChoice {
  const o = obj(v, path);
  onlyKeys(o, ['kind', 'target', 'levels', 'name', 'selector', 'failEpochs'], path);
  if (!ALL_KINDS.includes(o.kind as MetricKindName))
    fail(`${path}.kind`, `expected one of ${ALL_KINDS.join(', ')}, got ${JSON.stringify(o.kind)}`);
  const kind = o.kind as MetricKindName;
  const valued = kind.startsWith('object-') || kind.startsWith('external-');
  if (o.name !== undefined && (!valued || typeof o.name !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(o.name)))
    fail(`${path}.name`, 'a metric name ([a-z_][a-z0-9_]*), for Object and External metrics only');
  if (o.selector !== undefined && (!kind.startsWith('external-') || !['labels', 'subset'].includes(String(o.selector))))
    fail(`${path}.selector`, 'labels or subset, for External metrics only');
  if (o.failEpochs !== undefined && !valued) fail(`${path}.failEpochs`, 'for Object and External metrics only');
  return {
    kind,
    target: num(o.target, `${path}.target`),
    levels: list(o.levels, `${path}.levels`).map((l, i) => num(l, `${path}.levels[${i}]`)),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
    ...(o.selector !== undefined ? { selector: o.selector as ExternalSelector } : {}),
    ...(o.failEpochs !== undefined
      ? {
          failEpochs: list(o.failEpochs, `${path}.failEpochs`, 0).map((e, i) =>
            int(e, `${path}.failEpochs[${i}]`, 0, 1000),
          ),
        }
      : {}),
  };
}

const SCENARIO_KEYS = [
  'name',
  'minReplicas',
  'maxReplicas',
  'initialReplicas',
  'twoContainers',
  'patterns',
  'behavior',
  'metrics',
];

function scenario(v: unknown, path: string): ScenarioChoice & { name?: string } {
  const o = obj(v, path);
  onlyKeys(o, SCENARIO_KEYS, path);
  const minReplicas = int(o.minReplicas ?? 1, `${path}.minReplicas`, 0, 100);
  const maxReplicas = int(o.maxReplicas, `${path}.maxReplicas`, Math.max(1, minReplicas), 100);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) fail(`${path}.name`, 'expected text');
  if (o.twoContainers !== undefined && typeof o.twoContainers !== 'boolean')
    fail(`${path}.twoContainers`, 'expected true or false');
  return {
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
    minReplicas,
    maxReplicas,
    initialReplicas: int(o.initialReplicas ?? Math.max(1, minReplicas), `${path}.initialReplicas`, 0, maxReplicas),
    twoContainers: o.twoContainers === true,
    patterns: list(o.patterns ?? [{}], `${path}.patterns`).map((p, i) => pattern(p, `${path}.patterns[${i}]`)),
    ...(o.behavior !== undefined ? { behavior: obj(o.behavior, `${path}.behavior`) } : {}),
    metrics: list(o.metrics, `${path}.metrics`).map((m, i) => metric(m, `${path}.metrics[${i}]`)),
  };
}

/** Parses a scenario file's text; an error names the file and the field. */
export function parseScenarioFile(text: string, file: string): ScenarioFile {
  try {
    const doc = obj(parse(text) as unknown, file);
    onlyKeys(doc, ['epochs', 'scenarios'], file);
    return {
      ...(doc.epochs !== undefined ? { epochs: int(doc.epochs, `${file}: epochs`, 1, 1000) } : {}),
      scenarios: list(doc.scenarios, `${file}: scenarios`).map((s, i) => scenario(s, `${file}: scenarios[${i}]`)),
    };
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(`${file}: ${(e as Error).message}`);
  }
}

/** The scenarios of a file, in namespaces `${prefix}-NNN`; `epochs` unless the file sets its own. */
export function loadScenarioFile(file: string, prefix: string, epochs: number): GeneratedScenario[] {
  const f = parseScenarioFile(readFileSync(file, 'utf8'), file);
  return f.scenarios.map((s, id) =>
    buildScenario(s, id, `${prefix}-${String(id).padStart(3, '0')}`, f.epochs ?? epochs),
  );
}

/** A scenario file with these scenarios (the reports' `*-replay.yaml`). */
export function scenarioFileText(scenarios: readonly GeneratedScenario[], epochs: number, comment: string): string {
  const body = stringify({
    epochs,
    scenarios: scenarios.map((s) => ({ name: s.lockstep.namespace, ...s.choice })),
  });
  return `# ${comment}\n${body}`;
}
