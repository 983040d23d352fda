/**
 * Per-pod Prometheus /metrics endpoints for the lock-step scenarios, and the file_sd target file
 * that tells Prometheus about them. Every pod of a scenario is one target
 * (`/pods/<namespace>/<pod>/metrics`) with the labels the seeds' adapter rules expect of a pod
 * discovered by kubernetes_sd: kubernetes_namespace, kubernetes_pod, kubernetes_pod_name,
 * namespace, pod. External series (queue_messages_cnt) are one target per scenario.
 *
 * Series (values follow the scenario's current epoch; counters integrate their rate over time):
 *   http_requests_total{verb="GET"}          counter, rate = the pods metric http_requests_qps
 *   myapp_processed_ops_total               gauge = the pods metric http_requests_qps (seed-001)
 *   container_cpu_usage_seconds_total{container}   counter, rate = the container's cpu (cores)
 *   container_memory_working_set_bytes{container}  gauge
 *   queue_messages_cnt{scenario, shard}       gauge (seed-004 external rule)
 */
import { createServer, type Server } from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { listen, type Listening } from './listen.js';
import type { LockstepRun } from './lockstep.js';

interface Counter {
  value: number;
  rate: number;
  since: number;
}

interface PodSeries {
  readonly namespace: string;
  readonly pod: string;
  /** counters by series key */
  readonly counters: Map<string, Counter>;
  /** gauges by series key */
  gauges: Map<string, number>;
}

function counterAt(c: Counter, now: number): number {
  return c.value + (c.rate * (now - c.since)) / 1000;
}

export class Exporter {
  private server?: Server;
  port = 0;
  private listening: Listening | undefined;
  private readonly pods = new Map<string, PodSeries>();
  private readonly external = new Map<string, Map<string, number>>();
  scrapes = 0;

  constructor(private readonly targetsFile: string) {
    writeFileSync(targetsFile, '[]');
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.scrapes++;
      const path = req.url ?? '/';
      const body = this.render(path, Date.now());
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
    });
    this.server.keepAliveTimeout = 30_000;
    this.listening = await listen(this.server);
    this.port = this.listening.port;
  }

  private render(path: string, now: number): string | undefined {
    const m = /^\/pods\/([^/]+)\/([^/]+)\/metrics$/.exec(path);
    if (m) {
      const s = this.pods.get(`${m[1]}/${m[2]}`);
      if (s === undefined) return undefined;
      const lines: string[] = [];
      for (const [key, c] of s.counters) lines.push(`${key} ${counterAt(c, now)}`);
      for (const [key, v] of s.gauges) lines.push(`${key} ${v}`);
      return `${lines.join('\n')}\n`;
    }
    const e = /^\/external\/([^/]+)\/metrics$/.exec(path);
    if (e) {
      const g = this.external.get(e[1]);
      if (g === undefined) return undefined;
      return `${[...g].map(([k, v]) => `${k} ${v}`).join('\n')}\n`;
    }
    return undefined;
  }

  /** Follows a scenario's newly applied epoch (called by the lock-step run after every apply). */
  update(run: LockstepRun): void {
    const now = Date.now();
    const ns = run.s.namespace;
    const live = new Set<string>();
    for (const pod of run.pods.values()) {
      const key = `${ns}/${pod.name}`;
      const values = run.values.pods.get(pod.name);
      if (values === undefined) continue; // no metrics yet: no target
      live.add(key);
      let s = this.pods.get(key);
      if (s === undefined) {
        s = { namespace: ns, pod: pod.name, counters: new Map(), gauges: new Map() };
        this.pods.set(key, s);
      }
      const counters = new Map<string, number>();
      const gauges = new Map<string, number>();
      const qps = values.custom.get('http_requests_qps');
      if (qps !== undefined) {
        counters.set('http_requests_total{verb="GET"}', qps / 1000);
        gauges.set('myapp_processed_ops_total', qps / 1000);
      }
      for (const c of values.containers) {
        counters.set(`container_cpu_usage_seconds_total{container="${c.name}"}`, c.cpuMilli / 1000);
        gauges.set(`container_memory_working_set_bytes{container="${c.name}"}`, c.memoryBytes);
      }
      for (const [k, rate] of counters) {
        const c = s.counters.get(k);
        if (c === undefined) s.counters.set(k, { value: 0, rate, since: now });
        else {
          c.value = counterAt(c, now);
          c.rate = rate;
          c.since = now;
        }
      }
      s.gauges = gauges;
    }
    for (const key of [...this.pods.keys()]) if (key.startsWith(`${ns}/`) && !live.has(key)) this.pods.delete(key);
    const ext = new Map<string, number>();
    for (const [metric, items] of run.values.external) {
      for (const it of items) {
        const labels = Object.entries(it.labels)
          .map(([k, v]) => `${k}="${v}"`)
          .join(',');
        ext.set(`${metric}{${labels}}`, it.milli / 1000);
      }
    }
    if (ext.size > 0) this.external.set(ns, ext);
    else this.external.delete(ns);
    this.writeTargets();
  }

  /** A fixed external series (the phase probe's). */
  setStaticExternal(namespace: string, series: string, value: number): void {
    this.external.set(namespace, new Map([[series, value]]));
    this.writeTargets();
  }

  forget(namespace: string): void {
    for (const key of [...this.pods.keys()]) if (key.startsWith(`${namespace}/`)) this.pods.delete(key);
    this.external.delete(namespace);
    this.writeTargets();
  }

  private lastTargets = '';

  private writeTargets(): void {
    const address = `127.0.0.1:${this.port}`;
    const groups: unknown[] = [];
    for (const s of this.pods.values()) {
      groups.push({
        targets: [address],
        labels: {
          __metrics_path__: `/pods/${s.namespace}/${s.pod}/metrics`,
          kubernetes_namespace: s.namespace,
          kubernetes_pod: s.pod,
          kubernetes_pod_name: s.pod,
          namespace: s.namespace,
          pod: s.pod,
        },
      });
    }
    for (const ns of this.external.keys())
      groups.push({
        targets: [address],
        labels: { __metrics_path__: `/external/${ns}/metrics`, e2e_target: 'external' },
      });
    const text = JSON.stringify(groups);
    if (text === this.lastTargets) return;
    this.lastTargets = text;
    // atomic replace: Prometheus' file watcher must never read a half-written file
    writeFileSync(`${this.targetsFile}.tmp`, text);
    renameSync(`${this.targetsFile}.tmp`, this.targetsFile);
  }

  async close(): Promise<void> {
    await this.listening?.close();
  }
}
