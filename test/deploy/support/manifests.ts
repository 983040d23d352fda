/**
 * Reading the deployment manifests: YAML files, overlays rendered by the real kustomize
 * (`kubectl kustomize`), and — for the tests that must not depend on kubectl — an overlay's
 * objects collected by following `resources:` only (patches and generators ignored; the kubectl
 * test checks that this gives the same RBAC as kustomize does).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MANIFESTS = join(ROOT, 'manifests');
export const OVERLAYS = ['builtin', 'crd', 'shadow', 'dry-run', 'prometheus-direct', 'servicemonitor'] as const;
export type OverlayName = (typeof OVERLAYS)[number];

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> } & Record<string, unknown>;
};

export const HAVE_KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** The documents of a YAML stream (empty documents dropped). */
export function parseYamlDocs(text: string, where: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${where}: ${d.errors[0].message}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}

export function readYaml(path: string): unknown[] {
  return parseYamlDocs(readFileSync(path, 'utf8'), relative(ROOT, path));
}

/** Every .yaml/.yml file below `dir`. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out.sort();
}

export function isKubeObject(v: unknown): v is KubeObject {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata === 'object';
}

/** `kubectl kustomize <dir>` → objects (throws with kubectl's stderr when it fails). */
export function kustomize(dir: string): KubeObject[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${relative(ROOT, dir)} failed: ${r.stderr}`);
  return parseYamlDocs(r.stdout, `kustomize ${relative(ROOT, dir)}`).filter(isKubeObject);
}

export function renderOverlay(name: OverlayName): KubeObject[] {
  return kustomize(join(MANIFESTS, 'overlays', name));
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
]);

/**
 * The objects of a kustomization reached through `resources:` (files and directories, also
 * through `components:`), with its `namespace:` applied to namespaced objects. Enough for the
 * RBAC objects, which no overlay patches.
 */
export function resourcesOf(dir: string): KubeObject[] {
  const k = readYaml(join(dir, 'kustomization.yaml'))[0] as {
    resources?: string[];
    components?: string[];
    namespace?: string;
  };
  const out: KubeObject[] = [];
  for (const r of [...(k.resources ?? []), ...(k.components ?? [])]) {
    const p = join(dir, r);
    if (statSync(p).isDirectory()) out.push(...resourcesOf(p));
    else out.push(...readYaml(p).filter(isKubeObject));
  }
  if (k.namespace !== undefined) {
    for (const o of out) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  return out;
}

export function overlayResources(name: OverlayName): KubeObject[] {
  return resourcesOf(join(MANIFESTS, 'overlays', name));
}

type EnvEntry = { name: string; value?: string };

function deploymentEnv(dep: KubeObject | undefined): EnvEntry[] {
  const spec = (dep?.spec as { template?: { spec?: { containers?: { env?: EnvEntry[] }[] } } } | undefined)?.template
    ?.spec;
  return spec?.containers?.[0]?.env ?? [];
}

/**
 * The controller's variables with a value (HPA_TS_*, NODE_OPTIONS) in an overlay, without
 * kustomize: the base Deployment's, merged by name with the `env` of the strategic-merge patch
 * files the overlays list (`patches: - path: …`), as kustomize merges them. The kubectl test
 * checks the result against the rendered Deployment.
 */
export function overlayEnv(name: OverlayName): Record<string, string> {
  const collect = (dir: string, into: Record<string, string>): void => {
    const k = readYaml(join(dir, 'kustomization.yaml'))[0] as { resources?: string[]; patches?: { path?: string }[] };
    for (const r of k.resources ?? []) {
      const p = join(dir, r);
      if (statSync(p).isDirectory()) collect(p, into);
      else
        for (const e of deploymentEnv(
          readYaml(p)
            .filter(isKubeObject)
            .find((o) => o.kind === 'Deployment'),
        ))
          if (e.value !== undefined) into[e.name] = e.value;
    }
    for (const patch of k.patches ?? []) {
      if (patch.path === undefined) continue;
      const dep = readYaml(join(dir, patch.path)).filter(isKubeObject)[0];
      for (const e of deploymentEnv(dep)) if (e.value !== undefined) into[e.name] = e.value;
    }
  };
  const env: Record<string, string> = {};
  collect(join(MANIFESTS, 'overlays', name), env);
  return env;
}

/** The `hpa-ts run` flags an overlay sets, by attribute name (`HPA_TS_PROMETHEUS_URL` → `prometheusUrl`). */
export function overlayFlags(name: OverlayName): Record<string, string> {
  return flagsOfEnv(overlayEnv(name));
}

/** HPA_TS_* variables → flag attribute names, as commander reads them. */
export function flagsOfEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('HPA_TS_')) continue;
    out[
      k
        .slice(7)
        .toLowerCase()
        .replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
    ] = v;
  }
  return out;
}

/** The container's variables with a value, of a rendered Deployment. */
export function containerEnv(deployment: KubeObject): Record<string, string> {
  return Object.fromEntries(
    deploymentEnv(deployment)
      .filter((e) => e.value !== undefined)
      .map((e) => [e.name, e.value as string]),
  );
}

export function containerArgs(deployment: KubeObject): string[] {
  const spec = (deployment.spec as { template: { spec: { containers: { args?: string[] }[] } } }).template.spec;
  return [...(spec.containers[0].args ?? [])];
}

/** The overlay's Deployment. */
export function deploymentOf(objects: readonly KubeObject[]): KubeObject {
  const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'hpa-ts');
  if (d === undefined) throw new Error('no Deployment hpa-ts');
  return d;
}

export function relPath(p: string): string {
  return relative(ROOT, p);
}

export { dirname };
