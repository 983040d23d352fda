/**
 * `hpa-ts metrics get resource|pods|object|external …`: asks a metrics client exactly what the HPA
 * controller would ask and prints the answer (or the typed error), so "why does my HPA see
 * <unknown>?" can be answered from a shell. Flags are stable for scripts, and each can also be set
 * through HPA_TS_<FLAG_NAME> (commander's .env()).
 */
import { type CommandUnknownOpts } from '@commander-js/extra-typings';
import {
  type MetricsApiError,
  type Result,
  type Selector,
  formatGoDuration,
  formatInstant,
  ok,
  parseSelector,
} from '../algorithms/index.js';
import {
  type ManagedMetricsClient,
  type PodLister,
  type RequestEvent,
  type MetricsClient,
  createMetricsClient,
  metricsClientOptionsFromFlags,
} from '../metrics-clients/index.js';
import { addFlags, readFlags } from './flags/commander.js';
import type { FlagValues } from './flags/values.js';
import { findKubeConfig } from './kubeconfig.js';
import { metricsFlagsFrom } from './settings.js';

export interface MetricsCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => number;
  readonly setExitCode: (code: number) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const defaultIo: MetricsCommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  now: () => Date.now(),
  setExitCode: (c) => {
    process.exitCode = c;
  },
  env: process.env,
};

const TYPES = ['resource', 'pods', 'object', 'external'] as const;
export type MetricsType = (typeof TYPES)[number];

export function registerMetricsCommand(program: CommandUnknownOpts, io: MetricsCommandIo = defaultIo): void {
  const metrics = program.command('metrics').description('Ask a metrics API what the HPA controller would ask');
  const get = metrics
    .command('get')
    .description(
      'Fetch one metric as the HPA would: resource (cpu/memory per pod and container), pods, object or external',
    )
    .argument('<type>', `one of ${TYPES.join(', ')}`)
    .argument('[metric]', 'metric name (for resource: cpu or memory; all resources when omitted)');
  addFlags(get, 'metrics get');
  get.action(async (type: string, metric: string | undefined) => {
    const values = readFlags(get, 'metrics get');
    const code = values.ok ? await runMetricsGet(type, metric, values.value, io) : usageError(io, values.error.message);
    if (code !== 0) io.setExitCode(code);
  });
}

function usageError(io: MetricsCommandIo, message: string): number {
  io.stderr(`error: ${message}\n`);
  return 1;
}

function selectorFlag(
  text: string | undefined,
  flag: string,
): { ok: true; value: Selector } | { ok: false; message: string } {
  const parsed = parseSelector(text ?? '');
  return parsed.ok ? parsed : { ok: false, message: `${flag} ${JSON.stringify(text)}: ${parsed.error.message}` };
}

export async function runMetricsGet(
  type: string,
  metric: string | undefined,
  o: FlagValues,
  io: MetricsCommandIo,
): Promise<number> {
  if (!(TYPES as readonly string[]).includes(type))
    return usageError(io, `unknown metric type ${JSON.stringify(type)} (expected ${TYPES.join(', ')})`);
  if (type !== 'resource' && (metric === undefined || metric === ''))
    return usageError(io, `a metric name is required for ${type} metrics`);
  const podSelector = selectorFlag(o.selector, '--selector');
  if (!podSelector.ok) return usageError(io, podSelector.message);
  const metricSelector = selectorFlag(o.metricSelector, '--metric-selector');
  if (!metricSelector.ok) return usageError(io, metricSelector.message);
  let describedObject: { kind: string; name: string; apiVersion?: string } | undefined;
  if (type === 'object') {
    const slash = o.describedObject?.indexOf('/') ?? -1;
    if (o.describedObject === undefined || slash <= 0 || slash === o.describedObject.length - 1)
      return usageError(io, '--described-object Kind/name is required for object metrics');
    describedObject = {
      kind: o.describedObject.slice(0, slash),
      name: o.describedObject.slice(slash + 1),
      ...(o.describedObjectApiVersion === undefined ? {} : { apiVersion: o.describedObjectApiVersion }),
    };
  }
  const pods = o.pods
    ?.split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const config = metricsClientOptionsFromFlags(metricsFlagsFrom(o));
  if (!config.ok) return usageError(io, `${config.error.field} ${config.error.message}`);
  const wantsKube = o.metricsClient === 'apiserver' || (o.metricsClient === 'prometheus' && pods === undefined);
  const kube = wantsKube
    ? await findKubeConfig(o.kubeconfig, { required: o.metricsClient === 'apiserver', env: io.env })
    : ok(undefined);
  if (!kube.ok) return usageError(io, kube.error.message);
  // --pods names the selected pods outright: the user has done the selecting
  const podLister: PodLister | undefined =
    pods === undefined ? undefined : () => Promise.resolve(pods.map((name) => ({ name, labels: {} })));
  const events: RequestEvent[] = [];
  const created = await createMetricsClient(config.value, {
    kubeConfig: kube.value,
    podLister,
    now: io.now,
    onRequest: (e) => events.push(e),
  });
  if (!created.ok) return usageError(io, `${created.error.field}: ${created.error.message}`);
  const client: ManagedMetricsClient = created.value;
  try {
    const rows = await fetchRows(client, type as MetricsType, {
      namespace: o.namespace ?? 'default',
      metric: metric ?? '',
      podSelector: podSelector.value,
      metricSelector: metricSelector.value,
      container: o.container,
      describedObject,
    });
    const queries = events
      .filter((e) => (e.api === 'prometheus' ? e.query !== undefined : e.api !== 'discovery' && e.api !== 'kube'))
      .map((e) => e.query ?? e.path);
    if (!rows.ok) {
      printError(io, rows.error, o.output ?? 'table');
      return 1;
    }
    const shown = o.showQuery === true ? queries : undefined;
    io.stdout(
      o.output === 'json'
        ? renderJson(type as MetricsType, rows.value, shown)
        : renderTable(type as MetricsType, rows.value, shown),
    );
    return 0;
  } finally {
    await client.close();
  }
}

