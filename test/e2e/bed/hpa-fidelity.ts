/**
 * The same HorizontalPodAutoscalers, through the real kubectl, to the simulator's API server
 * emulating release 1.x and to the real kube-apiserver of that release (with its default feature
 * gates): what each accepts, the error kubectl prints, and what each stores (read back as
 * autoscaling/v2 and as autoscaling/v1) must be the same. simulator-fidelity.e2e.test.ts runs it
 * at the built release; `npm run test:e2e:releases` at every release.
 */
import { execFile } from 'node:child_process';

export interface KubectlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real kubectl with its own discovery cache (kubectl caches /version per server). */
export function kubectl(
  kubeconfig: string,
  cacheDir: string,
  args: readonly string[],
  input?: string,
): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

type Obj = Record<string, unknown>;

export interface FidelityCase {
  /** also the HPA's name */
  readonly name: string;
  /** what the case is about */
  readonly what: string;
  readonly apiVersion?: 'autoscaling/v2' | 'autoscaling/v1';
  /** the spec as written (raw JSON: a number like 2.5 reaches the server as is) */
  readonly spec: Obj;
  /** a status written through the status subresource after the create */
  readonly status?: Obj;
}

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const external = (selector?: Obj): Obj => ({
  type: 'External',
  external: {
    metric: { name: 'queue_messages_cnt', ...(selector !== undefined ? { selector } : {}) },
    target: { type: 'AverageValue', averageValue: '30' },
  },
});
const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } };
const policy = (type: string, value: number, periodSeconds: number): Obj => ({ type, value, periodSeconds });

export const FIDELITY_CASES: readonly FidelityCase[] = [
  { name: 'minimal', what: 'defaults: minReplicas 1, cpu at 80 %', spec: { scaleTargetRef: ref, maxReplicas: 5 } },
  {
    name: 'behavior-partial',
    what: 'behavior defaulting: the policies and windows of the direction left out',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 5,
      metrics: [cpu],
      behavior: { scaleDown: { stabilizationWindowSeconds: 60, policies: [policy('Pods', 1, 30)] } },
    },
  },
  {
    name: 'tolerance',
    what: 'behavior.*.tolerance: kept where HPAConfigurableTolerance is on (1.35+), dropped before',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 5,
      metrics: [cpu],
      behavior: { scaleUp: { tolerance: '0.05' }, scaleDown: { tolerance: '50m', selectPolicy: 'Min' } },
    },
  },
  {
    name: 'tolerance-negative',
    what: 'a negative tolerance: rejected where the gate is on, dropped before',
    spec: { scaleTargetRef: ref, maxReplicas: 5, behavior: { scaleUp: { tolerance: '-0.1' } } },
  },
  {
    name: 'zero-external',
    what: 'minReplicas 0 with an External metric: accepted where HPAScaleToZero is on (1.37)',
    spec: { scaleTargetRef: ref, minReplicas: 0, maxReplicas: 5, metrics: [external({ matchLabels: { q: 'a' } })] },
  },
  {
    name: 'zero-cpu-only',
    what: 'minReplicas 0 without an Object or External metric',
    spec: { scaleTargetRef: ref, minReplicas: 0, maxReplicas: 5, metrics: [cpu] },
  },
  {
    name: 'max-fraction',
    what: 'maxReplicas 2.5 is not an int32',
    spec: { scaleTargetRef: ref, maxReplicas: 2.5 },
  },
  {
    name: 'max-overflow',
    what: 'maxReplicas 2147483648 overflows int32',
    spec: { scaleTargetRef: ref, maxReplicas: 2147483648 },
  },
  {
    name: 'policy-fraction',
    what: 'a fractional policy value: the decoder names the nested Go struct and the path',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 5,
      behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1.5, periodSeconds: 15 }] } },
    },
  },
  {
    name: 'utilization-text',
    what: 'averageUtilization given as text',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: '50' } } },
      ],
    },
  },
  {
    name: 'min-above-max',
    what: 'minReplicas above maxReplicas',
    spec: { scaleTargetRef: ref, minReplicas: 6, maxReplicas: 5 },
  },
  {
    name: 'bad-behavior',
    what: 'an unknown selectPolicy, a zero value, a period and a window over their maxima',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 5,
      behavior: {
        scaleUp: { selectPolicy: 'Sometimes', policies: [policy('Pods', 0, 1801)] },
        scaleDown: { stabilizationWindowSeconds: 3601, policies: [policy('Percent', 10, 15)] },
      },
    },
  },
  {
    name: 'quantities',
    what: 'quantities stored canonically',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Pods',
          pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '0.5' } },
        },
        {
          type: 'Object',
          object: {
            describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' },
            metric: { name: 'rps' },
            target: { type: 'Value', value: '1e3' },
          },
        },
        external({ matchExpressions: [{ key: 'shard', operator: 'In', values: ['a', 'b'] }] }),
      ],
    },
  },
  {
    name: 'bad-metrics',
    what: 'a metric without a target type, a Utilization target on an External metric',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 50 } } },
        {
          type: 'External',
          external: { metric: { name: 'q' }, target: { type: 'Utilization', averageUtilization: 5 } },
        },
      ],
    },
  },
  {
    name: 'v1',
    what: 'autoscaling/v1 with targetCPUUtilizationPercentage',
    apiVersion: 'autoscaling/v1',
    spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
  },
  {
    name: 'status-null-metrics',
    what: 'a status with currentMetrics and conditions null, written through the status subresource',
    spec: { scaleTargetRef: ref, maxReplicas: 5, metrics: [cpu] },
    status: { currentReplicas: 1, desiredReplicas: 2, currentMetrics: null, conditions: null },
  },
];

