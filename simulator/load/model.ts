/**
 * The load model: requests offered to each workload (a trace, or the live `sim.hpa-ts.io/rps`
 * annotation, which wins while present), spread evenly over its Ready pods, and what that does to
 * each pod — counters (http_requests_total, cpu seconds) integrated exactly between events, gauges
 * (memory, custom series) read at any instant — plus queues drained by a workload's Ready pods.
 * State changes only at store events and when a reader asks (`advance`), never on a timer.
 */
import type { Selector } from '../../algorithms/index.js';
import { Resources, type WatchEvent, type WatchHandle } from '../apiserver/index.js';
import { asArray, asObject, asString } from '../apiserver/json.js';
import type { KubeObject } from '../apiserver/types.js';
import {
  SimAnnotation,
  WORKLOAD_DEFAULTS,
  annotationsOf,
  controllerUid,
  numberAnnotation,
  podPhase,
  podReady,
  stringAnnotation,
} from '../workload/index.js';
import { PodIndex, jitterKiB, sameLabels } from './pod-index.js';
import { servePods } from './serve.js';
import { integrate, rpsAt } from './trace.js';
import type {
  ContainerLoad,
  LoadModelOptions,
  PodLoad,
  PodSeriesSpec,
  QueueSpec,
  WorkloadLoadSpec,
  WorkloadProfile,
} from './types.js';

export type {
  ContainerLoad,
  LoadModelOptions,
  PodLoad,
  PodSeriesSpec,
  QueueSpec,
  WorkloadLoadSpec,
  WorkloadProfile,
} from './types.js';

interface WorkloadState {
  readonly key: string;
  annotations: Readonly<Record<string, string>>;
  readonly pods: Set<PodLoad>;
  readyCount: number;
  /** counters of its pods are integrated up to here */
  last: number;
  profile?: { readonly from: Readonly<Record<string, string>> | undefined; readonly value: WorkloadProfile };
}

interface QueueState {
  readonly spec: QueueSpec;
  depth: number;
}

