/**
 * The metrics the simulated cluster serves, whichever way they are asked for: the three
 * aggregated APIs over HTTP (apis.ts), the in-process MetricsClient (in-process-client.ts) and the
 * Prometheus HTTP API (prometheus-http.ts) all read through here, so every path agrees.
 *
 * - metrics.k8s.io: metrics-server's snapshots (Collectors);
 * - custom.metrics.k8s.io: prometheus-adapter emulated over the Tsdb (adapter.ts), plus object
 *   metrics the scenario defines natively (an Ingress' requests-per-second);
 * - external.metrics.k8s.io: the adapter's externalRules.
 *
 * Faults make an API answer 503 for an interval, like an aggregated API server that is down, or
 * stamp its samples in the past for an interval (a metrics pipeline that stopped updating while
 * its API still answers), for the stale-sample cut-off (--metrics-max-age).
 */
import { Quantity, type Result, type Selector, err, ok } from '../../algorithms/index.js';
import { StaticRestMapper } from '../../metrics-clients/index.js';
import type { Clock } from '../../transport/clock.js';
import type { ObjectStore } from '../apiserver/index.js';
import { rpsAt, type LoadModel, type LoadTrace } from '../load/index.js';
import type { AdapterEmulator, AdapterFailure } from './adapter.js';
import type { Collectors, PodResourceSample } from './scrape.js';
import type { Labels } from './tsdb.js';

export const MetricsApi = { resource: 'resource', custom: 'custom', external: 'external' } as const;
export type MetricsApi = (typeof MetricsApi)[keyof typeof MetricsApi];

export interface DescribedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** A metric of a named object the scenario serves directly: a trace, or a workload's offered rps × scale. */
export interface ObjectMetricSpec {
  readonly namespace: string;
  readonly describedObject: DescribedObject;
  readonly metric: string;
  readonly workload?: string;
  readonly scale?: number;
  readonly trace?: LoadTrace;
}

export type MetricsFailure = AdapterFailure;

export interface PodsMetricValue {
  readonly pod: string;
  readonly namespace: string;
  readonly value: Quantity;
  readonly timestamp: number;
}

export interface ObjectValue {
  readonly describedObject: DescribedObject & { readonly namespace?: string };
  readonly value: Quantity;
  readonly timestamp: number;
}

export interface ExternalValue {
  readonly labels: Labels;
  readonly value: Quantity;
  readonly timestamp: number;
}

/** An interval in which one API stamps its samples `ageMs` in the past (addStaleness). */
export interface StaleStamp {
  readonly api: MetricsApi;
  readonly from: number;
  readonly to: number;
  readonly ageMs: number;
  /** only the samples of this namespace; all when absent */
  readonly namespace?: string;
}

export interface MetricsServiceOptions {
  readonly clock: Clock;
  readonly store: ObjectStore;
  readonly load: LoadModel;
  readonly collectors: Collectors;
  readonly adapter: AdapterEmulator;
  readonly objects?: readonly ObjectMetricSpec[];
}

const UNAVAILABLE: MetricsFailure = {
  status: 503,
  reason: 'ServiceUnavailable',
  message: 'the server is currently unable to handle the request',
};

const mapper = new StaticRestMapper();

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

export class MetricsService {
  private readonly outages: { api: MetricsApi; from: number; to: number }[] = [];
  private readonly staleness: StaleStamp[] = [];

  constructor(private readonly opts: MetricsServiceOptions) {}

  get adapter(): AdapterEmulator {
    return this.opts.adapter;
  }

  get objects(): readonly ObjectMetricSpec[] {
    return this.opts.objects ?? [];
  }

  /** Makes `api` answer 503 from `from` until `to` (epoch ms of the shared clock). */
  addOutage(api: MetricsApi, from: number, to: number): void {
    this.outages.push({ api, from, to });
  }

  isDown(api: MetricsApi, at = this.opts.clock.now()): boolean {
    return this.outages.some((o) => o.api === api && at >= o.from && at < o.to);
  }

  /**
   * Stamps the samples `api` serves from `from` until `to` (epoch ms of the shared clock) `ageMs`
   * in the past, for one namespace or all; the values stay what they are.
   */
  addStaleness(s: StaleStamp): void {
    this.staleness.push(s);
  }

  /** How far in the past `api` stamps the samples of `namespace` now (0: as measured). */
  private ageOf(api: MetricsApi, namespace: string | undefined, at = this.opts.clock.now()): number {
    let age = 0;
    for (const s of this.staleness) {
      const ns = s.namespace === undefined || s.namespace === namespace;
      if (s.api === api && ns && at >= s.from && at < s.to) age = Math.max(age, s.ageMs);
    }
    return age;
  }

  private aged<T extends { readonly timestamp: number }>(
    api: MetricsApi,
    namespace: string | undefined,
    items: T[],
  ): T[] {
    if (this.staleness.length === 0) return items;
    const age = this.ageOf(api, namespace);
    return age === 0 ? items : items.map((v) => ({ ...v, timestamp: v.timestamp - age }));
  }

  /** metrics.k8s.io PodMetrics of the pods matching `selector` (all namespaces when undefined). */
  podMetrics(namespace: string | undefined, selector: Selector): Result<PodResourceSample[], MetricsFailure> {
    if (this.isDown('resource')) return err(UNAVAILABLE);
    if (namespace === undefined) {
      const all = this.opts.collectors.podMetrics(undefined).filter((p) => selector.matches(p.labels));
      return ok(this.staleness.length === 0 ? all : all.map((p) => this.aged('resource', p.namespace, [p])[0] ?? p));
    }
    const out: PodResourceSample[] = [];
    for (const p of this.opts.load.podsMatching(namespace, selector)) {
      const s = this.opts.collectors.podSample(namespace, p.name);
      if (s !== undefined) out.push(s);
    }
    return ok(this.aged('resource', namespace, out));
  }

