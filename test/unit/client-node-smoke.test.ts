import { describe, expect, it } from '@jest/globals';
import { KubeConfig, AutoscalingV2Api } from '@kubernetes/client-node';

describe('@kubernetes/client-node under jest (ESM)', () => {
  it('imports and builds a typed API client from an in-memory kubeconfig', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const api = kc.makeApiClient(AutoscalingV2Api);
    expect(typeof api.listHorizontalPodAutoscalerForAllNamespaces).toBe('function');
    expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:1');
  });
});