/** The manifest of a case, as JSON text (kubectl reads JSON on stdin). */
export function manifestOf(c: FidelityCase, namespace: string): string {
  return JSON.stringify({
    apiVersion: c.apiVersion ?? 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: c.name, namespace },
    spec: c.spec,
  });
}

/** What a server makes of a case: kubectl's verdict and the object as stored (v2 and v1 views). */
export interface Outcome {
  readonly created: boolean;
  /** kubectl's error output (server address and request ids taken out) */
  readonly error: string;
  readonly v2?: unknown;
  readonly v1?: unknown;
  readonly statusError?: string;
}

/** kubectl's stderr without what differs from server to server. */
export function normalizeError(text: string): string {
  return text
    .replace(/https?:\/\/127\.0\.0\.1:\d+/g, 'SERVER')
    .replace(/^Warning: .*\n?/gm, '')
    .trim();
}

/** The stored object without what the server assigns per object (uid, resourceVersion, times). */
export function comparable(o: unknown): unknown {
  const obj = o as { metadata?: Obj; status?: Obj };
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

/** Applies one case through kubectl to one server. */
export async function applyCase(
  c: FidelityCase,
  namespace: string,
  run: (args: readonly string[], input?: string) => Promise<KubectlRun>,
): Promise<Outcome> {
  const created = await run(['create', '-f', '-'], manifestOf(c, namespace));
  if (created.code !== 0) return { created: false, error: normalizeError(created.stderr) };
  let statusError: string | undefined;
  if (c.status !== undefined) {
    const cur = JSON.parse(
      (await run(['get', 'hpa.v2.autoscaling', c.name, '-n', namespace, '-o', 'json'])).stdout,
    ) as Obj;
    const replaced = await run(
      ['replace', '--subresource=status', '-f', '-'],
      JSON.stringify({ ...cur, status: c.status }),
    );
    if (replaced.code !== 0) statusError = normalizeError(replaced.stderr);
  }
  // the server's own JSON of each version, as any client reads it
  const get = async (version: string): Promise<unknown> =>
    comparable(
      JSON.parse(
        (
          await run([
            'get',
            '--raw',
            `/apis/autoscaling/${version}/namespaces/${namespace}/horizontalpodautoscalers/${c.name}`,
          ])
        ).stdout,
      ),
    );
  return {
    created: true,
    error: '',
    v2: await get('v2'),
    v1: await get('v1'),
    ...(statusError !== undefined ? { statusError } : {}),
  };
}
