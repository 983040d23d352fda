/**
 * The Helm chart (charts/hpa-ts) against the kustomize overlays: `helm lint`, and `helm template`
 * of every mode gives the overlay's objects — RBAC rules included, so the two cannot drift — once
 * Helm's own labels, the Namespace (Helm's --create-namespace makes it) and kustomize's ConfigMap
 * hash are set aside; values.schema.json refuses wrong values with a message naming the value;
 * files/ holds byte copies of the CRD, the seed rules and the monitoring files. Needs helm
 * (test/e2e/stack/helm.sh) and kubectl; the e2e suite installs the chart on a real API server.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagsOf } from '../../app/flags/values.js';
import {
  HAVE_KUBECTL,
  MANIFESTS,
  OVERLAYS,
  ROOT,
  isKubeObject,
  parseYamlDocs,
  renderOverlay,
  type KubeObject,
  type OverlayName,
} from './support/manifests.js';
import { HELM, needsTool } from './support/tools.js';
import { validateObject } from './support/validate.js';

const CHART = join(ROOT, 'charts', 'hpa-ts');
const helm = needsTool('helm', HELM, 'run test/e2e/stack/helm.sh (builds it from helm.sh/helm/v4 into the cache)');

/** The values that make the chart deploy what each overlay deploys. */
const VALUES_OF: Readonly<Record<OverlayName, readonly string[]>> = {
  builtin: [],
  crd: ['mode=crd'],
  shadow: ['mode=shadow'],
  'dry-run': ['mode=dry-run'],
  'prometheus-direct': ['metrics.client=prometheus'],
  servicemonitor: ['serviceMonitor.enabled=true'],
};

