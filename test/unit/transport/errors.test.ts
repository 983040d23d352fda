import { describe, expect, it } from '@jest/globals';
import { errorFromResponse, isGone, reasonForCode } from '../../../transport/index.js';

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

describe('error responses as ApiErrors with stable codes', () => {
  it("names the request in client-go's generic message when the body is not a Status", () => {
    const e = errorFromResponse('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/a/pods', 503, 'text/plain', 'busy', {
      group: 'metrics.k8s.io',
      resource: 'pods',
    });
    expect(e).toEqual({
      status: 503,
      reason: 'ServiceUnavailable',
      message: 'the server is currently unable to handle the request (get pods.metrics.k8s.io)',
      verb: 'GET',
      path: '/apis/metrics.k8s.io/v1beta1/namespaces/a/pods',
    });
    expect(errorFromResponse('GET', '/x', 502, 'text/plain', 'bad gateway').message).toBe(
      'an error on the server ("bad gateway") has prevented the request from succeeding',
    );
  });

  it('marks a 404 for a path nobody serves, but not a 404 for something the server looked for', () => {
    const unserved = errorFromResponse(
      'GET',
      '/apis/custom.metrics.k8s.io/v1beta2/x',
      404,
      'text/plain',
      '404 page not found',
    );
    const unservedStatus = errorFromResponse(
      'GET',
      '/x',
      404,
      'application/json',
      status(404, 'NotFound', 'the server could not find the requested resource'),
    );
    const missingMetric = errorFromResponse(
      'GET',
      '/x',
      404,
      'application/json',
      status(404, 'NotFound', 'the server could not find the metric http_requests_qps for pods'),
    );
    expect([unserved.pathNotServed, unservedStatus.pathNotServed, missingMetric.pathNotServed]).toEqual([
      true,
      true,
      undefined,
    ]);
    expect(missingMetric).toMatchObject({ status: 404, reason: 'NotFound' });
  });

  it('knows an expired resourceVersion by its status or reason', () => {
    expect(isGone(errorFromResponse('GET', '/x', 410, '', ''))).toBe(true);
    expect(isGone({ reason: 'Expired', message: 'too old resource version', verb: 'watch', path: '/x' })).toBe(true);
    expect(reasonForCode(410)).toBe('Gone');
    expect(reasonForCode(502)).toBe('InternalError');
  });
});
