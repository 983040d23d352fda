/**
 * The two collectors of a real cluster, on timers of the shared Clock:
 *
 * - Prometheus scraping every pod (and the queues) each `scrapeIntervalMs` into the Tsdb — the
 *   app's `http_requests_total` (each scrape counts as a request, as in the seed app, hence the
 *   idle "66m"), cAdvisor's `container_cpu_usage_seconds_total` and
 *   `container_memory_working_set_bytes`, custom per-pod series, external series; a pod that
 *   stops running gets staleness markers;
 * - metrics-server sampling every `resolutionMs`: a pod's cpu is the rate between its last two
 *   samples (so values change only once per resolution, lag the load, and a new pod has none
 *   until its second sample), memory the working set at the last sample.
 */
import type { Clock } from '../../transport/clock.js';
import type { LoadModel, PodLoad } from '../load/index.js';
import { STALE, type Labels, type Series, type Tsdb } from './tsdb.js';

interface PodSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly target: Readonly<Record<string, string>>;
  readonly http: Series;
  readonly custom: Map<string, Series>;
  readonly cpu: readonly Series[];
  readonly memory: readonly Series[];
  readonly all: Series[];
  /** the Tsdb generation these series were last known to be stored at */
  generation: number;
}

export interface ScrapeOptions {
  /** Prometheus scrape_interval; default 15 s */
  readonly scrapeIntervalMs?: number;
  /** metrics-server --metric-resolution; default 15 s */
  readonly resolutionMs?: number;
  /** port in the pods' `instance` label (the seed app's 3000) */
  readonly appPort?: number;
  /** called after every Prometheus scrape (discovery refresh) */
  readonly onScrape?: () => void;
}

export interface ContainerSample {
  readonly name: string;
  /** cores */
  readonly cpu: number;
  readonly memoryBytes: number;
}

export interface PodResourceSample {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamp: number;
  readonly windowMs: number;
  readonly containers: readonly ContainerSample[];
}

interface KubeletReading {
  readonly uid: string;
  readonly pod: PodLoad;
  prevT: number;
  lastT: number;
  prevCpu: Float64Array;
  lastCpu: Float64Array;
  readonly memory: Float64Array;
  /** readings taken so far (a rate needs two) */
  readings: number;
  /** the pass that last saw the pod */
  tick: number;
  /** the answer for the current readings, built when first asked */
  sample: PodResourceSample | undefined;
}

/** Prometheus' labelmap of pod labels: invalid characters become `_`. */
function sanitize(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** The target labels the seed setups' scrape configs give a pod's series. */
export function podTargetLabels(p: PodLoad, port: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.labels)) out[sanitize(k)] = v;
  return {
    ...out,
    job: 'kubernetes-pods',
    instance: `${p.ip === '' ? '127.0.0.1' : p.ip}:${port}`,
    namespace: p.namespace,
    pod: p.name,
    kubernetes_namespace: p.namespace,
    kubernetes_pod: p.name,
    kubernetes_pod_name: p.name,
  };
}

