import { describe, expect, it } from '@jest/globals';
import { eventPatch, scaleBody } from '../../../../transport/bodies.js';
import { leaseBody, microTime } from '../../../../transport/lease-body.js';
import { ApiFailure, errorFromResponse, failureError, goUrlError } from '../../../../transport/index.js';
import { networkCause } from '../../../../transport/go-url-error.js';

describe('API failures as ClusterError', () => {
  it('takes reason and message from a Status body', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message:
        'Operation cannot be fulfilled on horizontalpodautoscalers.autoscaling "web": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(
      errorFromResponse(
        'PUT',
        '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/web/status',
        409,
        'application/json',
        body,
      ),
    ).toEqual({
      status: 409,
      reason: 'Conflict',
      message: expect.stringContaining('the object has been modified') as unknown as string,
      verb: 'PUT',
      path: '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/web/status',
    });
  });

  it("falls back to client-go's texts when the body is not a Status", () => {
    expect(errorFromResponse('GET', '/x', 404, 'text/plain', '404 page not found')).toMatchObject({
      status: 404,
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
    expect(errorFromResponse('GET', '/x', 503, '', '')).toMatchObject({ reason: 'ServiceUnavailable' });
  });

  it('has no status for transport failures, and words them as Go does', () => {
    const url = 'http://127.0.0.1:1/x';
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 1,
    });
    const e = failureError(
      ApiFailure.Network,
      'GET',
      '/x',
      goUrlError({ method: 'GET', url }, networkCause(refused, url)),
    );
    expect(e.status).toBeUndefined();
    expect(e.failure).toBe('Network');
    expect(e.message).toBe('Get "http://127.0.0.1:1/x": dial tcp 127.0.0.1:1: connect: connection refused');
  });
});

describe('request bodies', () => {
  it('prints lease times with six fractional digits', () => {
    expect(microTime('2026-11-23T10:00:05.678Z')).toBe('2026-11-23T10:00:05.678000Z');
    expect(microTime('2026-11-23T10:00:05Z')).toBe('2026-11-23T10:00:05.000000Z');
    expect(microTime(null)).toBeUndefined();
  });

  it('keeps what the previous Lease had beyond the election record, minus managedFields', () => {
    const body = leaseBody(
      'kube-system',
      'hpa-ts',
      {
        holderIdentity: 'b',
        leaseDurationSeconds: 15,
        acquireTime: '2026-11-23T10:00:00Z',
        renewTime: null,
        leaseTransitions: 2,
        resourceVersion: '9',
      },
      {
        metadata: {
          name: 'hpa-ts',
          namespace: 'kube-system',
          resourceVersion: '8',
          labels: { a: 'b' },
          managedFields: [{}],
        },
        spec: { holderIdentity: 'a', renewTime: '2026-11-23T09:59:00.000000Z', strategy: 'OldestEmulationVersion' },
      },
    );
    expect(body).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'hpa-ts', namespace: 'kube-system', resourceVersion: '9', labels: { a: 'b' } },
      spec: {
        holderIdentity: 'b',
        leaseDurationSeconds: 15,
        leaseTransitions: 2,
        acquireTime: '2026-11-23T10:00:00.000000Z',
        strategy: 'OldestEmulationVersion',
      },
    });
  });

  it('sends a Scale as autoscaling/v1 with its resourceVersion', () => {
    expect(
      scaleBody(
        { metadata: { name: 'w', resourceVersion: '4' }, spec: { replicas: 3 }, status: { replicas: 2 } },
        'ns',
      ),
    ).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'w', namespace: 'ns', resourceVersion: '4' },
      spec: { replicas: 3 },
      status: { replicas: 2 },
    });
  });

  it('patches only count, lastTimestamp and message of a repeated event', () => {
    const patch = eventPatch({
      namespace: 'n',
      name: 'web.1',
      involvedObject: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'web', namespace: 'n' },
      type: 'Normal',
      reason: 'R',
      message: 'm',
      component: 'horizontal-pod-autoscaler',
      count: 4,
      firstTimestamp: '2026-11-23T10:00:00Z',
      lastTimestamp: '2026-11-23T10:01:00Z',
    });
    expect(patch).toEqual({ count: 4, lastTimestamp: '2026-11-23T10:01:00Z', message: 'm' });
  });
});
