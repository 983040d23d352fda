/**
 * RBAC for real: renders a manifests/ overlay with kubectl kustomize, applies its Namespace,
 * ServiceAccount, ClusterRoles, Roles, bindings and CRDs (not the Deployment — hpa-ts runs on the
 * bed's host), then gets a token for the ServiceAccount through the TokenRequest API and writes a
 * kubeconfig with it. hpa-ts then runs with exactly the permissions the overlay grants.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube.js';
import { REPO_ROOT } from './hpa-ts.js';
import type { Stack } from './stack.js';

const APPLIED_KINDS: Readonly<Record<string, (o: KubeObject) => string>> = {
  Namespace: () => '/api/v1/namespaces',
  ServiceAccount: (o) => `/api/v1/namespaces/${o.metadata.namespace}/serviceaccounts`,
  ClusterRole: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  Role: (o) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${o.metadata.namespace}/roles`,
  RoleBinding: (o) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${o.metadata.namespace}/rolebindings`,
  CustomResourceDefinition: () => '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
};

export interface OverlayIdentity {
  readonly overlay: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly kubeconfig: string;
  /** container args of the overlay's Deployment (the mode flags it runs hpa-ts with) */
  readonly deploymentArgs: readonly string[];
  readonly applied: readonly string[];
}

export function overlayDir(overlay: string): string {
  return join(REPO_ROOT, 'manifests', 'overlays', overlay);
}

export function overlayExists(overlay: string): boolean {
  return existsSync(join(overlayDir(overlay), 'kustomization.yaml'));
}

export async function renderOverlay(stack: Stack, overlay: string): Promise<KubeObject[]> {
  const text = await stack.kubectl(['kustomize', overlayDir(overlay)]);
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

/** Applies the overlay's RBAC (+ CRDs) and returns a kubeconfig for its ServiceAccount. */
export async function installOverlayIdentity(stack: Stack, overlay: string): Promise<OverlayIdentity> {
  const objects = await renderOverlay(stack, overlay);
  const applied: string[] = [];
  // namespaces first, CRDs and roles before bindings
  const order = [
    'Namespace',
    'CustomResourceDefinition',
    'ServiceAccount',
    'ClusterRole',
    'Role',
    'ClusterRoleBinding',
    'RoleBinding',
  ];
  for (const kind of order) {
    for (const o of objects.filter((x) => x.kind === kind)) {
      await stack.kube.apply(APPLIED_KINDS[kind](o), o);
      applied.push(`${kind}/${o.metadata.namespace !== undefined ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    }
  }
  const sa = objects.find((o) => o.kind === 'ServiceAccount');
  if (sa === undefined || sa.metadata.namespace === undefined)
    throw new Error(`overlay ${overlay}: no namespaced ServiceAccount`);
  const dep = objects.find((o) => o.kind === 'Deployment');
  const containers = (dep?.spec?.template?.spec?.containers ?? []) as { args?: string[] }[];
  const token = await stack.kube.create<{ status: { token: string } }>(
    `/api/v1/namespaces/${sa.metadata.namespace}/serviceaccounts/${sa.metadata.name}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 7200 } },
  );
  const kubeconfig = stack.writeKubeconfig(
    `sa-${overlay}`,
    `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`,
    token.status.token,
  );
  return {
    overlay,
    namespace: sa.metadata.namespace,
    serviceAccount: sa.metadata.name,
    kubeconfig,
    deploymentArgs: containers[0]?.args ?? [],
    applied,
  };
}

/** Waits until a CRD is Established (its API is served). */
export async function waitCrdEstablished(stack: Stack, name: string): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const crd = await stack.kube.getOrUndefined(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const conds = (crd?.status?.conditions ?? []) as { type: string; status: string }[];
    if (conds.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() - t0 > 30_000) throw new Error(`CRD ${name} not Established`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
