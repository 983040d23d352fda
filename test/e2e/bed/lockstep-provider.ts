/**
 * Serves the lock-step scenarios' current epoch through the metrics APIs, and tells each scenario
 * when kube-controller-manager's HPA controller starts a sync (its first metrics request).
 */
import type { LockstepRun } from './lockstep.js';
import type { MetricsProvider, MetricsRequestInfo, PodRef } from './metrics-api.js';
import type { LabelMatcher } from './selectors.js';

export const KCM_HPA_USER = 'system:serviceaccount:kube-system:horizontal-pod-autoscaler';

const RESOURCE_WINDOW_SECONDS = 30;
const CUSTOM_WINDOW_SECONDS = 60;

export class LockstepProvider implements MetricsProvider {
  readonly runs = new Map<string, LockstepRun>();
  /** requests by user, for the report */
  readonly requestsByUser = new Map<string, number>();
  /** the phase probe (SideBySideBed.alignPhase): kube-controller-manager's reads of its external metric */
  probe: { namespace: string; reads: number[] } | undefined;

  add(run: LockstepRun): void {
    this.runs.set(run.s.namespace, run);
  }

  observe(info: MetricsRequestInfo): void {
    this.requestsByUser.set(info.user, (this.requestsByUser.get(info.user) ?? 0) + 1);
    if (info.user === KCM_HPA_USER && info.namespace === this.probe?.namespace) this.probe.reads.push(Date.now());
    if (info.user === KCM_HPA_USER) this.runs.get(info.namespace)?.kcmRead();
    else if (info.api === 'resource') this.runs.get(info.namespace)?.hpaTsResourceRead();
  }

  pods(namespace: string): readonly PodRef[] {
    const run = this.runs.get(namespace);
    if (run === undefined) return [];
    return [...run.pods.values()].map((p) => ({ name: p.name, labels: p.labels }));
  }

  podUsage(namespace: string, pod: string): ReturnType<MetricsProvider['podUsage']> {
    const run = this.runs.get(namespace);
    const v = run?.values.pods.get(pod);
    if (run === undefined || v === undefined) return undefined;
    return { timestamp: run.timestamp, windowSeconds: RESOURCE_WINDOW_SECONDS, containers: v.containers };
  }

  podMetric(
    namespace: string,
    pod: string,
    metric: string,
    sel: LabelMatcher,
  ): ReturnType<MetricsProvider['podMetric']> {
    const run = this.runs.get(namespace);
    const v = run?.values.pods.get(pod)?.custom.get(metric);
    if (run === undefined || v === undefined) return undefined;
    const signal = run.s.signals.find((s) => s.kind === 'pods' && s.metric === metric);
    if (signal === undefined || signal.kind !== 'pods' || !sel(signal.labels)) return undefined;
    return { timestamp: run.timestamp, windowSeconds: CUSTOM_WINDOW_SECONDS, milli: v };
  }

  objectMetric(
    namespace: string,
    resource: string,
    name: string,
    metric: string,
    sel: LabelMatcher,
  ): ReturnType<MetricsProvider['objectMetric']> {
    const run = this.runs.get(namespace);
    const v = run?.values.objects.get(`${resource}/${name}/${metric}`);
    if (run === undefined || v === undefined) return undefined;
    const signal = run.s.signals.find((s) => s.kind === 'object' && s.metric === metric);
    if (signal === undefined || signal.kind !== 'object' || !sel(signal.labels)) return undefined;
    return { timestamp: run.timestamp, windowSeconds: CUSTOM_WINDOW_SECONDS, milli: v };
  }

  externalMetric(namespace: string, metric: string, sel: LabelMatcher): ReturnType<MetricsProvider['externalMetric']> {
    if (namespace === this.probe?.namespace)
      return {
        timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        windowSeconds: 60,
        items: [{ labels: {}, milli: 1000 }],
      };
    const run = this.runs.get(namespace);
    const items = run?.values.external.get(metric);
    if (run === undefined || items === undefined) return undefined;
    return {
      timestamp: run.timestamp,
      windowSeconds: CUSTOM_WINDOW_SECONDS,
      items: items.filter((it) => sel(it.labels)).map((it) => ({ labels: { ...it.labels }, milli: it.milli })),
    };
  }
}
