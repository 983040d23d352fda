/**
 * The deployment manifests (manifests/, examples/ aside): every file and every rendered overlay is
 * valid for the Kubernetes schemas, offline (support/validate.ts); the Deployment carries the
 * hardening and wiring docs/deploy.md promises; each overlay configures the mode it is named after.
 * Rendering needs kubectl (`kubectl kustomize`); those tests are skipped, saying so, without it.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { registerRunCommand } from '../../app/run-command.js';
import { envName } from '../../app/flags/values.js';
import { loadAdapterConfig } from '../../metrics-clients/index.js';
import {
  HAVE_KUBECTL,
  MANIFESTS,
  OVERLAYS,
  ROOT,
  containerArgs,
  containerEnv,
  deploymentOf,
  isKubeObject,
  kustomize,
  overlayEnv,
  overlayFlags,
  readYaml,
  relPath,
  renderOverlay,
  resourcesOf,
  yamlFiles,
  type KubeObject,
} from './support/manifests.js';
import { validateObject } from './support/validate.js';

if (!HAVE_KUBECTL)
  console.warn('kubectl is not on PATH: skipping the tests that render overlays with `kubectl kustomize`');
const describeKubectl = HAVE_KUBECTL ? describe : describe.skip;

type Obj = Record<string, unknown>;

const ownFiles = yamlFiles(MANIFESTS).filter((f) => !relPath(f).startsWith('manifests/examples/'));
const base = resourcesOf(join(MANIFESTS, 'base'));
const deployment = deploymentOf(base);
const podSpec = (deployment.spec as { template: { spec: Obj & { containers: Obj[] } } }).template.spec;
const container = podSpec.containers[0] as Obj & {
  args: string[];
  env: Obj[];
  ports: Obj[];
  securityContext: Obj;
  resources: Obj;
};
const podLabels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata
  .labels;

/** The HPA_TS_* variables `hpa-ts run` reads (one per flag). */
function runVariables(): Set<string> {
  const program = new Command();
  registerRunCommand(program as never);
  const run = program.commands.find((c) => c.name() === 'run');
  return new Set((run?.options ?? []).map((o) => envName(o.long ?? '')));
}

const env = containerEnv(deployment);

describe('every YAML file of manifests/ (examples/ aside)', () => {
  it.each(ownFiles.map((f) => [relPath(f)]))(
    '%s is a kustomization, a patch, adapter or alert rules, or valid Kubernetes objects',
    (file) => {
      const path = join(MANIFESTS, '..', file);
      const docs = readYaml(path);
      expect(docs.length).toBeGreaterThan(0);
      if (/kustomization\.yaml$/.test(file)) {
        expect((docs[0] as Obj).kind).toMatch(/^(Kustomization|Component)$/);
        return;
      }
      if (/-patch\.yaml$/.test(file)) {
        // a strategic-merge patch of the controller's container (the rendered overlays are validated below)
        const patch = docs[0] as KubeObject & { spec: { template: { spec: { containers: { name: string }[] } } } };
        expect([patch.kind, patch.metadata.name]).toEqual(['Deployment', 'hpa-ts']);
        expect(patch.spec.template.spec.containers.map((c) => c.name)).toEqual(['controller']);
        return;
      }
      if (file.startsWith('manifests/monitoring/')) {
        // a Prometheus rule file, or its promtool unit tests (monitoring.test.ts runs promtool on both)
        const doc = docs[0] as Obj;
        expect(Array.isArray(doc.groups) || (Array.isArray(doc.rule_files) && Array.isArray(doc.tests))).toBe(true);
        return;
      }
      if (/adapter-rules\.yaml$/.test(file)) {
        const loaded = loadAdapterConfig(path);
        expect(loaded.ok ? 'ok' : loaded.error).toBe('ok');
        return;
      }
      for (const doc of docs) {
        expect(isKubeObject(doc)).toBe(true);
        expect(validateObject(doc as KubeObject)).toEqual([]);
      }
    },
  );

  it('are caught when invalid (the validators work): a misspelt field, a wrong type, a bad enum', () => {
    const bad = structuredClone(deployment) as KubeObject;
    const c = (bad.spec as { template: { spec: { containers: Obj[] } } }).template.spec.containers[0];
    (c.securityContext as Obj).readOnlyRootFileSystem = true;
    expect(validateObject(bad)).toEqual([
      'unknown field Deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem',
    ]);
    (bad.spec as Obj).replicas = 'two';
    expect(validateObject(bad).join('\n')).toMatch(/replicas/);
    const monitor = readYaml(join(MANIFESTS, 'components', 'servicemonitor', 'servicemonitor.yaml'))[0] as KubeObject;
    (monitor.spec as { endpoints: Obj[] }).endpoints[0].scheme = 'HTTP';
    expect(validateObject(monitor)).toEqual([
      'spec.endpoints[0].scheme: Unsupported value: "HTTP": supported values: "http", "https"',
    ]);
  });
});

