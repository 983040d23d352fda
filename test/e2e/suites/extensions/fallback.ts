/**
 * hpa-ts.io/fallback-replicas on the real kube-apiserver: the example manifest applied with
 * kubectl, its External metric not served by the bed's metrics API (404) until the story serves
 * it; the Deployment's replicas watched, the Fallback condition and events read back with
 * `kubectl describe`.
 */
import { expect } from '@jest/globals';
import { eventually } from '../../bed/suite.js';
import { applyExample, type ExtensionStory } from './story.js';

export const FALLBACK_STORIES: readonly ExtensionStory[] = [
  {
    title:
      'hpa-ts.io/fallback-replicas: an External metric not served scales 2 → 4 (Fallback=True); served again, Fallback=False',
    timeoutMs: 60_000,
    async run(bed) {
      const ns = 'ext-fallback';
      const name = 'fallback-consumer';
      bed.provider.set(ns, {}); // queue_depth is not served: the external metrics API answers 404
      await applyExample(bed, ns, 'annotations/fallback.yaml');
      const active = await eventually(
        'Fallback=True at 4 replicas',
        async () => {
          const d = await bed.stack.kubectl(['describe', 'hpa', name, '-n', ns]);
          return /Fallback\s+True\s+FallbackActive/.test(d) && bed.replicas(ns, name).at(-1) === 4 ? d : undefined;
        },
        40_000,
      );
      expect(active).toMatch(
        /\d+ consecutive reconciles with a failed metric \(threshold 2\): recommending 4 replicas \(hpa-ts.io\/fallback-replicas "4", behavior currentReplicasIfHigher\)/,
      );
      expect(active).toMatch(/Warning\s+FallbackStarted/);
      // currentReplicasIfHigher: never below the 2 the Deployment started with
      expect(bed.replicas(ns, name).filter((n) => n < 2)).toEqual([]);

      // the metric is served: 120 over 4 pods, on the target of 30 each
      bed.provider.set(ns, { external: { queue_depth: [{ labels: {}, milli: 120_000 }] } });
      const ended = await eventually(
        'Fallback=False',
        async () => {
          const d = await bed.stack.kubectl(['describe', 'hpa', name, '-n', ns]);
          return /Fallback\s+False\s+MetricsAvailable/.test(d) && /Normal\s+FallbackEnded/.test(d) ? d : undefined;
        },
        30_000,
      );
      expect(ended).toMatch(/every metric was computed again: fallback to 4 replicas ended/);
      expect(bed.replicas(ns, name).at(-1)).toBe(4);
    },
  },
];
