/**
 * hpa-ts.io/pod-selection (pod-selection.ts, pod-selection-decision.ts, selector-check.ts):
 * which pods an HPA counts when it selects by owner, and that nothing changes without it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  decide,
  findCondition,
  onlyCountedPods,
  ownershipOf,
  parseHpaAnnotations,
  parsePodSelectionAnnotation,
  parseSelector,
  profileForVersion,
  validateAndParseSelector,
  type ControllerRef,
  type DecideInput,
  type MetricFetch,
  type OwnerTarget,
  type PodSnapshot,
  type ReplicaSetOwnership,
  type Selector,
} from '../../../algorithms/index.js';
import { cpuFetch, cpuUtilization, decideInput, makeHpa, makePod, podsAverage, podsFetch } from './fixtures.js';

const WEB_UID = 'uid-deploy-web';
const WEB: OwnerTarget = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: WEB_UID };
const ref = (kind: string, name: string, uid: string, apiVersion = 'apps/v1'): ControllerRef => ({
  apiVersion,
  kind,
  name,
  uid,
});
const rsOf = (name: string, uid: string, controller: ControllerRef | null): ReplicaSetOwnership => ({
  name,
  uid,
  controller,
});
const RS_WEB = rsOf('web-abc', 'uid-rs-web', ref('Deployment', 'web', WEB_UID));
const RS_OTHER = rsOf('other-def', 'uid-rs-other', ref('Deployment', 'other', 'uid-deploy-other'));
const podWith = (i: number, controller: ControllerRef | null): PodSnapshot => makePod(i, { controller });

describe('parsing hpa-ts.io/pod-selection', () => {
  it('takes label-selector and owner-references exactly; absent is label-selector', () => {
    expect(parsePodSelectionAnnotation('owner-references')).toEqual({ ok: true, value: 'owner-references' });
    expect(parsePodSelectionAnnotation('label-selector')).toEqual({ ok: true, value: 'label-selector' });
    expect(parseHpaAnnotations({}).podSelection).toBe('label-selector');
    expect(parseHpaAnnotations({ 'hpa-ts.io/pod-selection': 'owner-references' })).toMatchObject({
      podSelection: 'owner-references',
      errors: [],
    });
  });

  it('rejects any other value with a code naming annotation and value, and reads it as absent', () => {
    const a = parseHpaAnnotations({ 'hpa-ts.io/pod-selection': 'OwnerReferences' });
    expect(a.podSelection).toBe('label-selector');
    expect(a.errors).toEqual([
      {
        code: 'InvalidEnum',
        annotation: 'hpa-ts.io/pod-selection',
        value: 'OwnerReferences',
        message: 'hpa-ts.io/pod-selection: "OwnerReferences" is not one of label-selector, owner-references; ignored',
      },
    ]);
  });
});

describe('ownership', () => {
  it('a Deployment owns the pods of the ReplicaSets it controls, by uid', () => {
    const owns = ownershipOf(WEB, [RS_WEB, RS_OTHER]);
    expect(owns(podWith(0, ref('ReplicaSet', 'web-abc', 'uid-rs-web')))).toBe(true);
    expect(owns(podWith(1, ref('ReplicaSet', 'other-def', 'uid-rs-other')))).toBe(false);
    expect(owns(podWith(2, null))).toBe(false);
    // a ReplicaSet recreated under the old name is another object
    expect(owns(podWith(3, ref('ReplicaSet', 'web-abc', 'uid-stale')))).toBe(false);
    // a ReplicaSet the controller has not listed (created since): not counted until it is
    expect(owns(podWith(4, ref('ReplicaSet', 'web-new', 'uid-rs-new')))).toBe(false);
    // a pod controlled by the Deployment itself is no Deployment pod
    expect(owns(podWith(5, ref('Deployment', 'web', WEB_UID)))).toBe(false);
  });

  it('a namesake Deployment with another uid owns nothing; without a uid kind, name and group decide', () => {
    const namesake = rsOf('web-abc', 'uid-rs-web', ref('Deployment', 'web', 'uid-old-web'));
    expect(ownershipOf(WEB, [namesake])(podWith(0, ref('ReplicaSet', 'web-abc', 'uid-rs-web')))).toBe(false);
    const noUid = rsOf('web-abc', '', ref('Deployment', 'web', ''));
    expect(ownershipOf({ ...WEB, uid: '' }, [noUid])(podWith(0, ref('ReplicaSet', 'web-abc', '')))).toBe(true);
    const otherGroup = rsOf('web-abc', '', ref('Deployment', 'web', '', 'example.com/v1'));
    expect(ownershipOf({ ...WEB, uid: '' }, [otherGroup])(podWith(0, ref('ReplicaSet', 'web-abc', '')))).toBe(false);
  });

  it('a StatefulSet (or any other kind) owns the pods it is the controller of', () => {
    const sts: OwnerTarget = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'uid-db' };
    const owns = ownershipOf(sts, []);
    expect(owns(podWith(0, ref('StatefulSet', 'db', 'uid-db')))).toBe(true);
    expect(owns(podWith(1, ref('StatefulSet', 'db', 'uid-db-before')))).toBe(false);
    expect(owns(podWith(2, ref('Deployment', 'db', '')))).toBe(false);
    const crd: OwnerTarget = { apiVersion: 'example.com/v1', kind: 'Worker', name: 'w', uid: '' };
    expect(ownershipOf(crd, [])(podWith(3, ref('Worker', 'w', 'uid-w', 'example.com/v2')))).toBe(true);
    expect(ownershipOf(crd, [])(podWith(4, ref('Worker', 'w', 'uid-w', 'other.com/v1')))).toBe(false);
  });

  it('metrics of pods that are not counted are dropped; other answers pass unchanged', () => {
    const pods = [makePod(0), makePod(1)];
    const fetch = cpuFetch(pods, () => 500);
    const kept = onlyCountedPods(fetch, new Set(['web-1']));
    expect(kept.kind === 'resource' && kept.result.ok && kept.result.value.map((s) => s.pod)).toEqual(['web-1']);
    expect(onlyCountedPods({ kind: 'none' }, new Set())).toEqual({ kind: 'none' });
  });
});

describe('the selector check with owner-references', () => {
  const sel = (text: string): Selector => {
    const p = parseSelector(text);
    if (!p.ok) throw new Error(text);
    return p.value;
  };
  const profile = profileForVersion(37);
  const self = { key: 'default/web', selector: null };
  const mine = [0, 1].map((i) => podWith(i, ref('ReplicaSet', 'web-abc', 'uid-rs-web')));
  const theirs = [2, 3].map((i) => podWith(i, ref('ReplicaSet', 'other-def', 'uid-rs-other')));
  const owns = { ok: true as const, value: ownershipOf(WEB, [RS_WEB, RS_OTHER]) };

  it('counts the owned matches and lists the others', () => {
    const check = validateAndParseSelector('default/web', 'app=web', [...mine, ...theirs], [], profile, owns);
    expect(check.ok && check.pods.map((p) => p.name)).toEqual(['web-0', 'web-1']);
    expect(check.ok && check.notOwned?.map((p) => p.name)).toEqual(['web-2', 'web-3']);
  });

  it('is ambiguous only where another HPA claims a counted pod: by its selector, or by the pods it counted', () => {
    const pods = [...mine, ...theirs];
    const labelHpa = [self, { key: 'default/other', selector: sel('app=web') }];
    expect(validateAndParseSelector('default/web', 'app=web', pods, labelHpa, profile, owns).ok).toBe(false);
    const ownerHpa = [self, { key: 'default/other', selector: sel('app=web'), pods: new Set(['web-2', 'web-3']) }];
    expect(validateAndParseSelector('default/web', 'app=web', pods, ownerHpa, profile, owns).ok).toBe(true);
    const sameTarget = [self, { key: 'default/web2', selector: sel('app=web'), pods: new Set(['web-1']) }];
    const refused = validateAndParseSelector('default/web', 'app=web', pods, sameTarget, profile, owns);
    expect(refused).toMatchObject({ ok: false, event: { reason: 'AmbiguousSelector' } });
    expect(!refused.ok && refused.counted?.map((p) => p.name)).toEqual(['web-0', 'web-1']);
  });

  it('stops with FailedGetPodOwners when the ReplicaSets could not be listed', () => {
    const failed = { ok: false as const, error: { message: 'listing replicasets: forbidden' } };
    expect(validateAndParseSelector('default/web', 'app=web', mine, [], profile, failed)).toMatchObject({
      ok: false,
      event: {
        reason: 'FailedGetPodOwners',
        message: 'the owners of the pods by selector app=web are not known: listing replicasets: forbidden',
      },
      condition: { type: 'ScalingActive', status: 'False', reason: 'FailedGetPodOwners' },
    });
  });
});

/** Kinds of pods the label selector app=web matches, and whether Deployment web owns them. */
const POD_KINDS: readonly { controller: ControllerRef | null; owned: boolean }[] = [
  { controller: ref('ReplicaSet', 'web-abc', 'uid-rs-web'), owned: true },
  { controller: ref('ReplicaSet', 'web-old', 'uid-rs-web-old'), owned: true },
  { controller: ref('ReplicaSet', 'other-def', 'uid-rs-other'), owned: false },
  { controller: ref('ReplicaSet', 'web-abc', 'uid-recreated'), owned: false },
  { controller: ref('StatefulSet', 'web', 'uid-sts-web'), owned: false },
  { controller: ref('Deployment', 'web', WEB_UID), owned: false },
  { controller: null, owned: false },
];
const REPLICA_SETS = [RS_WEB, rsOf('web-old', 'uid-rs-web-old', ref('Deployment', 'web', WEB_UID)), RS_OTHER];