export function workloadKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class LoadModel {
  readonly startedAt: number;
  private readonly workloads = new Map<string, WorkloadState>();
  /** ReplicaSet and StatefulSet uid → workload key */
  private readonly owners = new Map<string, string>();
  private readonly pods = new Map<string, PodLoad>();
  private readonly index = new PodIndex();
  private readonly queues: QueueState[];
  private queueLast: number;
  private readonly rpsCache = new Map<string, number>();
  private rpsAt = Number.NaN;
  private orphanLast: number;
  private watches: WatchHandle[] = [];

  constructor(private readonly opts: LoadModelOptions) {
    this.startedAt = opts.startedAt ?? opts.clock.now();
    this.queueLast = opts.clock.now();
    this.orphanLast = this.queueLast;
    this.queues = (opts.queues ?? []).map((spec) => ({ spec, depth: spec.initial ?? 0 }));
  }

  start(): void {
    const { store } = this.opts;
    this.watches.push(store.watch(Resources.deployments, {}, (ev) => this.onWorkload(ev, false)));
    this.watches.push(store.watch(Resources.statefulSets, {}, (ev) => this.onWorkload(ev, true)));
    this.watches.push(store.watch(Resources.replicaSets, {}, (ev) => this.onReplicaSet(ev)));
    this.watches.push(store.watch(Resources.pods, {}, (ev) => this.onPod(ev)));
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
  }

  private state(key: string): WorkloadState {
    let s = this.workloads.get(key);
    if (s === undefined) {
      this.workloads.set(
        key,
        (s = { key, annotations: {}, pods: new Set(), readyCount: 0, last: this.opts.clock.now() }),
      );
    }
    return s;
  }

  private onWorkload(ev: WatchEvent, statefulSet: boolean): void {
    if (ev.type === 'BOOKMARK') return;
    const key = workloadKey(ev.object.metadata.namespace ?? '', ev.object.metadata.name ?? '');
    // the offered load may change (the rps annotation): integrate what came before first
    const now = this.opts.clock.now();
    this.rpsCache.clear();
    this.advanceQueues(now);
    const existing = this.workloads.get(key);
    if (existing !== undefined) this.advanceOne(existing, now);
    const uid = ev.object.metadata.uid;
    if (ev.type === 'DELETED') {
      const s = this.workloads.get(key);
      if (s !== undefined && s.pods.size === 0) this.workloads.delete(key);
      else if (s !== undefined) s.annotations = {};
      if (statefulSet && uid !== undefined) this.owners.delete(uid);
      return;
    }
    this.state(key).annotations = annotationsOf(ev.object);
    if (statefulSet && uid !== undefined) this.owners.set(uid, key);
  }

  private onReplicaSet(ev: WatchEvent): void {
    const uid = ev.object.metadata.uid;
    if (ev.type === 'BOOKMARK' || uid === undefined) return;
    if (ev.type === 'DELETED') {
      this.owners.delete(uid);
      return;
    }
    const ref = ev.object.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === 'Deployment');
    if (ref !== undefined) this.owners.set(uid, workloadKey(ev.object.metadata.namespace ?? '', ref.name));
  }

  private onPod(ev: WatchEvent): void {
    if (ev.type === 'BOOKMARK') return;
    const pod = ev.object;
    const key = workloadKey(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    let p = this.pods.get(key);
    // the pod's workload changes how its load is spread: integrate what came before first
    const now = this.opts.clock.now();
    this.rpsCache.clear();
    this.advanceQueues(now);
    const owner = controllerUid(pod);
    const workload = owner === undefined ? undefined : this.owners.get(owner);
    for (const k of [p?.workload, workload]) {
      const s = k === undefined ? undefined : this.workloads.get(k);
      if (s !== undefined) this.advanceOne(s, now);
    }
    if (p?.workload === undefined || workload === undefined) this.advanceOrphans(now);
    if (ev.type === 'DELETED' || pod.metadata.deletionTimestamp !== undefined) {
      if (p !== undefined) this.detach(p);
      this.pods.delete(key);
      if (p !== undefined) this.index.remove(p);
      return;
    }
    if (p !== undefined && p.uid !== (pod.metadata.uid ?? '')) {
      this.detach(p);
      this.index.remove(p);
      p = undefined;
    }
    if (p === undefined) {
      p = this.newPod(pod);
      this.pods.set(key, p);
      this.index.add(p);
    }
    if (workload !== p.workload) {
      this.detach(p);
      p.workload = workload;
      if (workload !== undefined) this.state(workload).pods.add(p);
    }
    const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
    if (!sameLabels(p.labels, labels)) {
      this.index.remove(p);
      p.labels = labels;
      this.index.add(p);
    }
    p.ip = asString(asObject(pod.status)?.podIP) ?? '';
    p.running = podPhase(pod) === 'Running';
    const ready = p.running && podReady(pod);
    if (ready !== p.ready && p.workload !== undefined) this.state(p.workload).readyCount += ready ? 1 : -1;
    p.ready = ready;
  }

  private newPod(pod: KubeObject): PodLoad {
    const owner = controllerUid(pod);
    const workload = owner === undefined ? undefined : this.owners.get(owner);
    const annotations = [
      annotationsOf(pod),
      workload === undefined ? undefined : this.workloads.get(workload)?.annotations,
    ];
    const serving = stringAnnotation(annotations, SimAnnotation.servingContainer);
    const names = asArray(asObject(pod.spec)?.containers).map((c, i) => asString(asObject(c)?.name) ?? `c${i}`);
    const servingIndex = Math.max(0, serving === undefined ? 0 : names.indexOf(serving));
    return {
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
      labels: {},
      workload: undefined,
      running: false,
      ready: false,
      ip: '',
      containers: names.map((name, i) => ({ name, cpuSecondsTotal: 0, serving: i === servingIndex })),
      requestsTotal: 0,
      counters: new Map(),
      memoryJitterBytes: jitterKiB(pod.metadata.name ?? '') * 1024,
    };
  }

  private detach(p: PodLoad): void {
    if (p.workload === undefined) return;
    const s = this.workloads.get(p.workload);
    if (s !== undefined) {
      s.pods.delete(p);
      if (p.ready) s.readyCount--;
    }
    p.ready = false;
    p.workload = undefined;
  }

  // ------------------------------------------------------------------ reading

  private spec(key: string): WorkloadLoadSpec | undefined {
    return this.opts.workloads?.get(key);
  }

  private seconds(t: number): number {
    return (t - this.startedAt) / 1000;
  }

  /** The live annotation, if any: it wins over the trace while present. */
  private override(s: WorkloadState | undefined): number | undefined {
    const raw = s?.annotations[SimAnnotation.rps];
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  }

  /** Requests per second offered to the workload `namespace/name` at `at` (default now). */
  offered(key: string, at = this.opts.clock.now()): number {
    const o = this.override(this.workloads.get(key));
    if (o !== undefined) return o;
    const trace = this.spec(key)?.trace;
    return trace === undefined ? 0 : rpsAt(trace, this.seconds(at));
  }

  /** Ready pods serving the workload now. */
  readyPods(key: string): number {
    return this.workloads.get(key)?.readyCount ?? 0;
  }

  /** Every workload known to the model (from the store or the scenario). */
  workloadKeys(): string[] {
    return [...new Set([...this.workloads.keys(), ...(this.opts.workloads?.keys() ?? [])])].sort();
  }

  /** The profile knobs of a workload (annotations on the Deployment/StatefulSet, else defaults). */
  profile(key: string | undefined): WorkloadProfile {
    const s = key === undefined ? undefined : this.workloads.get(key);
    const annotations = s?.annotations;
    // parsed once per annotations object (a new object arrives only when the workload changes)
    if (s?.profile !== undefined && s.profile.from === annotations) return s.profile.value;
    const a = [annotations];
    const value: WorkloadProfile = {
      cpuBase: numberAnnotation(a, SimAnnotation.cpuBaseMillicores, WORKLOAD_DEFAULTS.cpuBaseMillicores) / 1000,
      cpuPerRequest:
        numberAnnotation(a, SimAnnotation.cpuMillicoresPerRequest, WORKLOAD_DEFAULTS.cpuMillicoresPerRequest) / 1000,
      memoryBaseBytes: numberAnnotation(a, SimAnnotation.memoryBaseMiB, WORKLOAD_DEFAULTS.memoryBaseMiB) * 1024 * 1024,
      memoryPerRequestBytes:
        numberAnnotation(a, SimAnnotation.memoryKiBPerRequest, WORKLOAD_DEFAULTS.memoryKiBPerRequest) * 1024,
      requestsPerScrape: numberAnnotation(a, SimAnnotation.requestsPerScrape, WORKLOAD_DEFAULTS.requestsPerScrape),
    };
    if (s !== undefined) s.profile = { from: annotations, value };
    return value;
  }

  /** Requests per second one Ready pod of the workload serves now (remembered for the instant: scrapes ask per container). */
  perPodRps(key: string | undefined): number {
    if (key === undefined) return 0;
    const now = this.opts.clock.now();
    if (now !== this.rpsAt) {
      this.rpsCache.clear();
      this.rpsAt = now;
    }
    let v = this.rpsCache.get(key);
    if (v === undefined) {
      const n = this.readyPods(key);
      v = n === 0 ? 0 : this.offered(key, now) / n;
      this.rpsCache.set(key, v);
    }
    return v;
  }

  /** Brings every counter and queue up to `now`: integrates the load since the last call. */
  advance(now = this.opts.clock.now()): void {
    this.advanceQueues(now);
    for (const s of this.workloads.values()) this.advanceOne(s, now);
    this.advanceOrphans(now);
  }

  private advanceQueues(now: number): void {
    const dt = (now - this.queueLast) / 1000;
    if (dt <= 0) return;
    const a = this.seconds(this.queueLast);
    const b = this.seconds(now);
    for (const q of this.queues) this.advanceQueue(q, a, b, dt);
    this.queueLast = now;
  }

  private advanceOne(s: WorkloadState, now: number): void {
    const dt = (now - s.last) / 1000;
    if (dt <= 0) return;
    this.advanceWorkload(s, this.seconds(s.last), this.seconds(now), dt);
    s.last = now;
  }

  /** Pods without a known workload (a bare `kubectl run`) only burn their base cpu. */
  private advanceOrphans(now: number): void {
    const dt = (now - this.orphanLast) / 1000;
    if (dt <= 0) return;
    const base = this.profile(undefined).cpuBase;
    for (const p of this.pods.values()) {
      if (p.workload !== undefined || !p.running) continue;
      for (const c of p.containers) c.cpuSecondsTotal += base * dt;
    }
    this.orphanLast = now;
  }

  private advanceWorkload(s: WorkloadState, a: number, b: number, dt: number): void {
    const override = this.override(s);
    const trace = this.spec(s.key)?.trace;
    const requests = override !== undefined ? override * dt : trace === undefined ? 0 : integrate(trace, a, b);
    servePods(s.pods, {
      perPod: s.readyCount === 0 ? 0 : requests / s.readyCount,
      profile: this.profile(s.key),
      series: this.spec(s.key)?.series ?? [],
      dt,
    });
  }

  private advanceQueue(q: QueueState, a: number, b: number, dt: number): void {
    const arrived = integrate(q.spec.arrivals, a, b);
    const consumers = q.spec.workload === undefined ? 0 : this.readyPods(q.spec.workload);
    q.depth = Math.max(0, q.depth + arrived - consumers * q.spec.perPodPerSecond * dt);
  }

  /** Pods the model knows (running or not), for scrapers. */
  allPods(): IterableIterator<PodLoad> {
    return this.pods.values();
  }

  /** Pods (any phase, not being deleted) of `namespace` whose labels match `selector`, by name. */
  podsMatching(namespace: string, selector: Selector): PodLoad[] {
    return this.index.matching(namespace, selector);
  }

  pod(namespace: string, name: string): PodLoad | undefined {
    return this.pods.get(workloadKey(namespace, name));
  }

  /** Memory working set of a container now, bytes. */
  memoryBytes(p: PodLoad, c: ContainerLoad): number {
    const prof = this.profile(p.workload);
    return Math.round(
      prof.memoryBaseBytes +
        p.memoryJitterBytes +
        (c.serving && p.ready ? prof.memoryPerRequestBytes * this.perPodRps(p.workload) : 0),
    );
  }

  /** Custom series of a pod now: gauges at this instant, counters as integrated. */
  customSeries(p: PodLoad): { spec: PodSeriesSpec; value: number }[] {
    const specs = p.workload === undefined ? undefined : this.spec(p.workload)?.series;
    if (specs === undefined || specs.length === 0) return [];
    const rps = p.ready ? this.perPodRps(p.workload) : 0;
    return specs.map((spec) => ({
      spec,
      value: spec.kind === 'counter' ? (p.counters.get(spec.name) ?? 0) : spec.base + spec.perRequest * rps,
    }));
  }

  requestLabels(p: PodLoad): Readonly<Record<string, string>> {
    return (p.workload === undefined ? undefined : this.spec(p.workload)?.requestLabels) ?? {};
  }

  /** Current depth of every queue. */
  queueDepths(): { spec: QueueSpec; depth: number }[] {
    this.advanceQueues(this.opts.clock.now());
    return this.queues.map((q) => ({ spec: q.spec, depth: q.depth }));
  }

  /** Adds requests a scrape makes to a pod's counter (the seed app counts its own /metrics). */
  countScrape(p: PodLoad): void {
    p.requestsTotal += this.profile(p.workload).requestsPerScrape;
  }
}