function runHelm(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(HELM ?? 'helm', args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template hpa-ts charts/hpa-ts -n hpa-ts --set …` → objects (throws with helm's message). */
export function template(sets: readonly string[], release = 'hpa-ts'): KubeObject[] {
  const r = runHelm(['template', release, CHART, '-n', 'hpa-ts', ...sets.flatMap((s) => ['--set', s])]);
  if (r.code !== 0) throw new Error(`helm template ${sets.join(' ')}: ${r.stderr}`);
  return parseYamlDocs(r.stdout, 'helm template').filter(isKubeObject);
}

const HELM_LABELS = [
  'helm.sh/chart',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
];

/** What differs by construction between the two tools, set aside (everything else must be equal). */
function normalize(o: KubeObject): KubeObject {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x !== 'object' || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      let value = v;
      if (['labels', 'matchLabels', 'selector'].includes(k) && typeof v === 'object' && v !== null && !Array.isArray(v))
        value = Object.fromEntries(Object.entries(v).filter(([l]) => !HELM_LABELS.includes(l)));
      if (k === 'annotations' && typeof v === 'object' && v !== null) {
        value = Object.fromEntries(Object.entries(v).filter(([a]) => !a.startsWith('checksum/')));
        if (Object.keys(value as object).length === 0) continue;
      }
      if (k === 'env' && Array.isArray(v))
        value = [...(v as { name: string }[])].sort((a, b) => a.name.localeCompare(b.name));
      out[k] = walk(value);
    }
    return out;
  };
  // kustomize's generated ConfigMap carries a content hash in its name; the chart rolls the pods with a checksum
  return JSON.parse(JSON.stringify(walk(o)).replace(/hpa-ts-adapter-rules-[a-z0-9]{10}/g, 'hpa-ts-adapter-rules'));
}

function byKey(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(
    objects
      .filter((o) => o.kind !== 'Namespace')
      .map((o) => normalize(o))
      .map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o] as const),
  );
}

const describeHelm = helm.run ? describe : describe.skip;

describe('the chart needs helm', () => {
  it('is there, or this is not CI (CI builds it before npm test)', () => {
    expect(process.env.CI === 'true' ? helm.missing : '').toBe('');
  });
});

describeHelm('helm lint', () => {
  it.each(Object.entries(VALUES_OF))('passes --strict for the values of %s', (_overlay, sets) => {
    const r = runHelm(['lint', '--strict', CHART, ...sets.flatMap((s) => ['--set', s])]);
    expect([r.code, r.stdout.split('\n').filter((l) => /\[(ERROR|WARNING)\]/.test(l))]).toEqual([0, []]);
  });
});

(helm.run && HAVE_KUBECTL ? describe : describe.skip)('helm template against the overlays (kubectl kustomize)', () => {
  const rendered = new Map<OverlayName, { chart: Map<string, KubeObject>; overlay: Map<string, KubeObject> }>();
  beforeAll(() => {
    for (const o of OVERLAYS)
      rendered.set(o, { chart: byKey(template(VALUES_OF[o])), overlay: byKey(renderOverlay(o)) });
  });

  it.each(OVERLAYS.map((o) => [o, VALUES_OF[o].join(' ') || '(defaults)']))(
    '%s: the chart with %s renders the same objects, RBAC rules included',
    (overlay) => {
      const { chart, overlay: mine } = rendered.get(overlay as OverlayName) ?? { chart: new Map(), overlay: new Map() };
      expect([...chart.keys()].sort()).toEqual([...mine.keys()].sort());
      for (const [key, o] of mine) expect([key, chart.get(key)]).toEqual([key, o]);
    },
  );

  it('renders objects that are all valid in every mode, with every option on', () => {
    const all = template([
      'mode=crd',
      'metrics.client=prometheus',
      'serviceMonitor.enabled=true',
      'grafanaDashboard.enabled=true',
      'secureServing.certSecret=hpa-ts-tls',
      'metrics.prometheus.tls.caSecret.name=prometheus-ca',
      'metrics.prometheus.tls.clientCertSecret=prometheus-client',
      'metrics.prometheus.tokenSecret.name=prometheus-token',
    ]);
    for (const o of all)
      expect([`${o.kind}/${o.metadata.name}`, validateObject(o)]).toEqual([`${o.kind}/${o.metadata.name}`, []]);
    const env = (
      all.find((o) => o.kind === 'Deployment')?.spec as {
        template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
      }
    ).template.spec.containers[0].env;
    expect(Object.fromEntries(env.map((e) => [e.name, e.value]))).toMatchObject({
      HPA_TS_TLS_CERT_FILE: '/etc/hpa-ts/serving/tls.crt',
      HPA_TS_PROMETHEUS_CA_FILE: '/etc/hpa-ts/prometheus-ca/ca.crt',
      HPA_TS_PROMETHEUS_CLIENT_CERT_FILE: '/etc/hpa-ts/prometheus-client/tls.crt',
      HPA_TS_PROMETHEUS_TOKEN_FILE: '/etc/hpa-ts/prometheus-token/token',
    });
  });
});

describeHelm('the chart’s values', () => {
  it('set any other flag of hpa-ts run by name, as its variable', () => {
    const dep = template([
      'flags.horizontal-pod-autoscaler-sync-period=30s',
      'flags.log-level=debug',
      'replicas=3',
    ]).find((o) => o.kind === 'Deployment') as KubeObject & {
      spec: { replicas: number; template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'HPA_TS_HORIZONTAL_POD_AUTOSCALER_SYNC_PERIOD', value: '30s' },
        { name: 'HPA_TS_LOG_LEVEL', value: 'debug' },
      ]),
    );
  });

  it.each([
    ['mode=scale-everything', "at '/mode': value must be one of 'builtin', 'crd', 'shadow', 'dry-run'"],
    ['metrics.client=graphite', "at '/metrics/client': value must be one of 'apiserver', 'prometheus'"],
    ['replicas=-1', "at '/replicas': minimum: got -1, want 0"],
    ['flags.shadow=true', "at '/flags': additional properties 'shadow' not allowed"],
    [
      'flags.horizontal-pod-autoscaler-sync-perod=1s',
      "additional properties 'horizontal-pod-autoscaler-sync-perod' not allowed",
    ],
    ['image.digest=abc', "at '/image/digest': 'abc' does not match pattern"],
    ['secureServing.port=0', "at '/secureServing/port': minimum: got 0, want 1"],
    [
      'metrics.prometheus.url=prometheus:9090',
      "at '/metrics/prometheus/url': 'prometheus:9090' does not match pattern",
    ],
    ['leaderElection.enabled=maybe', "at '/leaderElection/enabled': got string, want boolean"],
    ['shards=4', "at '': additional properties 'shards' not allowed"],
  ])('refuses %s at install, naming the value', (set, message) => {
    const r = runHelm(['template', 'hpa-ts', CHART, '--set', set]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("values don't meet the specifications of the schema(s)");
    expect(r.stderr).toContain(message);
  });
});

describe('values.schema.json and files/ (no helm needed)', () => {
  const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as {
    properties: { flags: { properties: Record<string, unknown> } };
  };
  const deploymentTemplate = readFileSync(join(CHART, 'templates', 'deployment.yaml'), 'utf8');
  /** flags the chart sets from its own values (or, for these two, cannot use in a pod) */
  const NOT_IN_POD = ['kubeconfig', 'static-file'];

  it('lets `flags` set every flag of hpa-ts run but those the chart sets from its own values', () => {
    const free = Object.keys(schema.properties.flags.properties);
    const run = flagsOf('run').map((f) => f.name);
    const managed = run.filter((f) => !free.includes(f));
    expect(free.filter((f) => !run.includes(f))).toEqual([]);
    for (const f of managed.filter((x) => !NOT_IN_POD.includes(x))) {
      const variable = `HPA_TS_${f.replace(/-/g, '_').toUpperCase()}`;
      expect([f, deploymentTemplate.includes(`name: ${variable}`)]).toEqual([f, true]);
    }
  });

  it.each([
    ['files/crd.yaml', 'manifests/crd/horizontalpodautoscalers.autoscaling.hpa-ts.io.yaml'],
    ['files/adapter-rules.yaml', 'manifests/examples/seed-000/adapter/adapter-rules.yaml'],
    ['files/hpa-ts-alerts.yaml', 'manifests/monitoring/hpa-ts-alerts.yaml'],
    ['files/hpa-ts-dashboard.json', 'manifests/monitoring/hpa-ts-dashboard.json'],
  ])('%s is %s byte for byte (refresh: cp the source over it)', (copy, source) => {
    expect(readFileSync(join(CHART, copy), 'utf8')).toBe(readFileSync(join(MANIFESTS, '..', source), 'utf8'));
  });
});

describeHelm('the monitoring objects of the chart', () => {
  it('wrap the alert rules and the dashboard of manifests/monitoring unchanged', () => {
    const objects = template(['prometheusRule.enabled=true', 'grafanaDashboard.enabled=true']);
    const rule = objects.find((o) => o.kind === 'PrometheusRule') as KubeObject & { spec: unknown };
    expect(rule.spec).toEqual(
      parseYamlDocs(readFileSync(join(MANIFESTS, 'monitoring', 'hpa-ts-alerts.yaml'), 'utf8'), 'alerts')[0],
    );
    const dashboard = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'hpa-ts-dashboard',
    ) as KubeObject & {
      data: Record<string, string>;
    };
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(dashboard.data['hpa-ts.json'])).toEqual(
      JSON.parse(readFileSync(join(MANIFESTS, 'monitoring', 'hpa-ts-dashboard.json'), 'utf8')),
    );
  });
});