/** A random CPU reconcile of Deployment web over pods of every kind above, each with its own usage. */
const arbMixed = fc
  .record({
    kinds: fc.array(fc.integer({ min: 0, max: POD_KINDS.length - 1 }), { minLength: 1, maxLength: 20 }),
    usage: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 20 }),
    current: fc.integer({ min: 1, max: 20 }),
    target: fc.integer({ min: 10, max: 100 }),
    perPodMetric: fc.boolean(),
  })
  .map(({ kinds, usage, current, target, perPodMetric }) => {
    const pods = kinds.map((k, i) => podWith(i, POD_KINDS[k]?.controller ?? null));
    const owned = kinds.map((k) => POD_KINDS[k]?.owned === true);
    const spec = perPodMetric ? podsAverage('qps', `${target * 10}m`) : cpuUtilization(target);
    const fetchOf = (ps: readonly PodSnapshot[], milli: (i: number) => number): MetricFetch =>
      perPodMetric ? podsFetch(ps, milli) : cpuFetch(ps, milli);
    const hpa = makeHpa([spec], { min: 1, max: 50, currentReplicas: current });
    const base = decideInput(hpa, pods, [fetchOf(pods, (i) => usage[i % usage.length] ?? 0)], current);
    const scale = base.scale.ok ? base.scale.value : undefined;
    const input: DecideInput = {
      ...base,
      ...(scale === undefined
        ? {}
        : { scale: { ok: true, value: { ...scale, metadata: { ...scale.metadata, uid: WEB_UID } } } }),
      podOwners: { ok: true, value: { replicaSets: REPLICA_SETS } },
    };
    return { input, owned, usage, fetchOf };
  });

