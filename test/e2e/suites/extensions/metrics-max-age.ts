/**
 * hpa-ts.io/metrics-max-age on the real kube-apiserver: the bed's metrics APIs stamp the
 * namespace's samples 5 minutes in the past (load-provider.ts sampleAgeSeconds), the example
 * manifest's HPA trusts nothing older than 2 minutes: the metric fails, saying the samples are
 * stale, and idle pods are not scaled down; `"0"` turns the cut-off off for the HPA; fresh
 * samples are trusted again.
 */
import { expect } from '@jest/globals';
import { eventually } from '../../bed/suite.js';
import { applyExample, type ExtensionStory } from './story.js';

export const METRICS_MAX_AGE_STORIES: readonly ExtensionStory[] = [
  {
    title:
      'hpa-ts.io/metrics-max-age: 5-minute-old samples fail the metric (no scale-down), "0" turns it off, fresh ones are trusted',
    timeoutMs: 90_000,
    async run(bed) {
      const ns = 'ext-metrics-max-age';
      // 3 idle pods (5 % of their 100m request, target 50 %): on fresh samples this scales down
      bed.provider.set(ns, { cpuMilli: 3 * 5, sampleAgeSeconds: 300 });
      await applyExample(bed, ns, 'annotations/metrics-max-age.yaml');
      const stale = await eventually(
        'ScalingActive=False on stale samples',
        async () => {
          const d = await bed.stack.kubectl(['describe', 'hpa', 'stale-web', '-n', ns]);
          return /ScalingActive\s+False\s+FailedGetResourceMetric/.test(d) && /every sample is stale \(3 pods\)/.test(d)
            ? d
            : undefined;
        },
        30_000,
      );
      expect(stale).toMatch(
        /every sample is stale \(3 pods\); the newest, of pod stale-web-\S+, has timestamp \S+Z, 5m[\d.]+s old, older than the max age 2m0s/,
      );
      expect(stale).toMatch(/Warning\s+FailedGetResourceMetric/);
      expect(bed.replicas(ns, 'stale-web').filter((n) => n !== 3)).toEqual([]);
      // "0": the cut-off is off for this HPA; upstream's own rules judge the old samples (they
      // predate the pods' readiness, so upstream ignores them as unready: no "stale" any more)
      await bed.stack.kubectl(['annotate', 'hpa', 'stale-web', '-n', ns, 'hpa-ts.io/metrics-max-age=0', '--overwrite']);
      await eventually(
        'the condition no longer says stale',
        async () => {
          const d = await bed.stack.kubectl(['describe', 'hpa', 'stale-web', '-n', ns]);
          const line = d.split('\n').find((l) => /^\s*ScalingActive\s/.test(l)) ?? '';
          return line !== '' && !/stale/.test(line) ? line : undefined;
        },
        20_000,
      );
      // fresh samples, max age back to 2m: trusted
      await bed.stack.kubectl([
        'annotate',
        'hpa',
        'stale-web',
        '-n',
        ns,
        'hpa-ts.io/metrics-max-age=2m',
        '--overwrite',
      ]);
      bed.provider.set(ns, { cpuMilli: 3 * 5 });
      // upstream ignores a CPU sample taken within a window of the pod's readiness (§1.2), so the
      // first fresh samples of pods that just became ready may not count yet
      let last = '';
      const trusted = await eventually(
        'ScalingActive=True on fresh samples',
        async () => {
          last = await bed.stack.kubectl(['describe', 'hpa', 'stale-web', '-n', ns]);
          return /ScalingActive\s+True\s+ValidMetricFound/.test(last) ? last : undefined;
        },
        45_000,
      ).catch((e: unknown) => {
        const line = last.split('\n').find((l) => /^\s*ScalingActive\s/.test(l)) ?? '(no ScalingActive condition)';
        throw new Error(`${(e as Error).message}; last: ${line.trim()}`);
      });
      expect(trusted).toMatch(/5% \(5m\) \/ 50%/);
      expect(bed.replicas(ns, 'stale-web').filter((n) => n !== 3)).toEqual([]);
    },
  },
];