describe('the controller Deployment (base)', () => {
  it('runs 2 replicas with leader election on its own Lease', () => {
    expect((deployment.spec as Obj).replicas).toBe(2);
    expect(container.args).toEqual(['run']);
    expect(env).toMatchObject({ HPA_TS_LEADER_ELECT: 'true', HPA_TS_LEADER_ELECT_RESOURCE_NAME: 'hpa-ts' });
    const role = base.find((o) => o.kind === 'Role') as KubeObject & { rules: { resourceNames?: string[] }[] };
    expect(role.rules.flatMap((r) => r.resourceNames ?? [])).toEqual(['hpa-ts']);
    expect(role.metadata.namespace).toBe(deployment.metadata.namespace);
  });

  it('passes only flags that `hpa-ts run` has, each as its HPA_TS_* variable (changed by name, never by position)', () => {
    const variables = runVariables();
    for (const overlay of OVERLAYS) {
      const own = Object.keys(overlayEnv(overlay)).filter((k) => k.startsWith('HPA_TS_'));
      expect(own.length).toBeGreaterThan(4);
      for (const k of own) expect([overlay, k, variables.has(k)]).toEqual([overlay, k, true]);
    }
  });

  it('gets POD_NAMESPACE from the downward API (the Lease namespace)', () => {
    expect(container.env).toContainEqual({
      name: 'POD_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
  });

  it('probes /healthz (liveness) and /readyz (readiness) over HTTPS on the secure port; the plain port stays on loopback', () => {
    expect(container.ports).toEqual([{ name: 'https', containerPort: 10257, protocol: 'TCP' }]);
    expect(env).toMatchObject({ HPA_TS_SECURE_PORT: '10257', HPA_TS_BIND_ADDRESS: '127.0.0.1:8080' });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' } });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' } });
  });

  it('may review tokens and access (system:auth-delegator); the role a scraper needs is there, bound to nobody', () => {
    const delegation = base.find(
      (o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'hpa-ts-auth-delegator',
    ) as (KubeObject & { roleRef: Obj; subjects: Obj[] }) | undefined;
    expect(delegation?.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:auth-delegator',
    });
    expect(delegation?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'hpa-ts', namespace: 'hpa-ts' }]);
    const reader = base.find((o) => o.metadata.name === 'hpa-ts-metrics-reader') as KubeObject & { rules: Obj[] };
    expect(reader.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    expect(base.some((o) => (o.roleRef as Obj | undefined)?.name === 'hpa-ts-metrics-reader')).toBe(false);
  });

  it('sets requests and limits', () => {
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
  });

  it('is hardened: non-root, read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    expect(podSpec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const ns = base.find((o) => o.kind === 'Namespace') as KubeObject;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('spreads its replicas over nodes and zones', () => {
    const spread = podSpec.topologySpreadConstraints as { topologyKey: string; labelSelector: { matchLabels: Obj } }[];
    expect(spread.map((s) => s.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const s of spread) expect(s.labelSelector.matchLabels).toEqual(podLabels);
  });

  it('uses the placeholder image (build and push your own) and the hpa-ts ServiceAccount', () => {
    expect(container.image).toBe('ghcr.io/hpa-ts/hpa-ts:0.1.0');
    expect(podSpec.serviceAccountName).toBe('hpa-ts');
    expect(base.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'hpa-ts')).toBe(true);
  });

  it('is selected by the Service (port https-metrics) and the PodDisruptionBudget (minAvailable 1)', () => {
    const svc = base.find((o) => o.kind === 'Service') as KubeObject & { spec: { selector: Obj; ports: Obj[] } };
    expect(svc.spec.selector).toEqual(podLabels);
    expect(svc.spec.ports).toEqual([{ name: 'https-metrics', port: 10257, targetPort: 'https', protocol: 'TCP' }]);
    const pdb = base.find((o) => o.kind === 'PodDisruptionBudget') as KubeObject & {
      spec: { minAvailable: number; selector: { matchLabels: Obj } };
    };
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: podLabels } });
  });

  it('is scraped by the optional ServiceMonitor through that Service', () => {
    const monitor = readYaml(
      join(MANIFESTS, 'components', 'servicemonitor', 'servicemonitor.yaml'),
    )[0] as KubeObject & { spec: { selector: { matchLabels: Obj }; endpoints: Obj[] } };
    const svc = base.find((o) => o.kind === 'Service') as KubeObject;
    expect(monitor.spec.selector.matchLabels).toEqual(svc.metadata.labels);
    expect(monitor.spec.endpoints).toEqual([
      expect.objectContaining({
        port: 'https-metrics',
        path: '/metrics',
        scheme: 'https',
        bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      }),
    ]);
  });
});

