/**
 * controller/annotations-of.ts: an HPA version's annotations are parsed once (the reconcile and
 * every requeue share the parse), and a new version — a new annotations object — is parsed again.
 */
import { describe, expect, it } from '@jest/globals';
import { NO_HPA_ANNOTATIONS, type HorizontalPodAutoscaler } from '../../../algorithms/index.js';
import { annotationsOf } from '../../../controller/annotations-of.js';

const hpaWith = (annotations?: Record<string, string>): HorizontalPodAutoscaler =>
  ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop', ...(annotations === undefined ? {} : { annotations }) },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
  }) as HorizontalPodAutoscaler;

describe('annotationsOf', () => {
  it('parses one version once, and a new version again', () => {
    const v1 = hpaWith({ 'hpa-ts.io/sync-period': '30s' });
    const first = annotationsOf(v1);
    expect(first.syncPeriodMs).toBe(30_000);
    expect(annotationsOf({ ...v1, status: { currentReplicas: 1, desiredReplicas: 1 } })).toBe(first);
    const v2 = hpaWith({ 'hpa-ts.io/sync-period': '1m' });
    expect(annotationsOf(v2).syncPeriodMs).toBe(60_000);
  });

  it('reads no annotations, or none of hpa-ts, as none', () => {
    expect(annotationsOf(undefined)).toBe(NO_HPA_ANNOTATIONS);
    expect(annotationsOf(hpaWith())).toBe(NO_HPA_ANNOTATIONS);
    expect(annotationsOf(hpaWith({ team: 'a' }))).toBe(NO_HPA_ANNOTATIONS);
  });
});