function printError(io: MetricsCommandIo, e: MetricsApiError, output: string): void {
  if (output === 'json') {
    io.stderr(`${JSON.stringify({ error: e })}\n`);
    return;
  }
  io.stderr(
    `error: ${e.kind}${e.status === undefined ? '' : ` (HTTP ${e.status})`} from the ${e.api} metrics API\n  ${e.api === 'resource' || e.path.startsWith('/') ? 'path' : 'query'}: ${e.path}\n  message: ${e.message}\n`,
  );
}

/** One printed line: every column as text. */
export type MetricsRow = Readonly<Record<string, string>>;

interface RowQuery {
  readonly namespace: string;
  readonly metric: string;
  readonly podSelector: Selector;
  readonly metricSelector: Selector;
  readonly container?: string;
  readonly describedObject?: { readonly kind: string; readonly name: string; readonly apiVersion?: string };
}

/** The one request the HPA would make for this metric type, flattened into printable rows. */
export async function fetchRows(
  client: MetricsClient,
  type: MetricsType,
  q: RowQuery,
): Promise<Result<MetricsRow[], MetricsApiError>> {
  const ts = (t: number): string => formatInstant(t);
  switch (type) {
    case 'resource': {
      const r = await client.getResourceMetrics({
        namespace: q.namespace,
        podSelector: q.podSelector,
        ...(q.metric === '' ? {} : { resource: q.metric }),
        ...(q.container === undefined ? {} : { container: q.container }),
      });
      if (!r.ok) return r;
      const rows: MetricsRow[] = [];
      for (const item of r.value) {
        for (const c of item.containers) {
          if (q.container !== undefined && c.name !== q.container) continue;
          for (const [resource, value] of Object.entries(c.usage)) {
            if (q.metric !== '' && resource !== q.metric) continue;
            rows.push({
              pod: item.pod,
              container: c.name,
              resource,
              value: value.toString(),
              timestamp: ts(item.timestamp),
              window: formatGoDuration(item.windowSeconds),
            });
          }
        }
      }
      return ok(rows);
    }
    case 'pods': {
      const r = await client.getPodsMetric({
        namespace: q.namespace,
        metricName: q.metric,
        podSelector: q.podSelector,
        metricSelector: q.metricSelector,
      });
      return r.ok ? ok(r.value.map((v) => ({ pod: v.pod, value: v.value.toString(), timestamp: ts(v.timestamp) }))) : r;
    }
    case 'object': {
      const o = q.describedObject ?? { kind: '', name: '' };
      const r = await client.getObjectMetric({
        namespace: q.namespace,
        metricName: q.metric,
        describedObject: o,
        metricSelector: q.metricSelector,
      });
      return r.ok
        ? ok(
            r.value.map((v) => ({
              object: `${o.kind}/${o.name}`,
              value: v.value.toString(),
              timestamp: ts(v.timestamp),
            })),
          )
        : r;
    }
    case 'external': {
      const r = await client.getExternalMetric({
        namespace: q.namespace,
        metricName: q.metric,
        metricSelector: q.metricSelector,
      });
      const labels = (l: Readonly<Record<string, string>> | undefined): string =>
        Object.entries(l ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
      return r.ok
        ? ok(r.value.map((v) => ({ labels: labels(v.labels), value: v.value.toString(), timestamp: ts(v.timestamp) })))
        : r;
    }
  }
}

const COLUMNS: Readonly<Record<MetricsType, readonly string[]>> = {
  resource: ['pod', 'container', 'resource', 'value', 'timestamp', 'window'],
  pods: ['pod', 'value', 'timestamp'],
  object: ['object', 'value', 'timestamp'],
  external: ['labels', 'value', 'timestamp'],
};

/** `{"items":[…],"query":…}`: one query as a string, several (resource: cpu and memory) as a list. */
export function renderJson(
  type: MetricsType,
  rows: readonly MetricsRow[],
  queries: readonly string[] | undefined,
): string {
  const items = rows.map((r) => Object.fromEntries(COLUMNS[type].map((c) => [c, r[c] ?? ''])));
  const out: Record<string, unknown> = { items };
  if (queries !== undefined) out.query = queries.length === 1 ? queries[0] : queries;
  return `${JSON.stringify(out)}\n`;
}

export function renderTable(
  type: MetricsType,
  rows: readonly MetricsRow[],
  queries: readonly string[] | undefined,
): string {
  const cols = COLUMNS[type];
  const cells = [
    cols.map((c) => c.toUpperCase()),
    ...rows.map((r) => cols.map((c) => (r[c] === '' ? '<none>' : (r[c] ?? '')))),
  ];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  let out =
    cells
      .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join(''))
      .join('\n') + '\n';
  if (rows.length === 0) out += '(no items: the HPA would report "no metrics returned")\n';
  for (const q of queries ?? []) out += `query: ${q}\n`;
  return out;
}
