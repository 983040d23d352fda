/**
 * Fuzzing with fast-check: every parser that takes outside input, through its real entry point.
 * Each input must give a typed error (a Result's error, a FlagError, commander's own one-line
 * error) or a correct value — never a thrown exception (a crash), never a hang. A target may also
 * check the value (a decision for a valid HPA stays within [minReplicas, maxReplicas]).
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addFlags, normalizeBoolFlags, readFlags } from '../../app/flags/commander.js';
import { envName, flagsOf } from '../../app/flags/values.js';
import { findKubeConfigWithSource } from '../../app/kubeconfig.js';
import { controllerFlags } from '../../app/settings.js';
import {
  DEFAULT_CONTROLLER_CONFIG,
  EMPTY_HISTORY,
  Quantity,
  decide,
  planReconcile,
  profileForVersion,
  specErrorsOf,
  type DecideInput,
  type MetricFetch,
  type MetricQuery,
  type Scale,
} from '../../algorithms/index.js';
import {
  decodeExternalMetricValueList,
  decodeMetricValueList,
  decodePodMetricsList,
} from '../../metrics-clients/apiserver/decode.js';
import { metricsClientOptionsFromFlags } from '../../metrics-clients/index.js';
import { parseAdapterConfig } from '../../metrics-clients/prometheus/adapter-config.js';
import { decodePromBody, decodePromQueryData } from '../../metrics-clients/prometheus/http-api.js';
import { ApiServerConnection, hpaFromApi } from '../../transport/index.js';
import * as inputs from './fuzz-inputs.js';

/** A single input taking this long (real time, a loaded 2-core machine) is a hang. */
const HANG_MS = 5_000;
const NOW = Date.UTC(2025, 0, 1);
const PROFILE = profileForVersion(37);

export interface FuzzStats {
  inputs: number;
  crashes: number;
  hangs: number;
  /** wrong values (not crashes) */
  violations: number;
  readonly perTarget: Map<string, number>;
  /** the first few failures, with their input */
  readonly samples: string[];
}

interface Target<T> {
  readonly name: string;
  /** share of the runs */
  readonly weight: number;
  readonly input: fc.Arbitrary<T>;
  /** a description of a wrong value, or undefined; throws only on a bug */
  run(input: T): string | undefined | Promise<string | undefined>;
}

// ------------------------------------------------------------------ HPA objects → validation → decide

const answer = fc.oneof(
  fc.constantFrom('1', '0', '30', '100m', '1e3', '-5', '9999999999Ei', '0.001'),
  fc.constantFrom('NotFound', 'Unavailable', 'Malformed'),
);

function fetchFor(q: MetricQuery, a: string): MetricFetch {
  if (q.kind === 'none') return { kind: 'none' };
  const value = Quantity.tryParse(a);
  if (!value.ok) {
    const error = { kind: a as 'NotFound', api: 'external' as const, path: '/x', message: 'injected' };
    return { kind: q.kind, result: { ok: false, error } } as MetricFetch;
  }
  if (q.kind === 'external')
    return { kind: 'external', result: { ok: true, value: [{ value: value.value, timestamp: NOW }] } };
  if (q.kind === 'object')
    return { kind: 'object', result: { ok: true, value: [{ value: value.value, timestamp: NOW, windowSeconds: 60 }] } };
  return { kind: q.kind, result: { ok: true, value: [] } } as MetricFetch;
}

/** hpaFromApi → validation → plan → decide, as the reconciler runs them; a wrong value described. */
export function decideOn(
  raw: unknown,
  apiVersion: string,
  current: number,
  answers: readonly string[],
): string | undefined {
  const hpa = hpaFromApi(raw, { apiVersion, kind: 'HorizontalPodAutoscaler' });
  if (hpa === undefined) return undefined; // skipped, as the informer skips it (reported as malformed)
  const specErrors = specErrorsOf(hpa);
  const scale: Scale = {
    metadata: { name: 'web', namespace: 'default', resourceVersion: '3' },
    spec: { replicas: current },
    status: { replicas: current, selector: 'app=web' },
  };
  const plan = specErrors.length > 0 ? undefined : planReconcile(hpa, scale, [], [], PROFILE);
  const input: DecideInput = {
    hpa,
    scale:
      specErrors.length > 0 ? { ok: false, error: { stage: 'get', message: 'not read' } } : { ok: true, value: scale },
    pods: [],
    metrics: (plan?.queries ?? []).map((q, i) => fetchFor(q, answers[i % answers.length])),
    selectors: [],
    selectorCheck: plan?.selectorCheck ?? null,
    history: EMPTY_HISTORY,
    config: DEFAULT_CONTROLLER_CONFIG,
    profile: PROFILE,
    now: NOW,
    ...(specErrors.length > 0 ? { specErrors } : {}),
  };
  const d = decide(input);
  if (specErrors.length > 0) return d.rescale === null ? undefined : 'an invalid HPA was rescaled';
  const to = d.rescale?.to;
  if (to !== undefined && (to < d.minReplicas || to > d.maxReplicas))
    return `rescale to ${to} outside [${d.minReplicas}, ${d.maxReplicas}]`;
  return undefined;
}

