/**
 * `hpa-ts simulate SCENARIO --record FILE`: every metric value the controller reads in the run,
 * in the recorded format of `hpa-ts replay` (metrics-clients/recorded/), with the scale target's
 * replicas at each reconcile.
 */
import { Quantity } from '../algorithms/index.js';
import { recorded, type MetricsClient } from '../metrics-clients/index.js';
import { podRequests, podsOldestFirst, type VirtualWorld } from '../simulator/index.js';
import type { TimedDecision } from './scenario-run.js';

export interface Recorder {
  /** the metrics client to give the controller (wraps the world's) */
  readonly metrics: (w: VirtualWorld) => MetricsClient;
  /** the recording as file text (.json: JSON, else CSV), with the Replicas of every decision */
  write(file: string, decisions: readonly TimedDecision[], comment: string): string;
}

export function startRecording(start: number): Recorder {
  let client: recorded.RecordingMetricsClient | undefined;
  return {
    metrics: (w) =>
      (client = new recorded.RecordingMetricsClient(w.metrics, {
        start,
        now: () => w.clock.now(),
        listPods: (ns, sel) => Promise.resolve(podsOldestFirst(w.store, ns, sel)),
        requestsOf: (ns, pod) => podRequests(w.store, ns, pod),
      })),
    write: (file, decisions, comment) => {
      const replicas: recorded.RecordedRow[] = decisions.flatMap((d) =>
        d.current === null
          ? []
          : [
              {
                t: Math.round(d.t * 1000) / 1000,
                type: 'Replicas' as const,
                metric: '',
                selector: '',
                pod: '',
                value: Quantity.fromValue(BigInt(d.current)),
                request: null,
              },
            ],
      );
      const metrics = client?.recording().rows ?? [];
      // a stable sort by time keeps each reconcile's Replicas row before the metrics it read
      const rows = [...replicas, ...metrics].sort((a, b) => a.t - b.t);
      const seen = new Set<string>();
      const unique = rows.filter((r) => {
        if (r.type !== 'Replicas') return true;
        const key = String(r.t);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const rec = { rows: unique };
      return file.toLowerCase().endsWith('.json')
        ? recorded.formatRecordingJson(rec)
        : recorded.formatRecordingCsv(rec, comment);
    },
  };
}
