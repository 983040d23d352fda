/**
 * Bugs the fault suite and the fuzzers found, each as the smallest input that shows it.
 */
import { describe, expect, it } from '@jest/globals';
import { selectorFromLabelSelector, specErrorsOf, type LabelSelector } from '../../algorithms/index.js';
import { Resources } from '../../simulator/apiserver/index.js';
import { hpaFromApi } from '../../transport/index.js';
import { decideOn } from './fuzz.js';
import { VALID_HPA } from './fuzz-inputs.js';
import { InvariantChecker } from './invariants.js';
import { FaultWorld } from './world.js';

const V2 = 'autoscaling/v2';

/** VALID_HPA with `spec` (and `status`) fields replaced. */
function hpaWith(spec: Record<string, unknown>, status?: unknown): unknown {
  return { ...VALID_HPA, spec: { ...VALID_HPA.spec, ...spec }, ...(status === undefined ? {} : { status }) };
}

function fieldsOf(raw: unknown): string[] {
  const hpa = hpaFromApi(raw, { apiVersion: V2, kind: 'HorizontalPodAutoscaler' });
  if (hpa === undefined) throw new Error('not converted');
  return specErrorsOf(hpa).map((e) => e.field);
}

/** JSON can carry a key named toString: such an object cannot be turned into a string. */
const NOT_STRINGABLE: unknown = JSON.parse('{"toString": 2}');

describe('found by the fault suite', () => {
  it('an HPA whose status write was lost with the API server state (etcd restored) is reconciled again', async () => {
    const checker = new InvariantChecker();
    const w = new FaultWorld({ seed: 7, hpas: 1, checker });
    await w.start();
    w.takeSnapshot(); // the backup: taken before the first status write
    // the first status write is applied, then the server restarts on the backup before the
    // informer sees it: the stale-cache guard waited for a resourceVersion that no longer exists
    w.cluster.afterStatusWrite = () => {
      w.cluster.afterStatusWrite = undefined;
      w.restoreSnapshot();
    };
    await w.step();
    await w.quiet();
    await w.close();
    expect(checker.violations).toEqual([]);
  });
});

describe('found by the fault suite: a write awaited while the HPA watch is broken', () => {
  it('while the HPA watch is broken, an HPA waiting for its own status write is read fresh at the next sync', async () => {
    const checker = new InvariantChecker();
    const w = new FaultWorld({ seed: 7, hpas: 1, checker });
    await w.start();
    // right after the first status write, the HPA watch breaks (every list and watch call fails)
    // before delivering it; the other calls work
    w.cluster.afterStatusWrite = () => {
      w.cluster.afterStatusWrite = undefined;
      w.cluster.breakWatches(1_000);
      w.cluster.dropWatches(true);
    };
    await w.step();
    const first = w.lastHealthyAt('default/h0');
    for (let i = 0; i < 4; i++) await w.step(); // 20 s: past the sync at 15 s, before 30 s
    await w.close();
    // waiting two sync periods for a watch that cannot deliver would skip the sync at 15 s
    expect(first).toBeDefined();
    expect(w.lastHealthyAt('default/h0')).toBeGreaterThanOrEqual(15_000);
    expect(checker.violations).toEqual([]);
  });
});

describe('found by the fault suite: a cache that cannot be trusted', () => {
  it('while the HPA watch is broken, an HPA is reconciled from a fresh read, not from the cache', async () => {
    const checker = new InvariantChecker();
    const w = new FaultWorld({ seed: 7, hpas: 1, checker });
    await w.start();
    w.takeSnapshot(); // before the first status write
    await w.step();
    await w.step(); // 10 s: the status is written and cached
    // etcd is restored to the backup (no status) and the HPA watch cannot come back to tell
    w.cluster.breakWatches(1_000);
    w.restoreSnapshot();
    await w.step();
    await w.step(); // 20 s: past the sync at 15 s
    const stored = w.cluster.currentStore.get(Resources.horizontalPodAutoscalers, 'default', 'h0') as {
      status?: { conditions?: { type: string; status: string }[] };
    };
    await w.close();
    // from the cache, the status looked unchanged and the restored (empty) one stayed
    expect(stored.status?.conditions?.find((c) => c.type === 'ScalingActive')?.status).toBe('True');
  });
});