describe('the overlays', () => {
  const modeFlags = (overlay: (typeof OVERLAYS)[number]): Record<string, string> =>
    Object.fromEntries(
      Object.entries(overlayFlags(overlay)).filter(([k]) => /^(hpaSource|shadow|dryRun|metricsClient)$/.test(k)),
    );

  it('each configure the mode they are named after', () => {
    expect(modeFlags('builtin')).toEqual({ hpaSource: 'builtin' });
    expect(modeFlags('crd')).toEqual({ hpaSource: 'crd' });
    expect(modeFlags('shadow')).toEqual({ hpaSource: 'builtin', shadow: 'true' });
    expect(modeFlags('dry-run')).toEqual({ hpaSource: 'builtin', dryRun: 'true' });
    expect(modeFlags('prometheus-direct')).toEqual({ hpaSource: 'builtin', metricsClient: 'prometheus' });
    expect(modeFlags('servicemonitor')).toEqual({ hpaSource: 'builtin' });
  });

  it('keep the positions the RBAC patch example of docs/deploy.md relies on (*/scale at rules/2, or rules/1 in shadow and dry-run)', () => {
    for (const overlay of ['builtin', 'crd', 'prometheus-direct', 'shadow', 'dry-run'] as const) {
      const role = readYaml(join(MANIFESTS, 'overlays', overlay, 'clusterrole.yaml'))[0] as {
        rules: { resources: string[] }[];
      };
      const index = overlay === 'shadow' || overlay === 'dry-run' ? 1 : 2;
      expect([overlay, role.rules[index].resources]).toEqual([overlay, ['*/scale']]);
    }
  });

  it('prometheus-direct mounts the seed-000 adapter rules (a verbatim copy: kustomize cannot load examples/ in place)', () => {
    const copy = readFileSync(join(MANIFESTS, 'overlays', 'prometheus-direct', 'adapter-rules.yaml'), 'utf8');
    expect(copy).toBe(readFileSync(join(MANIFESTS, 'examples', 'seed-000', 'adapter', 'adapter-rules.yaml'), 'utf8'));
    expect(overlayEnv('prometheus-direct')).toMatchObject({
      HPA_TS_ADAPTER_CONFIG: '/etc/hpa-ts/adapter/adapter-rules.yaml',
    });
  });
});

