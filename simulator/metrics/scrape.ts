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
import type { Clock } from '../../controller/clock.js';
import type { LoadModel, PodLoad } from '../load/index.js';
import type { Labels, Tsdb } from './tsdb.js';

export interface ScrapeOptions {
  /** Prometheus scrape_interval; default 15 s */
  readonly scrapeIntervalMs?: number;
  /** metrics-server --metric-resolution; default 15 s */
  readonly resolutionMs?: number;
  /** port in the pods' `instance` label (the seed app's 3000) */
  readonly appPort?: number;
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

interface KubeletPoint {
  readonly uid: string;
  readonly t: number;
  readonly cpuSeconds: readonly number[];
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
  /** pods scraped last time: key → uid */
  private scraped = new Map<string, PodLoad>();
  private readonly kubelet = new Map<string, { prev?: KubeletPoint; last: KubeletPoint; memory: number[] }>();
  private readonly snapshot = new Map<string, PodResourceSample>();
  private lastSampleAt: number | undefined;
  private scrapes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly load: LoadModel,
    private readonly tsdb: Tsdb,
    opts: ScrapeOptions = {},
  ) {
    this.scrapeMs = opts.scrapeIntervalMs ?? 15_000;
    this.resolutionMs = opts.resolutionMs ?? 15_000;
    this.port = opts.appPort ?? 3000;
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

  /** One Prometheus scrape of every running pod and every queue, at clock.now(). */
  scrape(): void {
    const t = this.clock.now();
    this.load.advance(t);
    const seen = new Map<string, PodLoad>();
    for (const p of this.load.allPods()) {
      if (!p.running) continue;
      const key = `${p.namespace}/${p.name}/${p.uid}`;
      seen.set(key, p);
      const target = podTargetLabels(p, this.port);
      this.tsdb.append(
        { ...target, ...this.load.requestLabels(p), __name__: 'http_requests_total', status: '200' },
        t,
        p.requestsTotal,
      );
      this.load.countScrape(p); // the app counts the /metrics request after answering it
      for (const s of this.load.customSeries(p)) {
        this.tsdb.append({ ...target, ...(s.spec.labels ?? {}), __name__: s.spec.name }, t, s.value);
      }
      const cadvisor = { job: 'kubelet', metrics_path: '/metrics/cadvisor', namespace: p.namespace, pod: p.name };
      let podCpu = 0;
      let podMem = 0;
      for (const c of p.containers) {
        const mem = this.load.memoryBytes(p, c);
        podCpu += c.cpuSecondsTotal;
        podMem += mem;
        this.tsdb.append({ ...cadvisor, container: c.name, __name__: 'container_cpu_usage_seconds_total' }, t, c.cpuSecondsTotal);
        this.tsdb.append({ ...cadvisor, container: c.name, __name__: 'container_memory_working_set_bytes' }, t, mem);
      }
      // the pod cgroup itself (no container label), as cAdvisor exports it
      this.tsdb.append({ ...cadvisor, __name__: 'container_cpu_usage_seconds_total' }, t, podCpu);
      this.tsdb.append({ ...cadvisor, __name__: 'container_memory_working_set_bytes' }, t, podMem);
    }
    for (const [key, p] of this.scraped) {
      if (seen.has(key)) continue;
      this.tsdb.markStale({ kubernetes_pod_name: p.name, namespace: p.namespace }, t);
      this.tsdb.markStale({ job: 'kubelet', namespace: p.namespace, pod: p.name }, t);
    }
    this.scraped = seen;
    for (const q of this.load.queueDepths()) this.tsdb.append({ ...q.spec.labels, __name__: q.spec.metric }, t, q.depth);
    if (++this.scrapes % 40 === 0) this.tsdb.gc(t);
  }

  /** One metrics-server pass over the kubelets, at clock.now(). */
  sample(): void {
    const t = this.clock.now();
    this.load.advance(t);
    const alive = new Set<string>();
    for (const p of this.load.allPods()) {
      if (!p.running) continue;
      const key = `${p.namespace}/${p.name}`;
      alive.add(key);
      const point: KubeletPoint = { uid: p.uid, t, cpuSeconds: p.containers.map((c) => c.cpuSecondsTotal) };
      const memory = p.containers.map((c) => this.load.memoryBytes(p, c));
      const prev = this.kubelet.get(key);
      const entry = prev === undefined || prev.last.uid !== p.uid ? { last: point, memory } : { prev: prev.last, last: point, memory };
      this.kubelet.set(key, entry);
      if (entry.prev === undefined) {
        this.snapshot.delete(key);
        continue;
      }
      const windowMs = t - entry.prev.t;
      const before = entry.prev.cpuSeconds;
      this.snapshot.set(key, {
        namespace: p.namespace,
        name: p.name,
        labels: p.labels,
        timestamp: t,
        windowMs,
        containers: p.containers.map((c, i) => ({
          name: c.name,
          cpu: Math.max(0, (point.cpuSeconds[i] - (before[i] ?? 0)) / (windowMs / 1000)),
          memoryBytes: memory[i],
        })),
      });
    }
    for (const key of [...this.kubelet.keys()]) {
      if (alive.has(key)) continue;
      this.kubelet.delete(key);
      this.snapshot.delete(key);
    }
    this.lastSampleAt = t;
  }

  /** metrics-server's current PodMetrics of one namespace (all namespaces when undefined). */
  podMetrics(namespace: string | undefined): PodResourceSample[] {
    const out: PodResourceSample[] = [];
    for (const s of this.snapshot.values()) if (namespace === undefined || s.namespace === namespace) out.push(s);
    return out.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
  }

  get lastResourceSampleAt(): number | undefined {
    return this.lastSampleAt;
  }
}

export type { Labels };
