import { describe, expect, it } from '@jest/globals';
import { hpaFromApi, leaseFromApi, podSnapshotFromApi, scaleFromApi } from '../../../../transport/convert.js';

const rawPod = {
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    labels: { app: 'web', n: 3 },
    deletionTimestamp: '2026-11-23T10:00:05Z',
  },
  spec: {
    containers: [
      { name: 'app', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
      { name: 'log', resources: { requests: { cpu: 0.1 } } },
    ],
    initContainers: [{ name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } }],
    resources: { requests: { cpu: '1' } },
    overhead: { cpu: '10m' },
  },
  status: {
    phase: 'Running',
    startTime: '2026-11-23T10:00:00Z',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True', lastTransitionTime: '2026-11-23T10:00:03Z' },
    ],
  },
};

describe('podSnapshotFromApi', () => {
  it('reads phase, readiness, times, labels and per-container requests', () => {
    const p = podSnapshotFromApi(rawPod);
    expect(p.name).toBe('web-1');
    expect(p.namespace).toBe('shop');
    expect(p.labels).toEqual({ app: 'web' });
    expect(p.phase).toBe('Running');
    expect(p.ready).toBe('True');
    expect(p.readyTransitionTime).toBe(Date.UTC(2026, 10, 23, 10, 0, 3));
    expect(p.startTime).toBe(Date.UTC(2026, 10, 23, 10, 0, 0));
    expect(p.deletionTimestamp).toBe(Date.UTC(2026, 10, 23, 10, 0, 5));
    expect(
      p.containers.map((c) => [
        c.name,
        Object.fromEntries(Object.entries(c.requests).map(([k, q]) => [k, q.toString()])),
      ]),
    ).toEqual([
      ['app', { cpu: '250m', memory: '64Mi' }],
      ['log', { cpu: '100m' }],
    ]);
    expect(p.initContainers[0]?.restartPolicy).toBe('Always');
    expect(p.initContainers[0]?.requests.cpu?.toString()).toBe('50m');
    expect(p.podRequests?.cpu?.toString()).toBe('1');
    expect(p.overhead?.cpu?.toString()).toBe('10m');
  });

  it('gives null readiness and times when the pod has none', () => {
    const p = podSnapshotFromApi({
      metadata: { name: 'x', namespace: 'n' },
      spec: { containers: [] },
      status: { phase: 'Pending' },
    });
    expect(p.ready).toBeNull();
    expect(p.readyTransitionTime).toBeNull();
    expect(p.startTime).toBeNull();
    expect(p.deletionTimestamp).toBeNull();
    expect(p.podRequests).toBeNull();
    expect(p.overhead).toBeNull();
  });

  it('drops only the malformed request and reports it', () => {
    const reports: string[] = [];
    const p = podSnapshotFromApi(
      {
        metadata: { name: 'x', namespace: 'n' },
        spec: { containers: [{ name: 'c', resources: { requests: { cpu: 'lots', memory: '1Gi' } } }] },
      },
      (m) => reports.push(m),
    );
    expect(Object.keys(p.containers[0]?.requests ?? {})).toEqual(['memory']);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('pod n/x: spec.containers[c].resources.requests.cpu');
  });

  it('shares the labels and containers of pods that carry the same ones, and only those', () => {
    const pod = (name: string, app: string, cpu: string): unknown => ({
      metadata: { name, namespace: 'n', labels: { app } },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu } } }] },
    });
    const [a, b, c] = [pod('a', 'web', '100m'), pod('b', 'web', '100m'), pod('c', 'api', '200m')].map((raw) =>
      podSnapshotFromApi(raw),
    );
    expect(a?.labels).toBe(b?.labels);
    expect(a?.containers).toBe(b?.containers);
    expect(c?.labels).toEqual({ app: 'api' });
    expect(c?.containers[0]?.requests.cpu?.milliValue()).toBe(200n);
    expect(c?.labels).not.toBe(a?.labels);
    expect(c?.containers).not.toBe(a?.containers);
  });

  it('reports a malformed request for every pod carrying it, not only the first', () => {
    const reports: string[] = [];
    for (const name of ['x', 'y'])
      podSnapshotFromApi(
        {
          metadata: { name, namespace: 'n' },
          spec: { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }] },
        },
        (m) => reports.push(m),
      );
    expect(reports.map((m) => m.slice(0, 9))).toEqual(['pod n/x: ', 'pod n/y: ']);
  });

  it('never throws on garbage', () => {
    expect(podSnapshotFromApi(null).name).toBe('');
    expect(podSnapshotFromApi({ spec: { containers: 'no' }, status: { conditions: [null, 1] } }).containers).toEqual(
      [],
    );
  });

  it('maps an unexpected Ready status to Unknown', () => {
    const p = podSnapshotFromApi({
      metadata: { name: 'x' },
      status: { conditions: [{ type: 'Ready', status: 'Maybe' }] },
    });
    expect(p.ready).toBe('Unknown');
  });
});

describe('hpaFromApi', () => {
  const typeMeta = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' };

  it('fills apiVersion/kind of list items and drops managedFields', () => {
    const h = hpaFromApi(
      {
        metadata: { name: 'web', namespace: 'shop', resourceVersion: '5', managedFields: [{ manager: 'kubectl' }] },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, maxReplicas: 5 },
        status: { desiredReplicas: 2, lastScaleTime: '2026-11-23T10:00:00Z' },
      },
      typeMeta,
    );
    expect(h?.apiVersion).toBe('autoscaling/v2');
    expect(h?.kind).toBe('HorizontalPodAutoscaler');
    expect(h?.metadata).toEqual({ name: 'web', namespace: 'shop', resourceVersion: '5' });
    expect(h?.status?.lastScaleTime).toBe('2026-11-23T10:00:00Z');
  });

  it('skips and reports objects without a name or a scaleTargetRef', () => {
    const reports: string[] = [];
    expect(hpaFromApi({ metadata: {}, spec: {} }, typeMeta, (m) => reports.push(m))).toBeUndefined();
    expect(
      hpaFromApi({ metadata: { name: 'a', namespace: 'n' }, spec: {} }, typeMeta, (m) => reports.push(m)),
    ).toBeUndefined();
    expect(reports).toEqual([
      'HorizontalPodAutoscaler without metadata.name skipped',
      'HorizontalPodAutoscaler n/a without spec.scaleTargetRef skipped',
    ]);
  });
});

describe('scaleFromApi and leaseFromApi', () => {
  it('reads an autoscaling/v1 Scale', () => {
    const s = scaleFromApi({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'shop', resourceVersion: '7', uid: 'u' },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=web' },
    });
    expect(s).toEqual({
      metadata: { name: 'web', namespace: 'shop', resourceVersion: '7', uid: 'u' },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=web' },
    });
  });

  it('defaults missing scale fields like the API does', () => {
    expect(scaleFromApi({ metadata: { name: 'w' } })).toEqual({
      metadata: { name: 'w' },
      spec: {},
      status: { replicas: 0 },
    });
    expect(scaleFromApi('nope')).toBeUndefined();
  });

  it('reads a Lease with missing fields as null/0', () => {
    expect(
      leaseFromApi({
        metadata: { name: 'l', resourceVersion: '3' },
        spec: { holderIdentity: 'a', renewTime: '2026-11-23T10:00:00.123000Z' },
      }),
    ).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 0,
      acquireTime: null,
      renewTime: '2026-11-23T10:00:00.123000Z',
      leaseTransitions: 0,
      resourceVersion: '3',
    });
  });
});