describe('found by the fuzzers: an HPA from a server without a schema is InvalidSpec, never a crash', () => {
  it('spec.metrics that is not a list', () => {
    expect(fieldsOf(hpaWith({ metrics: 'cpu' }))).toContain('spec.metrics');
    expect(fieldsOf(hpaWith({ metrics: { a: 1 } }))).toContain('spec.metrics');
    expect(decideOn(hpaWith({ metrics: { a: 1 } }), V2, 3, ['1'])).toBeUndefined();
  });

  it('minReplicas or maxReplicas that is not an integer', () => {
    expect(fieldsOf(hpaWith({ minReplicas: NOT_STRINGABLE }))).toContain('spec.minReplicas');
    expect(fieldsOf(hpaWith({ maxReplicas: '10' }))).toContain('spec.maxReplicas');
    expect(decideOn(hpaWith({ minReplicas: NOT_STRINGABLE }), V2, 3, ['1'])).toBeUndefined();
  });

  it('a scaleTargetRef or a quantity that cannot be printed', () => {
    const ref = { apiVersion: 'apps/v1', kind: NOT_STRINGABLE, name: 'web' };
    expect(decideOn(hpaWith({ scaleTargetRef: ref }), V2, 3, ['1'])).toBeUndefined();
    const metrics = [
      { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: NOT_STRINGABLE } } },
    ];
    expect(fieldsOf(hpaWith({ metrics }))).toEqual(['spec.metrics[0].external.target.value']);
  });

  it('a namespace that is not a string is dropped on read', () => {
    const raw = { ...VALID_HPA, metadata: { ...VALID_HPA.metadata, namespace: NOT_STRINGABLE } };
    expect(hpaFromApi(raw, { apiVersion: V2, kind: 'HorizontalPodAutoscaler' })?.metadata.namespace).toBeUndefined();
  });

  it('status.conditions that are not conditions are ignored on read', () => {
    for (const conditions of [[null], -1, [{ status: 'True' }]]) {
      const raw = hpaWith({}, { currentReplicas: 3, desiredReplicas: 3, conditions });
      expect(hpaFromApi(raw, { apiVersion: V2, kind: 'HorizontalPodAutoscaler' })?.status?.conditions).toEqual([]);
      expect(decideOn(raw, V2, 3, ['1'])).toBeUndefined();
    }
  });

  it('status counts and time of the wrong type are read as unset', () => {
    const raw = hpaWith({}, { currentReplicas: NOT_STRINGABLE, desiredReplicas: '3', lastScaleTime: 5 });
    const status = hpaFromApi(raw, { apiVersion: V2, kind: 'HorizontalPodAutoscaler' })?.status;
    expect(status).toEqual({ desiredReplicas: 0 });
    expect(decideOn(raw, V2, 3, ['1'])).toBeUndefined();
  });

  it('behavior windows and policy numbers that are not integers are invalid, never decided on', () => {
    const scaleUp = {
      stabilizationWindowSeconds: NOT_STRINGABLE,
      policies: [{ type: 'Pods', value: 1.5, periodSeconds: 15 }],
    };
    // a scaleDown that is not an object is defaulted over (defaultHorizontalPodAutoscaler), as upstream's
    const behavior = { scaleUp, scaleDown: 'fast' };
    expect(fieldsOf(hpaWith({ behavior }))).toEqual([
      'spec.behavior.scaleUp.stabilizationWindowSeconds',
      'spec.behavior.scaleUp.policies[0].value',
    ]);
    expect(decideOn(hpaWith({ behavior }), V2, 3, ['1'])).toBeUndefined();
  });

  it('a metric selector with values that are not strings is a selector error', () => {
    for (const ls of [{ matchLabels: { a: 5 } }, { matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] }]) {
      const r = selectorFromLabelSelector(ls as unknown as LabelSelector);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/^json: cannot unmarshal number into Go struct field LabelSelector/);
    }
  });
});
