/** A kubeconfig for the simulated server, as kubectl and client-node read it. */
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** Context, cluster and user name. Default `hpa-ts-sim`. */
  readonly name?: string;
  readonly namespace?: string;
  readonly token?: string;
}

/**
 * Plain http:// with `insecure-skip-tls-verify: true`: client-node refuses http:// without it, and
 * kubectl sends no credentials over http (the token is there for clients that want a user).
 */
export function kubeconfigYaml(server: string, opts: KubeconfigOptions = {}): string {
  const name = opts.name ?? 'hpa-ts-sim';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { token: opts.token ?? 'hpa-ts-sim-token' } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: opts.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