describeKubectl('the overlays rendered by kustomize (kubectl kustomize)', () => {
  const rendered = new Map<(typeof OVERLAYS)[number], KubeObject[]>();
  beforeAll(() => {
    for (const o of OVERLAYS) rendered.set(o, renderOverlay(o));
  });

  it.each(OVERLAYS.map((o) => [o]))('%s renders objects that are all valid', (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    expect(objects.length).toBeGreaterThanOrEqual(9);
    for (const o of objects)
      expect([`${o.kind}/${o.metadata.name}`, validateObject(o)]).toEqual([`${o.kind}/${o.metadata.name}`, []]);
    for (const o of objects.filter(
      (x) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition'].includes(x.kind),
    ))
      expect([o.kind, o.metadata.namespace]).toEqual([o.kind, 'hpa-ts']);
  });

  it.each(OVERLAYS.map((o) => [o]))(
    '%s: the RBAC and args the tests read from files are what kustomize renders',
    (overlay) => {
      const objects = rendered.get(overlay) ?? [];
      const rbac = (list: readonly KubeObject[]): KubeObject[] =>
        list
          .filter((o) => /^(Cluster)?Role(Binding)?$/.test(o.kind))
          .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
      expect(rbac(objects)).toEqual(rbac(resourcesOf(join(MANIFESTS, 'overlays', overlay))));
      expect(containerArgs(deploymentOf(objects))).toEqual(['run']);
      expect(containerEnv(deploymentOf(objects))).toEqual(overlayEnv(overlay));
    },
  );

  it('prometheus-direct mounts its generated ConfigMap read-only where --adapter-config points', () => {
    const objects = rendered.get('prometheus-direct') ?? [];
    const cm = objects.find((o) => o.kind === 'ConfigMap') as KubeObject & { data: Record<string, string> };
    expect(cm.data['adapter-rules.yaml']).toBe(
      readFileSync(join(MANIFESTS, 'examples', 'seed-000', 'adapter', 'adapter-rules.yaml'), 'utf8'),
    );
    const spec = (deploymentOf(objects).spec as { template: { spec: { volumes: Obj[]; containers: Obj[] } } }).template
      .spec;
    expect(spec.volumes).toEqual([{ name: 'adapter-rules', configMap: { name: cm.metadata.name } }]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'adapter-rules', mountPath: '/etc/hpa-ts/adapter', readOnly: true },
    ]);
  });

  it('are customised by name: the env patch of docs/deploy.md changes the Prometheus URL, and only it', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const example = /```yaml\n(# my-hpa-ts\/kustomization\.yaml\n[^`]*HPA_TS_PROMETHEUS_URL[^`]*)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-overlay-'));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      (example ?? '').replace(
        /^ {2}- \S+prometheus-direct\S*.*$/m,
        `  - ${relative(dir, join(MANIFESTS, 'overlays', 'prometheus-direct'))}`,
      ),
    );
    const mine = containerEnv(deploymentOf(kustomize(dir)));
    expect(mine).toEqual({
      ...overlayEnv('prometheus-direct'),
      HPA_TS_PROMETHEUS_URL: 'http://prometheus.observability.svc:9090',
    });
  });

  it('crd brings the CRD and no access to autoscaling/v2 HPAs; servicemonitor adds the ServiceMonitor', () => {
    expect(
      (rendered.get('crd') ?? []).filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name),
    ).toEqual(['horizontalpodautoscalers.autoscaling.hpa-ts.io']);
    const role = (rendered.get('crd') ?? []).find(
      (o) => o.kind === 'ClusterRole' && o.metadata.name === 'hpa-ts',
    ) as KubeObject & { rules: { apiGroups: string[] }[] };
    expect(role.rules.flatMap((r) => r.apiGroups)).not.toContain('autoscaling');
    expect((rendered.get('servicemonitor') ?? []).filter((o) => o.kind === 'ServiceMonitor')).toHaveLength(1);
    expect((rendered.get('builtin') ?? []).filter((o) => o.kind === 'ServiceMonitor')).toHaveLength(0);
  });
});