const hpaTarget = (name: string, apiVersion: string, weight: number): Target<[unknown, number, string[]]> => ({
  name,
  weight,
  input: fc.tuple(
    inputs.objectInput({ ...inputs.VALID_HPA, apiVersion }),
    fc.integer({ min: 0, max: 40 }),
    fc.array(answer, { minLength: 1, maxLength: 4 }),
  ),
  run: ([raw, current, answers]) => decideOn(raw, apiVersion, current, answers),
});

// ------------------------------------------------------------------ metrics API and Prometheus bodies

const isResult = (r: { ok: boolean }): string | undefined => (typeof r.ok === 'boolean' ? undefined : 'not a Result');

const metricsBodies: Target<[number, string]> = {
  name: 'metrics API bodies (metrics.k8s.io, custom, external)',
  weight: 25,
  input: fc.oneof(
    fc.tuple(fc.constant(0), inputs.bodyInput(inputs.VALID_PODMETRICS)),
    fc.tuple(fc.constant(1), inputs.bodyInput(inputs.VALID_CUSTOM)),
    fc.tuple(fc.constant(2), inputs.bodyInput({ ...inputs.VALID_CUSTOM, apiVersion: 'custom.metrics.k8s.io/v1beta1' })),
    fc.tuple(fc.constant(3), inputs.bodyInput(inputs.VALID_EXTERNAL)),
  ),
  run: ([which, text]) => {
    if (which === 0) return isResult(decodePodMetricsList(text));
    if (which === 1) return isResult(decodeMetricValueList(text, 'v1beta2'));
    if (which === 2) return isResult(decodeMetricValueList(text, 'v1beta1'));
    return isResult(decodeExternalMetricValueList(text));
  },
};

const promBodies: Target<[number, string]> = {
  name: 'Prometheus query answers',
  weight: 15,
  input: fc.tuple(fc.constantFrom(200, 200, 200, 400, 422, 500, 503, 504), inputs.bodyInput(inputs.VALID_PROM)),
  run: ([code, text]) => {
    const data = decodePromBody(code, text);
    if (!data.ok) return typeof data.error.message === 'string' ? undefined : 'an error without a message';
    const r = decodePromQueryData(data.value);
    if (r.ok && r.value.resultType === 'vector' && r.value.samples.some((s) => typeof s.value !== 'number'))
      return 'a sample value that is not a number';
    return isResult(r);
  },
};

const adapterRules: Target<string> = {
  name: 'prometheus-adapter rule files',
  weight: 10,
  input: inputs.yamlInput(inputs.VALID_ADAPTER),
  run: (text) => isResult(parseAdapterConfig(text, 'fuzz.yaml')),
};

// ------------------------------------------------------------------ kubeconfigs

function kubeconfigTarget(dir: string): Target<string> {
  const file = join(dir, 'kubeconfig');
  return {
    name: 'kubeconfigs',
    weight: 3,
    input: inputs.yamlInput(inputs.VALID_KUBECONFIG),
    run: async (text) => {
      writeFileSync(file, text);
      const found = await findKubeConfigWithSource(file, { env: {} });
      if (!found.ok) return typeof found.error.message === 'string' ? undefined : 'an error without a message';
      // a fuzzed kubeconfig must not run programs: exec and auth-provider plugins are parsed only
      if (/exec|auth-provider/.test(text) || found.value === undefined) return undefined;
      const conn = ApiServerConnection.fromKubeConfig(found.value.kubeConfig, { now: () => NOW });
      try {
        const checked = await conn.check(found.value.source);
        return typeof checked.ok === 'boolean' ? undefined : 'not a Result';
      } finally {
        conn.close();
      }
    },
  };
}

// ------------------------------------------------------------------ flags and environment

