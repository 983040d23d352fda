/**
 * The one way a command finds its cluster: --kubeconfig, else $KUBECONFIG, ~/.kube/config or the
 * in-cluster service account (client-node's loadFromDefault). Loads @kubernetes/client-node lazily.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { type Result, err, ok } from '../algorithms/index.js';
import { describeThrown } from '../metrics-clients/index.js';

export interface KubeConfigError {
  readonly code: 'KubeConfigUnreadable' | 'NoCluster';
  /** the file named by --kubeconfig, when one was */
  readonly path?: string;
  readonly message: string;
}

export interface FindKubeConfigOptions {
  /** false: no kubeconfig anywhere is not an error (metrics get with --pods) */
  readonly required?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The kubeconfig a command would use; `undefined` only when none exists and none is required. */
export async function findKubeConfig(
  path: string | undefined,
  opts: FindKubeConfigOptions = {},
): Promise<Result<KubeConfig | undefined, KubeConfigError>> {
  const env = opts.env ?? process.env;
  const required = opts.required ?? true;
  const nothingThere =
    path === undefined &&
    env.KUBECONFIG === undefined &&
    env.KUBERNETES_SERVICE_HOST === undefined &&
    !existsSync(join(homedir(), '.kube', 'config'));
  if (nothingThere && !required) return ok(undefined);
  const { KubeConfig: Kc } = await import('@kubernetes/client-node');
  const kc = new Kc();
  try {
    if (path !== undefined) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (e) {
    const where = path === undefined ? 'kubeconfig' : `kubeconfig ${path}`;
    return err({
      code: 'KubeConfigUnreadable',
      ...(path === undefined ? {} : { path }),
      message: `${where}: ${describeThrown(e)}`,
    });
  }
  if (kc.getCurrentCluster() === null)
    return err({
      code: 'NoCluster',
      ...(path === undefined ? {} : { path }),
      message: 'no cluster in the kubeconfig (set --kubeconfig or KUBECONFIG, or run in a pod)',
    });
  return ok(kc);
}

/** A kubeconfig that must exist (run, explain, tests); the error is thrown as its message. */
export async function loadKubeConfig(path: string | undefined): Promise<KubeConfig> {
  const r = await findKubeConfig(path);
  if (!r.ok) throw new Error(r.error.message);
  if (r.value === undefined) throw new Error('no kubeconfig');
  return r.value;
}
