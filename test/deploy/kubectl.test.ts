/**
 * The commands of docs/deploy.md with the real kubectl, against the simulator's API server: `kubectl apply
 * -k manifests/overlays/<name>` (and `kubectl kustomize … | kubectl apply -f -`) for every
 * overlay, then, in CRD mode, example HPAs with only their apiVersion changed, listed with
 * `kubectl get hpats`. The simulator reports v1.31.4, so the kubectl dispatcher runs a JSON-only
 * kubectl 1.31; it has no server-side dry-run, so these are plain applies, Namespace first (as
 * kustomize orders it). Skipped, saying so, when kubectl is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Resources, startApiServer, type ApiServerHandle, type KubeObject } from '../../simulator/apiserver/index.js';
import { customResourceType } from '../../simulator/apiserver/kinds/crd.js';
import { HAVE_KUBECTL, MANIFESTS, OVERLAYS, readYaml, type OverlayName } from './support/manifests.js';
import { SERVICE_MONITOR_CRD } from './support/servicemonitor-schema.js';

if (!HAVE_KUBECTL)
  console.warn('kubectl is not on PATH: skipping the tests that apply the overlays with the real kubectl');
const describeKubectl = HAVE_KUBECTL ? describe : describe.skip;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The simulator serves no rbac.authorization.k8s.io and no policy group. For these tests it gets
 * stand-ins: those kinds served like custom resources without a schema (their content is checked
 * offline against the Kubernetes schemas by manifests.test.ts). kubectl then maps and applies them
 * as it would on a real cluster.
 */
function serveRbacAndPolicy(server: ApiServerHandle): void {
  const kinds = [
    ['rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', 'Cluster'],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding', 'clusterrolebindings', 'Cluster'],
    ['rbac.authorization.k8s.io', 'Role', 'roles', 'Namespaced'],
    ['rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings', 'Namespaced'],
    ['policy', 'PodDisruptionBudget', 'poddisruptionbudgets', 'Namespaced'],
  ] as const;
  for (const [group, kind, plural, scope] of kinds) {
    const stand = customResourceType({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        scope,
        names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    } as unknown as KubeObject);
    if (stand === undefined) throw new Error(`cannot serve ${kind}`);
    // kubectl knows these kinds, so it re-applies them with strategic-merge patches
    server.store.registry.add({ ...stand, strategicMerge: true });
  }
}

class Sim {
  private constructor(
    readonly server: ApiServerHandle,
    readonly dir: string,
  ) {}

  static async start(): Promise<Sim> {
    const server = await startApiServer({ port: 0 });
    serveRbacAndPolicy(server);
    const dir = await mkdtemp(join(tmpdir(), 'hpa-ts-deploy-'));
    await server.writeKubeconfig(join(dir, 'kubeconfig'));
    return new Sim(server, dir);
  }

  /** kubectl with this cluster's kubeconfig and a fresh discovery cache. */
  kubectl(args: readonly string[], stdin?: string): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', join(this.dir, 'kubeconfig'), '--cache-dir', join(this.dir, 'cache'), ...args],
        { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 << 20 },
        (err, stdout, stderr) =>
          resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      );
      child.stdin?.end(stdin ?? '');
    });
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function kustomize(overlay: OverlayName): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['kustomize', join(MANIFESTS, 'overlays', overlay)],
      { encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : 1, stdout, stderr }),
    );
  });
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