const RUN_FLAGS = flagsOf('run');
const flagValue = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e309',
    'NaN',
    '15s',
    '1h',
    '-5m',
    '999999999h',
    'true',
    'false',
    'yes',
    '1.37',
    '1.99',
    'builtin',
    'crd',
    'prometheus',
    'http://x:9090',
    '::',
    '=',
  ),
  fc.string({ maxLength: 20 }),
);
const flagArg = fc.tuple(
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...RUN_FLAGS.map((f) => f.name)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  ),
  flagValue,
  fc.constantFrom('eq', 'space', 'bare'),
);

const flagsTarget: Target<[[string, string, string][], [string, string][]]> = {
  name: 'CLI flags and environment variables',
  weight: 17,
  input: fc.tuple(
    fc.array(flagArg, { maxLength: 5 }),
    fc.array(fc.tuple(fc.constantFrom(...RUN_FLAGS.map((f) => envName(f.name))), flagValue), { maxLength: 3 }),
  ),
  run: ([args, env]) => {
    const argv = args.flatMap(([n, v, how]) =>
      how === 'eq' ? [`--${n}=${v}`] : how === 'space' ? [`--${n}`, v] : [`--${n}`],
    );
    const saved = new Map(env.map(([k]) => [k, process.env[k]]));
    for (const [k, v] of env) process.env[k] = v;
    try {
      const cmd = addFlags(new Command('run'), 'run')
        .exitOverride()
        .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
      try {
        cmd.parse(normalizeBoolFlags(['node', 'run', ...argv]));
      } catch (e) {
        if (e instanceof CommanderError) return undefined; // commander's one-line error, exit code 1
        throw e;
      }
      const flags = controllerFlags(readFlags(cmd, 'run'));
      if (!flags.ok)
        return /--|HPA_TS_/.test(flags.error.message) ? undefined : `error names no flag: ${flags.error.message}`;
      return isResult(metricsClientOptionsFromFlags(flags.value.metrics));
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  },
};

// ------------------------------------------------------------------ the runner

function describe(e: unknown): string {
  return e instanceof Error
    ? (process.env.HPA_TS_FAULTS_DEBUG !== undefined ? (e.stack ?? e.message) : `${e.name}: ${e.message}`).slice(0, 900)
    : String(e).slice(0, 300);
}

/** Runs every target, `runs` inputs in all (split by weight), from `seed`. */
export async function runFuzz(opts: { readonly seed: number; readonly runs: number }): Promise<FuzzStats> {
  const stats: FuzzStats = { inputs: 0, crashes: 0, hangs: 0, violations: 0, perTarget: new Map(), samples: [] };
  const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-fuzz-'));
  const targets: Target<never>[] = [
    hpaTarget('HPA objects (autoscaling/v2) → validation → decide', 'autoscaling/v2', 20),
    hpaTarget('HPA objects (autoscaling.hpa-ts.io/v1) → validation → decide', 'autoscaling.hpa-ts.io/v1', 10),
    metricsBodies,
    promBodies,
    adapterRules,
    kubeconfigTarget(dir),
    flagsTarget,
  ] as Target<never>[];
  const total = targets.reduce((s, t) => s + t.weight, 0);
  // the first kubeconfig pays for client-node's import: not a hang
  await import('@kubernetes/client-node');
  const note = (what: string, t: Target<never>, input: unknown, detail: string): void => {
    if (stats.samples.length < 10)
      stats.samples.push(
        `${what} in ${t.name}: ${detail}\n  input: ${fc.stringify(input).slice(0, process.env.HPA_TS_FAULTS_DEBUG !== undefined ? 100_000 : 400)}`,
      );
  };
  try {
    for (const t of targets) {
      const numRuns = Math.max(1, Math.round((opts.runs * t.weight) / total));
      stats.perTarget.set(t.name, numRuns);
      await fc.check(
        fc.asyncProperty(t.input, async (x) => {
          stats.inputs++;
          const started = performance.now();
          try {
            const wrong = await t.run(x);
            if (wrong !== undefined) {
              stats.violations++;
              note('wrong value', t, x, wrong);
            }
          } catch (e) {
            stats.crashes++;
            note('crash', t, x, describe(e));
          }
          if (performance.now() - started > HANG_MS) {
            stats.hangs++;
            note('hang', t, x, `${Math.round(performance.now() - started)} ms`);
          }
        }),
        { seed: opts.seed, numRuns },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return stats;
}
