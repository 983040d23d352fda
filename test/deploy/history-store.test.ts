/**
 * --history-store=configmap in the deploy artefacts (docs/history-store.md): the kustomize
 * component manifests/components/history-store and the chart's `historyStore` value add the same
 * narrow RBAC and the same variable, and only when asked (and, in the chart, only in modes that write).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  HAVE_KUBECTL,
  MANIFESTS,
  ROOT,
  isKubeObject,
  kustomize,
  parseYamlDocs,
  renderOverlay,
  resourcesOf,
  type KubeObject,
} from './support/manifests.js';
import { authorize, describeRequest, rulesFor, type GrantedRule, type RequestAttributes } from './support/rbac.js';
import { HELM } from './support/tools.js';
import {
  HPAS,
  DEPLOYMENTS,
  cpuMetric,
  createReadyPod,
  deployment,
  hpa,
  startCtl,
  startSim,
  waitFor,
} from '../integration/controller/harness.js';

const CHART = join(ROOT, 'charts', 'hpa-ts');
const RULES = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
  { apiGroups: [''], resources: ['configmaps'], resourceNames: ['hpa-ts-history'], verbs: ['get', 'update'] },
];

function envOf(objects: readonly KubeObject[]): Record<string, string | undefined> {
  const d = objects.find((o) => o.kind === 'Deployment') as
    | (KubeObject & { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } })
    | undefined;
  return Object.fromEntries((d?.spec.template.spec.containers[0].env ?? []).map((e) => [e.name, e.value]));
}

function historyObjects(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.metadata.name.endsWith('history-store'));
}

function template(sets: readonly string[]): KubeObject[] {
  const args = ['template', 'hpa-ts', CHART, '-n', 'hpa-ts', ...sets.flatMap((s) => ['--set', s])];
  const r = spawnSync(HELM ?? 'helm', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`helm template ${sets.join(' ')}: ${r.stderr}`);
  return parseYamlDocs(r.stdout, 'helm template').filter(isKubeObject);
}

(HAVE_KUBECTL ? describe : describe.skip)('the history-store component (kubectl kustomize)', () => {
  it('adds the variable, get/update of hpa-ts-history and create of configmaps to an overlay, nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-history-'));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'resources:',
        `  - ${relative(dir, join(MANIFESTS, 'overlays', 'builtin'))}`,
        'components:',
        `  - ${relative(dir, join(MANIFESTS, 'components', 'history-store'))}`,
        '',
      ].join('\n'),
    );
    const mine = kustomize(dir);
    const builtin = renderOverlay('builtin');
    expect(envOf(mine)).toEqual({ ...envOf(builtin), HPA_TS_HISTORY_STORE: 'configmap' });
    const role = mine.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'hpa-ts-history-store');
    expect(role?.rules).toEqual(RULES);
    const binding = mine.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'hpa-ts-history-store');
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'hpa-ts', namespace: 'hpa-ts' }]);
    expect(mine.length).toBe(builtin.length + 2);
    expect(historyObjects(builtin)).toEqual([]);
  });
});

(HELM !== undefined ? describe : describe.skip)('the chart’s historyStore value', () => {
  it('configmap: the same rules as the component, bound to the chart’s ServiceAccount, and the variable', () => {
    const objects = template(['historyStore=configmap']);
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'hpa-ts-history-store');
    expect(role?.rules).toEqual(RULES);
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'hpa-ts-history-store');
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'hpa-ts', namespace: 'hpa-ts' }]);
    expect(envOf(objects).HPA_TS_HISTORY_STORE).toBe('configmap');
  });

  it.each([[[]], [['mode=dry-run', 'historyStore=configmap']], [['mode=shadow', 'historyStore=configmap']]])(
    'adds nothing by default or in a mode that writes nothing (%j)',
    (sets) => {
      const objects = template(sets);
      expect(historyObjects(objects)).toEqual([]);
      expect(envOf(objects).HPA_TS_HISTORY_STORE).toBeUndefined();
    },
  );
});

describe('the component’s RBAC, least privilege both ways', () => {
  it('allows every ConfigMap call of a controller that loads, creates, updates, restarts and loads again; grants no verb unused', async () => {
    const sim = await startSim();
    try {
      sim.server.store.create(DEPLOYMENTS, 'default', deployment('web', 2));
      for (let i = 0; i < 2; i++) {
        createReadyPod(sim, 'web', `web-${i}`);
        sim.cpu.set(`web-${i}`, 50);
      }
      sim.server.store.create(
        HPAS,
        'default',
        hpa('web', { metrics: [cpuMetric(50)], behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }),
      );
      const calls = (verb: string): number =>
        sim.server.requests.filter((r) => r.resource === 'configmaps' && r.verb === verb && r.status < 300).length;
      const a = await startCtl(sim, { historyStore: 'configmap' });
      await waitFor('a create and an update', () => calls('create') >= 1 && calls('update') >= 1);
      await a.stop();
      const b = await startCtl(sim, { historyStore: 'configmap' });
      await waitFor('read back', () => calls('get') >= 1);
      await b.stop();
      const grants = rulesFor(resourcesOf(join(MANIFESTS, 'components', 'history-store')), {
        namespace: 'hpa-ts',
        name: 'hpa-ts',
      });
      const requests: RequestAttributes[] = sim.server.requests
        .filter((r) => r.resource === 'configmaps')
        .map((r) => ({
          kind: 'resource',
          verb: r.verb,
          apiGroup: r.apiGroup,
          resource: r.resource,
          subresource: r.subresource,
          namespace: r.namespace,
          name: r.name,
        }));
      expect(requests.filter((r) => authorize(grants, r) === undefined).map(describeRequest)).toEqual([]);
      const unused: string[] = [];
      for (const g of grants)
        for (const verb of g.rule.verbs) {
          const one: GrantedRule = { ...g, rule: { ...g.rule, verbs: [verb] } };
          if (!requests.some((r) => authorize([one], r) !== undefined)) unused.push(`${g.id} ${verb}`);
        }
      expect(unused).toEqual([]);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
