/**
 * hpa-ts.io/paused, paused-replicas and sync-period on the real kube-apiserver: the example
 * manifests applied with kubectl, the Deployment's replicas watched, the conditions read back
 * with `kubectl describe`.
 */
import { expect } from '@jest/globals';
import { eventually } from '../../bed/suite.js';
import { applyExample, type ExtensionStory } from './story.js';

export const PAUSE_STORIES: readonly ExtensionStory[] = [
  {
    title: 'hpa-ts.io/paused holds the scale while TARGETS keep updating; removing it lets the HPA scale',
    timeoutMs: 90_000,
    async run(bed) {
      const ns = 'ext-paused';
      // 3 pods at 339 % of their 100m request (target 50 %): unpaused this would scale up
      bed.provider.set(ns, { cpuMilli: 3 * 339 });
      await applyExample(bed, ns, 'annotations/paused.yaml');
      const described = await eventually(
        'the Paused condition',
        async () => {
          const d = await bed.stack.kubectl(['describe', 'hpa', 'paused-web', '-n', ns]);
          return /Paused\s+True\s+PausedByAnnotation/.test(d) && /would scale to \d+/.test(d) ? d : undefined;
        },
        45_000,
      );
      expect(described).toMatch(/hpa-ts.io\/paused is "true": the scale is held at 3; unpaused it would scale to \d+/);
      expect(await bed.stack.kubectl(['get', 'hpa', 'paused-web', '-n', ns, '--no-headers'])).toMatch(/cpu: \d+%\/50%/);
      expect(bed.replicas(ns, 'paused-web').filter((n) => n !== 3)).toEqual([]);
      await bed.stack.kubectl(['annotate', 'hpa', 'paused-web', '-n', ns, 'hpa-ts.io/paused-']);
      await eventually('scaled up once unpaused', () => (bed.replicas(ns, 'paused-web').at(-1) ?? 0) > 3, 30_000);
      const after = await bed.stack.kubectl(['describe', 'hpa', 'paused-web', '-n', ns]);
      expect(after).not.toMatch(/PausedByAnnotation/);
    },
  },
  {
    title: 'hpa-ts.io/paused-replicas scales to the count asked for once, then holds it',
    timeoutMs: 90_000,
    async run(bed) {
      const ns = 'ext-paused-replicas';
      bed.provider.set(ns, { cpuMilli: 10 });
      const applied = await applyExample(bed, ns, 'annotations/paused-replicas.yaml');
      const name = /horizontalpodautoscaler\.autoscaling\/(\S+)/.exec(applied)?.[1] ?? '';
      const dep = /deployment\.apps\/(\S+)/.exec(applied)?.[1] ?? '';
      const hpa = JSON.parse(await bed.stack.kubectl(['get', 'hpa', name, '-n', ns, '-o', 'json'])) as {
        metadata: { annotations: Record<string, string> };
      };
      const asked = Number(hpa.metadata.annotations['hpa-ts.io/paused-replicas']);
      await eventually(`${dep} at ${asked}`, () => bed.replicas(ns, dep).at(-1) === asked, 45_000);
      const d = await bed.stack.kubectl(['describe', 'hpa', name, '-n', ns]);
      expect(d).toMatch(/Paused\s+True\s+PausedByAnnotation/);
      expect(d).toMatch(new RegExp(`the scale is held at ${asked}`));
    },
  },
  {
    title: 'hpa-ts.io/sync-period: an invalid value is reported (AnnotationsValid=False, an event) and ignored',
    timeoutMs: 60_000,
    async run(bed) {
      const ns = 'ext-sync-period';
      bed.provider.set(ns, { cpuMilli: 10 });
      const applied = await applyExample(bed, ns, 'annotations/sync-period.yaml');
      const name = /horizontalpodautoscaler\.autoscaling\/(\S+)/.exec(applied)?.[1] ?? '';
      await bed.stack.kubectl(['annotate', 'hpa', name, '-n', ns, 'hpa-ts.io/sync-period=2h', '--overwrite']);
      const d = await eventually(
        'AnnotationsValid=False',
        async () => {
          const out = await bed.stack.kubectl(['describe', 'hpa', name, '-n', ns]);
          return /AnnotationsValid\s+False\s+InvalidAnnotation/.test(out) ? out : undefined;
        },
        45_000,
      );
      expect(d).toMatch(/hpa-ts.io\/sync-period: "2h" is out of range: must be between 1s and 1h; ignored/);
      expect(d).toMatch(/Warning\s+InvalidAnnotation/);
    },
  },
];