describe('properties', () => {
  it('owner-references decides exactly as upstream would on the owned pods alone: no other pod is counted', () => {
    fc.assert(
      fc.property(arbMixed, ({ input, owned, usage, fetchOf }) => {
        const withOwners = decide({
          ...input,
          annotations: parseHpaAnnotations({ 'hpa-ts.io/pod-selection': 'owner-references' }),
        });
        const ownedPods = input.pods.filter((_, i) => owned[i] === true);
        const usageOf = (name: string): number => usage[Number(name.slice('web-'.length)) % usage.length] ?? 0;
        const alone = decide({
          ...input,
          pods: ownedPods,
          metrics: [fetchOf(ownedPods, (i) => usageOf(ownedPods[i]?.name ?? ''))],
          podOwners: undefined,
        });
        expect(withOwners.rescale?.to ?? null).toBe(alone.rescale?.to ?? null);
        expect(withOwners.status.desiredReplicas).toBe(alone.status.desiredReplicas);
        expect(withOwners.status.currentMetrics).toEqual(alone.status.currentMetrics);
        const c = findCondition(withOwners.status.conditions, 'PodSelection');
        if (ownedPods.length > 0) {
          expect(c?.reason).toBe(ownedPods.length === input.pods.length ? 'AllPodsOwned' : 'PodsNotOwned');
        }
      }),
      { numRuns: 400 },
    );
  });

  it("without the annotation (or with label-selector) owners change nothing: the decision is upstream's", () => {
    const plain = (input: DecideInput): unknown => {
      const d = decide(input);
      return { ...d, explanation: d.explanation, reason: d.reason, statusChanged: d.statusChanged };
    };
    fc.assert(
      fc.property(arbMixed, ({ input }) => {
        const upstream: DecideInput = {
          ...input,
          pods: input.pods.map(({ controller: _c, ...p }) => p),
          podOwners: undefined,
        };
        expect(plain(input)).toEqual(plain(upstream));
        expect(
          plain({ ...input, annotations: parseHpaAnnotations({ 'hpa-ts.io/pod-selection': 'label-selector' }) }),
        ).toEqual(plain({ ...upstream, annotations: parseHpaAnnotations({}) }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the decision with owner-references', () => {
  const mine = [0, 1].map((i) => podWith(i, ref('ReplicaSet', 'web-abc', 'uid-rs-web')));
  const theirs = [2, 3].map((i) => podWith(i, ref('ReplicaSet', 'other-def', 'uid-rs-other')));
  const pods = [...mine, ...theirs];
  const hpa = makeHpa([cpuUtilization(50)], { min: 1, max: 10, currentReplicas: 2 });
  const base = decideInput(hpa, pods, [cpuFetch(pods, (i) => (i < 2 ? 900 : 100))], 2);
  const input: DecideInput = {
    ...base,
    annotations: parseHpaAnnotations({ 'hpa-ts.io/pod-selection': 'owner-references' }),
    podOwners: { ok: true, value: { replicaSets: [RS_WEB, RS_OTHER] } },
  };

  it('scales on its own pods, says so in a condition and once in an event, and explains it', () => {
    // the scale carries no uid here: kind, name and group match
    const d = decide(input);
    expect(d.rescale?.to).toBe(4);
    expect(findCondition(d.status.conditions, 'PodSelection')).toMatchObject({
      status: 'True',
      reason: 'PodsNotOwned',
      message:
        'counting the 2 pods owned by Deployment/web; 2 more pods the selector matches are not owned by it and not counted',
    });
    expect(d.events).toContainEqual({
      type: 'Normal',
      reason: 'PodsNotOwned',
      message: 'pods matched by the selector but not owned by Deployment/web are not counted: web-2, web-3',
    });
    expect(d.explanation).toContain(
      'pods by owner (hpa-ts.io/pod-selection): counting the 2 pods owned by Deployment/web; 2 more pods the selector matches are not owned by it and not counted',
    );
    const again = decide({ ...input, hpa: { ...hpa, status: d.status } });
    expect(again.events.some((e) => e.reason === 'PodsNotOwned')).toBe(false);
    // upstream averages 50 %: no rescale
    expect(decide(base).rescale).toBeNull();
  });

  it('does not decide when the ReplicaSets could not be listed: ScalingActive=False, a Warning, explained', () => {
    const d = decide({ ...input, podOwners: { ok: false, error: { message: 'listing replicasets: forbidden' } } });
    expect(d.rescale).toBeNull();
    expect(d.error?.code).toBe('FailedGetPodOwners');
    expect(findCondition(d.status.conditions, 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetPodOwners',
    });
    expect(d.events).toContainEqual({
      type: 'Warning',
      reason: 'FailedGetPodOwners',
      message: 'the owners of the pods by selector app=web are not known: listing replicasets: forbidden',
    });
    expect(d.explanation).toContain(
      'pods by owner not known, nothing decided: the owners of the pods by selector app=web are not known: listing replicasets: forbidden',
    );
  });

  it('removes its condition once the annotation is gone', () => {
    const d = decide(input);
    const next = decide({ ...base, hpa: { ...hpa, status: d.status } });
    expect(findCondition(next.status.conditions, 'PodSelection')).toBeUndefined();
  });
});
