/**
 * manifests/examples/: every folder a user applies with `kubectl apply -f DIR/` (not recursive)
 * holds only Kubernetes objects, each once, in API versions a current cluster serves; the seed
 * articles' other files (their HPAs in removed API versions or as written, metric fragments,
 * adapter rules, metrics API answers) sit in article/ and adapter/ subfolders. Proven with the
 * real kubectl against the simulator `hpa-ts simulate --serve` starts; skipped, saying so, without
 * kubectl.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { realClock } from '../../controller/clock.js';
import { Resources } from '../../simulator/apiserver/index.js';
import { startSimulatorServer, type SimulatorServer } from '../../simulator/serve.js';
import { HAVE_KUBECTL, MANIFESTS, isKubeObject, readYaml, type KubeObject } from './support/manifests.js';
import { SERVICE_MONITOR_CRD } from './support/servicemonitor-schema.js';

const EXAMPLES = join(MANIFESTS, 'examples');
/** The folders a user applies, in the order a user following manifests/examples/README.md would. */
const APPLIED = [
  'seed-000',
  'seed-001',
  'seed-002',
  'seed-003',
  'seed-004',
  'seed-004/pods-metric',
  'annotations',
  'recommendation',
];
/** Applied where prometheus-operator runs: they hold ServiceMonitors. */
const WITH_PROMETHEUS_OPERATOR = ['seed-001/prometheus-operator', 'seed-003/prometheus-operator'];
/** Folders kept for reference, never applied. */
const REFERENCE = new Set(['article', 'adapter']);

function folders(dir: string): string[] {
  return readdirSync(dir)
    .filter((e) => statSync(join(dir, e)).isDirectory())
    .flatMap((e) => [join(dir, e), ...folders(join(dir, e))]);
}

function filesIn(folder: string): string[] {
  const dir = join(EXAMPLES, folder);
  return readdirSync(dir)
    .filter((e) => statSync(join(dir, e)).isFile())
    .sort();
}

function objectsIn(folder: string): KubeObject[] {
  return filesIn(folder).flatMap((f) => readYaml(join(EXAMPLES, folder, f))) as KubeObject[];
}

/** How kubectl names an object in its output: `deployment.apps/web`, `service/web`. */
function kubectlName(o: KubeObject): string {
  const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
}

const identity = (o: KubeObject): string =>
  `${kubectlName(o)} in ${o.kind === 'Namespace' ? '(cluster)' : (o.metadata.namespace ?? 'default')}`;

describe('manifests/examples/: folders to apply and folders to read', () => {
  it('every folder is either applied or kept for reference (article/, adapter/)', () => {
    const all = folders(EXAMPLES).map((d) => relative(EXAMPLES, d));
    const applied = new Set([...APPLIED, ...WITH_PROMETHEUS_OPERATOR]);
    expect(all.filter((d) => !applied.has(d) && !REFERENCE.has(d.split('/').pop() ?? ''))).toEqual([]);
  });

  it.each([...APPLIED, ...WITH_PROMETHEUS_OPERATOR].map((f) => [f]))(
    '%s/ holds only YAML files of Kubernetes objects, each object once',
    (folder) => {
      expect(filesIn(folder).filter((f) => !/\.ya?ml$/.test(f))).toEqual([]);
      const docs = filesIn(folder).flatMap((f) => readYaml(join(EXAMPLES, folder, f)));
      expect(docs.filter((d) => !isKubeObject(d) || typeof d.metadata.name !== 'string')).toEqual([]);
      const ids = (docs as KubeObject[]).map(identity);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    },
  );

  it('the HPAs to apply are autoscaling/v2, which every current cluster serves (v2beta1/v2beta2 are in article/)', () => {
    const hpas = APPLIED.flatMap(objectsIn).filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.length).toBeGreaterThanOrEqual(6);
    expect(hpas.filter((h) => h.apiVersion !== 'autoscaling/v2').map(identity)).toEqual([]);
  });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

(HAVE_KUBECTL ? describe : describe.skip)('kubectl apply -f manifests/examples/<seed>/ against the simulator', () => {
  let dir: string;
  let server: SimulatorServer;
  const seen = new Set<string>();

  const kubectl = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args],
        { encoding: 'utf8', timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      );
    });

  /**
   * kubectl apply -f DIR/ twice: every object created (or configured, if an earlier folder made
   * it), then nothing created. A second apply reports `configured` for an HPA whose quantities the
   * server prints differently (`averageValue: 50000m` is stored as `50`), as a real cluster does.
   */
  async function appliesCleanly(folder: string): Promise<void> {
    const objects = objectsIn(folder);
    const first = await kubectl('apply', '-f', `${join(EXAMPLES, folder)}/`);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const verb = (o: KubeObject): string => (seen.has(identity(o)) ? 'configured' : 'created');
    expect(first.stdout.trim().split('\n').sort()).toEqual(objects.map((o) => `${kubectlName(o)} ${verb(o)}`).sort());
    for (const o of objects) seen.add(identity(o));
    const again = await kubectl('apply', '-f', `${join(EXAMPLES, folder)}/`);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(again.stdout.trim().split('\n').sort()).toEqual(
      objects
        .map(kubectlName)
        .sort()
        .map((name) => expect.stringMatching(new RegExp(`^${name} (unchanged|configured)$`))),
    );
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hpa-ts-seeds-'));
    server = await startSimulatorServer({ clock: realClock, port: 0, prometheusPort: 0 });
    await server.writeKubeconfig(join(dir, 'kubeconfig'));
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(APPLIED.map((f) => [f]))('%s/ applies cleanly, and again without creating anything', async (folder) => {
    await appliesCleanly(folder);
  });

  it.each(WITH_PROMETHEUS_OPERATOR.map((f) => [f]))(
    "%s/ applies cleanly once prometheus-operator's ServiceMonitor CRD is installed",
    async (folder) => {
      if (!server.api.store.registry.byKind('monitoring.coreos.com', 'ServiceMonitor'))
        server.api.store.create(Resources.customResourceDefinitions, undefined, SERVICE_MONITOR_CRD);
      await appliesCleanly(folder);
    },
  );
});