export class Collectors {
  private readonly scrapeMs: number;
  private readonly resolutionMs: number;
  private readonly port: number;
  private cancelScrape: (() => void) | undefined;
  private cancelSample: (() => void) | undefined;
  /** pods scraped last time, by uid */
  private scraped = new Set<string>();
  private readonly podSeries = new Map<string, PodSeries>();
  /** metrics-server's last two readings per pod: namespace → pod name → reading */
  private readonly kubelet = new Map<string, Map<string, KubeletReading>>();
  private ticks = 0;
  private lastSampleAt: number | undefined;
  private scrapes = 0;
  private readonly onScrape: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly load: LoadModel,
    private readonly tsdb: Tsdb,
    opts: ScrapeOptions = {},
  ) {
    this.scrapeMs = opts.scrapeIntervalMs ?? 15_000;
    this.resolutionMs = opts.resolutionMs ?? 15_000;
    this.port = opts.appPort ?? 3000;
    this.onScrape = opts.onScrape;
  }

  start(): void {
    const scrape = (): void => {
      this.scrape();
      this.cancelScrape = this.clock.setTimer(this.scrapeMs, scrape);
    };
    const sample = (): void => {
      this.sample();
      this.cancelSample = this.clock.setTimer(this.resolutionMs, sample);
    };
    scrape();
    sample();
  }

  stop(): void {
    this.cancelScrape?.();
    this.cancelSample?.();
  }

  get scrapeIntervalMs(): number {
    return this.scrapeMs;
  }

  /** The series a pod's scrape writes, built once per pod (and again if its labels or IP change). */
  private seriesOf(p: PodLoad): PodSeries {
    const cached = this.podSeries.get(p.uid);
    if (
      cached !== undefined &&
      cached.labels === p.labels &&
      cached.ip === p.ip &&
      (cached.generation === this.tsdb.generation || cached.all.every((x) => this.tsdb.has(x)))
    ) {
      cached.generation = this.tsdb.generation;
      return cached;
    }
    const target = podTargetLabels(p, this.port);
    const cadvisor = { job: 'kubelet', metrics_path: '/metrics/cadvisor', namespace: p.namespace, pod: p.name };
    const get = (labels: Labels): Series => this.tsdb.get(labels);
    const entry: PodSeries = {
      labels: p.labels,
      ip: p.ip,
      http: get({ ...target, ...this.load.requestLabels(p), __name__: 'http_requests_total', status: '200' }),
      custom: new Map(),
      cpu: p.containers.map((c) =>
        get({ ...cadvisor, container: c.name, __name__: 'container_cpu_usage_seconds_total' }),
      ),
      memory: p.containers.map((c) =>
        get({ ...cadvisor, container: c.name, __name__: 'container_memory_working_set_bytes' }),
      ),
      all: [],
      target,
      generation: this.tsdb.generation,
    };
    entry.all.push(entry.http, ...entry.cpu, ...entry.memory);
    this.podSeries.set(p.uid, entry);
    return entry;
  }

  /** One Prometheus scrape of every running pod and every queue, at clock.now(). */
  scrape(): void {
    const t = this.clock.now();
    this.load.advance(t);
    const seen = new Set<string>();
    for (const p of this.load.allPods()) {
      if (!p.running) continue;
      seen.add(p.uid);
      const s = this.seriesOf(p);
      s.http.push(t, p.requestsTotal);
      this.load.countScrape(p); // the app counts the /metrics request after answering it
      for (const c of this.load.customSeries(p)) {
        let series = s.custom.get(c.spec.name);
        if (series === undefined || !this.tsdb.has(series)) {
          series = this.tsdb.get({ ...s.target, ...(c.spec.labels ?? {}), __name__: c.spec.name });
          s.custom.set(c.spec.name, series);
          s.all.push(series);
        }
        series.push(t, c.value);
      }
      for (let i = 0; i < p.containers.length; i++) {
        const c = p.containers[i];
        s.cpu[i].push(t, c.cpuSecondsTotal);
        s.memory[i].push(t, this.load.memoryBytes(p, c));
      }
    }
    for (const uid of this.scraped) {
      if (seen.has(uid)) continue;
      for (const series of this.podSeries.get(uid)?.all ?? []) if (!series.stale) series.push(t, STALE);
      this.podSeries.delete(uid);
    }
    this.scraped = seen;
    for (const q of this.load.queueDepths())
      this.tsdb.append({ ...q.spec.labels, __name__: q.spec.metric }, t, q.depth);
    if (++this.scrapes % 40 === 0) this.tsdb.gc(t);
    this.onScrape?.();
  }

  /** One metrics-server pass over the kubelets, at clock.now(): two counter readings per pod, no objects built. */
  sample(): void {
    const t = this.clock.now();
    this.load.advance(t);
    const tick = ++this.ticks;
    for (const p of this.load.allPods()) {
      if (!p.running) continue;
      let ns = this.kubelet.get(p.namespace);
      if (ns === undefined) this.kubelet.set(p.namespace, (ns = new Map()));
      let k = ns.get(p.name);
      if (k === undefined || k.uid !== p.uid) {
        const n = p.containers.length;
        k = {
          uid: p.uid,
          pod: p,
          prevT: 0,
          lastT: 0,
          prevCpu: new Float64Array(n),
          lastCpu: new Float64Array(n),
          memory: new Float64Array(n),
          readings: 0,
          tick,
          sample: undefined,
        };
        ns.set(p.name, k);
      }
      const swap = k.prevCpu;
      k.prevCpu = k.lastCpu;
      k.lastCpu = swap;
      k.prevT = k.lastT;
      k.lastT = t;
      for (let i = 0; i < p.containers.length; i++) {
        k.lastCpu[i] = p.containers[i].cpuSecondsTotal;
        k.memory[i] = this.load.memoryBytes(p, p.containers[i]);
      }
      k.readings++;
      k.tick = tick;
      k.sample = undefined;
    }
    for (const [nsName, pods] of this.kubelet) {
      for (const [name, k] of pods) if (k.tick !== tick) pods.delete(name);
      if (pods.size === 0) this.kubelet.delete(nsName);
    }
    this.lastSampleAt = t;
  }

  /** The PodMetrics metrics-server would answer for a pod: the rate between its last two readings. */
  private answer(k: KubeletReading): PodResourceSample | undefined {
    if (k.readings < 2) return undefined;
    if (k.sample !== undefined) return k.sample;
    const windowMs = k.lastT - k.prevT;
    const p = k.pod;
    k.sample = {
      namespace: p.namespace,
      name: p.name,
      labels: p.labels,
      timestamp: k.lastT,
      windowMs,
      containers: p.containers.map((c, i) => ({
        name: c.name,
        cpu: Math.max(0, (k.lastCpu[i] - k.prevCpu[i]) / (windowMs / 1000)),
        memoryBytes: k.memory[i],
      })),
    };
    return k.sample;
  }

  /** metrics-server's current PodMetrics of one namespace (all namespaces when undefined). */
  podMetrics(namespace: string | undefined): PodResourceSample[] {
    const out: PodResourceSample[] = [];
    for (const [ns, pods] of this.kubelet) {
      if (namespace !== undefined && ns !== namespace) continue;
      for (const k of pods.values()) {
        const a = this.answer(k);
        if (a !== undefined) out.push(a);
      }
    }
    return out.sort((a, b) =>
      a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
    );
  }

  /** metrics-server's current PodMetrics of one pod, if it has any. */
  podSample(namespace: string, name: string): PodResourceSample | undefined {
    const k = this.kubelet.get(namespace)?.get(name);
    return k === undefined ? undefined : this.answer(k);
  }

  get lastResourceSampleAt(): number | undefined {
    return this.lastSampleAt;
  }
}

export type { Labels };