  /** The pods an adapter would list through the API for a selector (sorted by name). */
  private podNames(namespace: string, selector: Selector): string[] {
    return this.opts.load.podsMatching(namespace, selector).map((p) => p.name);
  }

  /** custom.metrics.k8s.io pods/*\/metric: one value per matching pod that has one. */
  async podsMetric(
    namespace: string,
    metric: string,
    podSelector: Selector,
    metricSelector: Selector,
  ): Promise<Result<PodsMetricValue[], MetricsFailure>> {
    if (this.isDown('custom')) return err(UNAVAILABLE);
    return this.objectsMetric(
      namespace,
      metric,
      { group: '', resource: 'pods' },
      this.podNames(namespace, podSelector),
      metricSelector,
    ).then((r) =>
      r.ok
        ? ok(r.value.map((v) => ({ pod: v.describedObject.name, namespace, value: v.value, timestamp: v.timestamp })))
        : r,
    );
  }

  /** custom.metrics.k8s.io for named objects of one resource (in the order of `names`). */
  async objectsMetric(
    namespace: string | undefined,
    metric: string,
    resource: { group: string; resource: string },
    names: readonly string[],
    metricSelector: Selector,
  ): Promise<Result<ObjectValue[], MetricsFailure>> {
    if (this.isDown('custom')) return err(UNAVAILABLE);
    const now = this.opts.clock.now();
    const native = this.native(namespace, metric, resource, names, now);
    if (native !== undefined) return native.ok ? ok(this.aged('custom', namespace, native.value)) : native;
    const r = await this.opts.adapter.queryObjects(metric, resource, namespace, names, metricSelector);
    if (!r.ok) return r;
    const info = await mapper.resourceFor(resource);
    const kind = info.ok ? info.value.kind : resource.resource;
    const apiVersion = resource.group === '' ? '/v1' : `${resource.group}/v1`;
    const out: ObjectValue[] = [];
    for (const name of names) {
      const v = r.value.get(name);
      if (v === undefined) continue;
      out.push({
        describedObject: { kind, name, apiVersion, ...(namespace === undefined ? {} : { namespace }) },
        ...v,
      });
    }
    return ok(this.aged('custom', namespace, out));
  }

  private native(
    namespace: string | undefined,
    metric: string,
    resource: { group: string; resource: string },
    names: readonly string[],
    now: number,
  ): Result<ObjectValue[], MetricsFailure> | undefined {
    const specs = this.objects.filter(
      (o) => o.metric === metric && (namespace === undefined || o.namespace === namespace),
    );
    const out: ObjectValue[] = [];
    let matchedResource = false;
    for (const spec of specs) {
      const r = specResource(spec);
      if (r.resource !== resource.resource || r.group !== resource.group) continue;
      matchedResource = true;
      if (!names.includes(spec.describedObject.name)) continue;
      const rps =
        spec.trace !== undefined
          ? rpsAt(spec.trace, (now - this.opts.load.startedAt) / 1000)
          : spec.workload === undefined
            ? 0
            : this.opts.load.offered(spec.workload, now);
      const milli = BigInt(Math.trunc(rps * (spec.scale ?? 1) * 1000));
      out.push({
        describedObject: { ...spec.describedObject, namespace: spec.namespace },
        value: Quantity.fromMilli(milli),
        timestamp: now,
      });
    }
    return matchedResource ? ok(out) : undefined;
  }

  /** external.metrics.k8s.io values of `metric` matching `selector`. */
  async externalMetric(
    namespace: string,
    metric: string,
    selector: Selector,
  ): Promise<Result<ExternalValue[], MetricsFailure>> {
    if (this.isDown('external')) return err(UNAVAILABLE);
    const r = await this.opts.adapter.queryExternal(metric, namespace, selector);
    return r.ok ? ok(this.aged('external', namespace, r.value)) : r;
  }

  /** The custom metrics discovery lists (`pods/http_requests_qps`, `namespaces/…`, `ingresses.networking.k8s.io/…`). */
  async customResources(): Promise<{ name: string; namespaced: boolean }[]> {
    const { custom } = await this.opts.adapter.listMetrics();
    const names = new Set<string>(custom);
    for (const o of this.objects) {
      const r = specResource(o);
      names.add(`${r.group === '' ? r.resource : `${r.resource}.${r.group}`}/${o.metric}`);
    }
    return [...names].sort().map((name) => ({ name, namespaced: !name.startsWith('nodes') }));
  }

  async externalNames(): Promise<string[]> {
    const { external } = await this.opts.adapter.listMetrics();
    return [...new Set(external)].sort();
  }
}

/** The resource of a native object metric's describedObject (an extensions/v1beta1 Ingress is today's networking.k8s.io one). */
function specResource(spec: ObjectMetricSpec): { group: string; resource: string } {
  const kind = spec.describedObject.kind;
  let group = groupOf(spec.describedObject.apiVersion);
  if (kind === 'Ingress' && group === 'extensions') group = 'networking.k8s.io';
  const plural =
    kind === 'Ingress' ? 'ingresses' : kind.endsWith('s') ? `${kind.toLowerCase()}es` : `${kind.toLowerCase()}s`;
  return { group, resource: plural };
}