describeKubectl('kubectl applies each overlay to the simulated API server', () => {
  const sims = new Map<OverlayName, Sim>();
  const applied = new Map<OverlayName, Run>();

  beforeAll(async () => {
    await Promise.all(
      OVERLAYS.map(async (overlay) => {
        const sim = await Sim.start();
        sims.set(overlay, sim);
        // prometheus-operator's CRD, which a cluster using the ServiceMonitor already has
        if (overlay === 'servicemonitor')
          sim.server.store.create(Resources.customResourceDefinitions, undefined, SERVICE_MONITOR_CRD);
        applied.set(overlay, await sim.kubectl(['apply', '-k', join(MANIFESTS, 'overlays', overlay)]));
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([...sims.values()].map((s) => s.close()));
  });

  it.each(OVERLAYS.map((o) => [o]))('kubectl apply -k manifests/overlays/%s creates every object', (overlay) => {
    const run = applied.get(overlay) as Run;
    expect([run.code, run.stderr]).toEqual([0, '']);
    const created = lines(run.stdout);
    expect(created[0]).toBe('namespace/hpa-ts created');
    expect(created).toEqual(
      expect.arrayContaining([
        'serviceaccount/hpa-ts created',
        'deployment.apps/hpa-ts created',
        'clusterrole.rbac.authorization.k8s.io/hpa-ts created',
      ]),
    );
    expect(created.every((l) => l.endsWith(' created'))).toBe(true);
    if (overlay === 'crd')
      expect(created).toContain(
        'customresourcedefinition.apiextensions.k8s.io/horizontalpodautoscalers.autoscaling.hpa-ts.io created',
      );
    if (overlay === 'servicemonitor') expect(created).toContain('servicemonitor.monitoring.coreos.com/hpa-ts created');
    const deployment = (sims.get(overlay) as Sim).server.store.get(
      Resources.deployments,
      'hpa-ts',
      'hpa-ts',
    ) as unknown as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(2);
  });

  it('kubectl kustomize … | kubectl apply -f - gives the same objects, unchanged', async () => {
    const sim = sims.get('builtin') as Sim;
    const rendered = await kustomize('builtin');
    expect(rendered.code).toBe(0);
    const again = await sim.kubectl(['apply', '-f', '-'], rendered.stdout);
    expect([again.code, again.stderr]).toEqual([0, '']);
    // kubectl 1.31 re-sends the PodDisruptionBudget's selector here (its built-in PDB type marks the
    // selector patchStrategy "replace"); the stand-in applies it as a no-op. Not compared with a
    // real API server. Everything else must be unchanged.
    expect(lines(again.stdout).filter((l) => !l.endsWith(' unchanged'))).toEqual(
      lines(again.stdout).some((l) => l.startsWith('poddisruptionbudget.policy/hpa-ts configured'))
        ? ['poddisruptionbudget.policy/hpa-ts configured']
        : [],
    );
    const pdb = sim.server.store.get(
      { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' },
      'hpa-ts',
      'hpa-ts',
    ) as unknown as { spec: unknown };
    expect(pdb.spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'hpa-ts', 'app.kubernetes.io/component': 'controller' } },
    });
  });

  describe('CRD mode', () => {
    const exampleAsCrd = (file: string): string => {
      const hpa = readYaml(join(MANIFESTS, 'examples', file))[0] as Record<string, unknown> & {
        metadata: Record<string, unknown>;
      };
      return stringify({
        ...hpa,
        apiVersion: 'autoscaling.hpa-ts.io/v1',
        metadata: { ...hpa.metadata, namespace: 'default' },
      });
    };

    it('takes an example HPA with only its apiVersion changed, and lists it like kubectl get hpa', async () => {
      const sim = sims.get('crd') as Sim;
      for (const file of [
        'seed-000/sample-httpserver-hpa.v2.yaml',
        'seed-002/hpa-myblog.v2.yaml',
        'seed-004/hpa-object.v2.yaml',
      ]) {
        const r = await sim.kubectl(['apply', '-f', '-'], exampleAsCrd(file));
        expect([r.code, r.stderr]).toEqual([0, '']);
        expect(r.stdout).toMatch(/^horizontalpodautoscaler\.autoscaling\.hpa-ts\.io\/\S+ created\n$/);
      }
      const get = await sim.kubectl(['get', 'hpats', '-n', 'default']);
      expect(get.code).toBe(0);
      const [header, ...rows] = lines(get.stdout);
      expect(header.split(/\s+/)).toEqual(['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
      expect(rows.map((r) => r.split(/\s+/).slice(0, 2))).toEqual([
        ['hpa-myblog', 'myblog'],
        ['sample-app', 'sample-app'],
        ['sample-httpserver', 'sample-httpserver'],
      ]);
      // the schema's defaults were applied, as the API server defaults a real HPA
      const stored = sim.server.store.get(
        { group: 'autoscaling.hpa-ts.io', version: 'v1', resource: 'horizontalpodautoscalers' },
        'default',
        'sample-httpserver',
      ) as unknown as {
        spec: { behavior: { scaleUp: { selectPolicy: string } } };
      };
      expect(stored.spec.behavior.scaleUp.selectPolicy).toBe('Max');
    });

    it("rejects an invalid one with the schema's message", async () => {
      const sim = sims.get('crd') as Sim;
      const bad = exampleAsCrd('seed-000/sample-httpserver-hpa.v2.yaml')
        .replace('periodSeconds: 5', 'periodSeconds: 1801')
        .replace('name: sample-httpserver\n', 'name: bad\n');
      const r = await sim.kubectl(['apply', '-f', '-'], bad);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 1801');
      expect(r.stderr).toContain('should be less than or equal to 1800');
    });
  });
});
