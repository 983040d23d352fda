/**
 * The unclamped recommendation (docs/recommendation.md) on the real kube-apiserver: an HPA capped
 * at 5 replicas whose load asks for about 21 is scaled to 5, and the /metrics of the hpa-ts
 * process shows what the metrics asked for, while the autoscaling/v2 status stays upstream's.
 */
import { expect } from '@jest/globals';
import { eventually } from '../../bed/suite.js';
import { applyExample, type ExtensionStory } from './story.js';

const GAUGE = /^hpa_ts_recommendation_unclamped\{namespace="ext-unclamped",hpa_name="capped-web"\} (\d+)$/m;

export const UNCLAMPED_STORIES: readonly ExtensionStory[] = [
  {
    title: 'hpa_ts_recommendation_unclamped shows what the metrics ask for above maxReplicas',
    timeoutMs: 120_000,
    async run(bed) {
      const ns = 'ext-unclamped';
      // 1017m over the ready pods of 100m requests, target 50 %: about 21 replicas, whatever their number
      bed.provider.set(ns, { cpuMilli: 3 * 339 });
      await applyExample(bed, ns, 'recommendation/unclamped.yaml');
      await eventually('capped-web at maxReplicas 5', () => bed.replicas(ns, 'capped-web').at(-1) === 5, 45_000);
      const hpaTs = bed.hpaTs;
      if (hpaTs === undefined) throw new Error('hpa-ts is not running');
      // Pods that became ready less than the 30 s metric window ago are unready to upstream's rule
      // (R1.2.2) and count as 0 on a scale-up, so the reconciles right after the pods start ask for
      // less (e.g. 7 with one of the three counted); wait for the settled proposal.
      await eventually(
        'the gauge to settle at about 21 (every pod counted ready)',
        async () => {
          const n = Number(GAUGE.exec(await hpaTs.metrics())?.[1] ?? 0);
          if (n >= 20 && n <= 22) return n;
          throw new Error(`hpa_ts_recommendation_unclamped is ${n}`);
        },
        75_000,
      );
      const hpa = JSON.parse(await bed.stack.kubectl(['get', 'hpa', 'capped-web', '-n', ns, '-o', 'json'])) as {
        status: Record<string, unknown>;
      };
      expect(hpa.status.desiredReplicas).toBe(5);
      expect(Object.keys(hpa.status)).not.toContain('unclampedReplicas');
      const described = await bed.stack.kubectl(['describe', 'hpa', 'capped-web', '-n', ns]);
      expect(described).toMatch(/ScalingLimited\s+True\s+TooManyReplicas/);
    },
  },
];
