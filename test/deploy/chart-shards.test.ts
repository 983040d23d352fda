/**
 * The chart's `leaderElection.shards` (docs/scaling.md) against the sharded overlay: the same
 * replica count, HPA_TS_SHARDS and Lease names in the Role; refused without leader election.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  HAVE_KUBECTL,
  ROOT,
  isKubeObject,
  kustomize,
  MANIFESTS,
  parseYamlDocs,
  type KubeObject,
} from './support/manifests.js';
import { HELM, needsTool } from './support/tools.js';

const CHART = join(ROOT, 'charts', 'hpa-ts');
const helm = needsTool('helm', HELM, 'run test/e2e/stack/helm.sh (builds it from helm.sh/helm/v4 into the cache)');

function helmTemplate(sets: readonly string[]): { code: number; objects: KubeObject[]; stderr: string } {
  const r = spawnSync(
    HELM ?? 'helm',
    ['template', 'hpa-ts', CHART, '-n', 'hpa-ts', ...sets.flatMap((s) => ['--set', s])],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const objects = r.status === 0 ? parseYamlDocs(r.stdout, 'helm template').filter(isKubeObject) : [];
  return { code: r.status ?? -1, objects, stderr: r.stderr };
}

interface Facts {
  readonly replicas: unknown;
  readonly shards: string | undefined;
  readonly leases: string[];
}

/** What sharding needs, read from rendered objects: replicas, HPA_TS_SHARDS, the Lease names the Role allows to update. */
function facts(objects: readonly KubeObject[]): Facts {
  const dep = objects.find((o) => o.kind === 'Deployment') as
    | (KubeObject & {
        spec: { replicas: unknown; template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
      })
    | undefined;
  const role = objects.find((o) => o.kind === 'Role' && o.metadata.name.endsWith('leader-election')) as
    (KubeObject & { rules: { resourceNames?: string[]; verbs: string[] }[] }) | undefined;
  return {
    replicas: dep?.spec.replicas,
    shards: dep?.spec.template.spec.containers[0].env?.find((e) => e.name === 'HPA_TS_SHARDS')?.value,
    leases: (role?.rules ?? [])
      .filter((r) => r.verbs.includes('update'))
      .flatMap((r) => r.resourceNames ?? [])
      .sort(),
  };
}

(helm.run ? describe : describe.skip)('the chart with leaderElection.shards', () => {
  it('leaves the default render without HPA_TS_SHARDS and with the one leader Lease', () => {
    expect(facts(helmTemplate([]).objects)).toMatchObject({ shards: undefined, leases: ['hpa-ts'] });
  });

  it('refuses shards above 1 without leader election, naming both values', () => {
    const r = helmTemplate(['leaderElection.shards=3', 'leaderElection.enabled=false']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/leaderElection\.shards.*leaderElection\.enabled/);
  });

  it('refuses 65 shards (the schema: 1 … 64)', () => {
    expect(helmTemplate(['leaderElection.shards=65']).stderr).toMatch(/shards/);
  });

  (HAVE_KUBECTL ? it : it.skip)(
    'renders what manifests/overlays/sharded deploys: 3 replicas, 3 shards, every Lease by name',
    () => {
      const chart = facts(helmTemplate(['leaderElection.shards=3', 'replicas=3']).objects);
      expect(chart).toEqual(facts(kustomize(join(MANIFESTS, 'overlays', 'sharded'))));
      expect(chart.leases).toContain('hpa-ts-member-2-of-3');
    },
  );
});
