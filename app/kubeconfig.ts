/**
 * The one way a command finds its cluster: --kubeconfig, else $KUBECONFIG, ~/.kube/config or the
 * in-cluster service account (client-node's loadFromDefault). Every error names where the
 * kubeconfig came from. Loads @kubernetes/client-node lazily.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
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

/** A kubeconfig and where it came from: its file(s), or the in-cluster service account. */
export interface FoundKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly source: string;
}

/** Where client-node's loadFromDefault (or --kubeconfig) reads the kubeconfig from, as errors name it. */
export function kubeConfigSource(path: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (path !== undefined) return path;
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (list.length > 0) return list.join(delimiter);
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return home;
  return '(in-cluster service account)';
}

/** The kubeconfig a command would use; `undefined` only when none exists and none is required. */
export async function findKubeConfig(
  path: string | undefined,
  opts: FindKubeConfigOptions = {},
): Promise<Result<KubeConfig | undefined, KubeConfigError>> {
  const r = await findKubeConfigWithSource(path, opts);
  return r.ok ? ok(r.value?.kubeConfig) : r;
}

/** findKubeConfig with the source errors should name (buildController's `source`). */
export async function findKubeConfigWithSource(
  path: string | undefined,
  opts: FindKubeConfigOptions = {},
): Promise<Result<FoundKubeConfig | undefined, KubeConfigError>> {
  const env = opts.env ?? process.env;
  const required = opts.required ?? true;
  const nothingThere =
    path === undefined &&
    env.KUBECONFIG === undefined &&
    env.KUBERNETES_SERVICE_HOST === undefined &&
    !existsSync(join(homedir(), '.kube', 'config'));
  if (nothingThere && !required) return ok(undefined);
  const source = kubeConfigSource(path, env);
  const withPath = path === undefined ? {} : { path };
  const { KubeConfig: Kc } = await import('@kubernetes/client-node');
  const kc = new Kc();
  try {
    if (path !== undefined) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (e) {
    // a YAML error carries a code frame over several lines; its first line has the position
    const first = describeThrown(e).split('\n')[0];
    return err({ code: 'KubeConfigUnreadable', ...withPath, message: `kubeconfig ${source}: ${first}` });
  }
  if (kc.getCurrentCluster() === null)
    return err({
      code: 'NoCluster',
      ...withPath,
      message: `kubeconfig ${source}: no cluster in the current context (set --kubeconfig or KUBECONFIG, or run in a pod)`,
    });
  return ok({ kubeConfig: kc, source });
}

/** A kubeconfig that must exist (run, explain, tests); the error is thrown as its message. */
export async function loadKubeConfig(path: string | undefined): Promise<KubeConfig> {
  return (await loadKubeConfigWithSource(path)).kubeConfig;
}

/** loadKubeConfig with where it came from. */
export async function loadKubeConfigWithSource(path: string | undefined): Promise<FoundKubeConfig> {
  const r = await findKubeConfigWithSource(path);
  if (!r.ok) throw new Error(r.error.message);
  if (r.value === undefined) throw new Error('no kubeconfig');
  return r.value;
}
