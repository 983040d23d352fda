/**
 * hpa-ts's opt-in extensions (docs/annotations.md) on the real kube-apiserver: hpa-ts as the only
 * HPA controller (builtin overlay), each extension's example manifest applied with the real
 * kubectl. The stories of every extension run concurrently in one bed, each in its own namespace
 * (suites/extensions/*.ts); a failing story fails its own test.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { SoloBed } from '../bed/solo.js';
import { describeIfBinaries, progress } from '../bed/suite.js';
import { FALLBACK_STORIES } from './extensions/fallback.js';
import { METRICS_MAX_AGE_STORIES } from './extensions/metrics-max-age.js';
import { PAUSE_STORIES } from './extensions/pause.js';
import { POD_SELECTION_STORIES } from './extensions/pod-selection.js';
import type { ExtensionStory } from './extensions/story.js';
import { UNCLAMPED_STORIES } from './extensions/unclamped.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const maybe = gate.run ? describe : describe.skip;

const STORIES: readonly ExtensionStory[] = [
  ...PAUSE_STORIES,
  ...UNCLAMPED_STORIES,
  ...METRICS_MAX_AGE_STORIES,
  ...FALLBACK_STORIES,
  ...POD_SELECTION_STORIES,
];

maybe('hpa-ts extensions on the real API server', () => {
  let bed: SoloBed;
  const started = new Map<string, Promise<void>>();

  beforeAll(async () => {
    const t0 = Date.now();
    bed = await SoloBed.start({ name: 'extensions', hpaController: false, syncPeriod: '2s' });
    await bed.startHpaTs('builtin');
    progress(`extensions: bed up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bed.stack.dir})`);
    for (const st of STORIES) {
      const p = st.run(bed);
      p.catch(() => undefined); // reported by its own test
      started.set(st.title, p);
    }
  }, 180_000);

  afterAll(async () => {
    await bed?.stop();
  });

  for (const st of STORIES)
    it(
      st.title,
      () => started.get(st.title) ?? Promise.reject(new Error('the bed did not start')),
      st.timeoutMs + 180_000,
    );
});
