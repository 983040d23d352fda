/**
 * hpa-ts.io/pod-selection on the real kube-apiserver: two Deployments whose pods share a label
 * (manifests/examples/annotations/pod-selection.yaml), their pods made by the real ReplicaSet
 * controller (so with its ownerReferences), the other Deployment's pods busy. With
 * owner-references the HPA counts only its own idle pods and does not scale; once the annotation
 * is removed it averages the busy pods in, as upstream does, and scales up.
 */
import { expect } from '@jest/globals';
import { eventually } from '../../bed/suite.js';
import { applyExample, type ExtensionStory } from './story.js';

export const POD_SELECTION_STORIES: readonly ExtensionStory[] = [
  {
    title:
      "hpa-ts.io/pod-selection: owner-references counts only shop-web's own pods: the busy canary sharing its labels does not scale it",
    timeoutMs: 90_000,
    async run(bed) {
      const ns = 'ext-pod-selection';
      // shop-web's 2 pods at 20 % of their 100m request, shop-canary's 2 at 300 %: the label
      // selector app=shop averages 160 % against 50 %, the owned pods 20 %
      bed.provider.set(ns, { cpuMilli: 2 * 20, cpuMilliWhere: [{ labels: { track: 'canary' }, cpuMilli: 2 * 300 }] });
      await applyExample(bed, ns, 'annotations/pod-selection.yaml');
      const counted =
        /PodSelection\s+True\s+PodsNotOwned\s+counting the 2 pods owned by Deployment\/shop-web; 2 more pods the selector matches are not owned by it and not counted/;
      // both Deployments' pods running and ready: the condition counts 2 and 2, TARGETS shows the owned pods only
      const described = await eventually(
        'the PodSelection condition over both Deployments, TARGETS of the owned pods',
        async () => {
          const d = await bed.stack.kubectl(['describe', 'hpa', 'shop-web', '-n', ns]);
          const get = await bed.stack.kubectl(['get', 'hpa', 'shop-web', '-n', ns, '--no-headers']);
          return counted.test(d) && /cpu: 20%\/50%/.test(get) ? d : undefined;
        },
        60_000,
      );
      expect(described).toMatch(/Normal\s+PodsNotOwned\s+.*not counted: shop-canary-/);
      expect(bed.replicas(ns, 'shop-web').filter((n) => n !== 2)).toEqual([]);

      await bed.stack.kubectl(['annotate', 'hpa', 'shop-web', '-n', ns, 'hpa-ts.io/pod-selection-']);
      await eventually(
        'scaled up on the canary pods too',
        () => (bed.replicas(ns, 'shop-web').at(-1) ?? 0) > 2,
        30_000,
      );
      const after = await bed.stack.kubectl(['describe', 'hpa', 'shop-web', '-n', ns]);
      expect(after).not.toMatch(/PodSelection\s+True/);
    },
  },
];
