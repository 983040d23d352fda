import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiServer, type ApiServerHandle, type ApiServerOptions } from '../../../simulator/apiserver/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/apiserver/', import.meta.url));
const HAVE_KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!HAVE_KUBECTL) console.warn('kubectl is not on PATH: skipping the real-kubectl tests of the simulated API server');
const describeKubectl = HAVE_KUBECTL ? describe : describe.skip;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A server, its kubeconfig and a fresh discovery cache dir (kubectl caches /version and discovery). */
class Cluster {
  private constructor(
    readonly server: ApiServerHandle,
    readonly dir: string,
  ) {}

  static async start(opts: ApiServerOptions = {}): Promise<Cluster> {
    const server = await startApiServer(opts);
    const dir = await mkdtemp(join(tmpdir(), 'hpa-ts-kubectl-'));
    await server.writeKubeconfig(join(dir, 'kubeconfig'));
    return new Cluster(server, dir);
  }

  args(args: readonly string[]): string[] {
    return ['--kubeconfig', join(this.dir, 'kubeconfig'), '--cache-dir', join(this.dir, 'cache'), ...args];
  }

  kubectl(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile('kubectl', this.args(args), { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      });
    });
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

const HPA = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const HEADER = /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/;

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

describeKubectl('real kubectl against the simulated API server', () => {
  let c: Cluster;

  beforeAll(async () => {
    c = await Cluster.start();
  });

  afterAll(async () => {
    await c.close();
  });

  it('reports minor 31 so the dispatcher runs a JSON-only kubectl 1.31, and the emulated release as the version', async () => {
    const r = await c.kubectl('version');
    expect(r.stdout).toMatch(/Client Version: v1\.31\./);
    expect(r.stdout).toMatch(/Server Version: v1\.37\.0/);
    const at34 = await Cluster.start({ release: 34 });
    try {
      const r34 = await at34.kubectl('version');
      expect(r34.stdout).toMatch(/Client Version: v1\.31\./);
      expect(r34.stdout).toMatch(/Server Version: v1\.34\.0/);
    } finally {
      await at34.close();
    }
    const pinned = await Cluster.start({ version: 'v1.31.4' });
    try {
      expect((await pinned.kubectl('version')).stdout).toMatch(/Server Version: v1\.31\.4/);
    } finally {
      await pinned.close();
    }
  });

  it('applies the seed Deployment and HPA (autoscaling/v2beta2) unmodified, then re-applies', async () => {
    const dep = join(FIXTURES, 'sample-httpserver-deployment.yaml');
    const hpa = join(FIXTURES, 'sample-httpserver-hpa.yaml');
    expect((await c.kubectl('apply', '-f', dep)).stdout.trim()).toBe('deployment.apps/sample-httpserver created');
    const h = await c.kubectl('apply', '-f', hpa);
    expect(h.stdout.trim()).toBe('horizontalpodautoscaler.autoscaling/sample-httpserver created');
    expect(h.stderr).toContain(
      'Warning: autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated in v1.23+, unavailable in v1.26+',
    );
    expect((await c.kubectl('apply', '-f', dep)).stdout.trim()).toBe('deployment.apps/sample-httpserver unchanged');
    const changed = join(c.dir, 'changed.yaml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(changed, (await readFile(dep, 'utf8')).replace('replicas: 1', 'replicas: 2'));
    expect((await c.kubectl('apply', '-f', changed)).stdout.trim()).toBe(
      'deployment.apps/sample-httpserver configured',
    );
    // Served back canonically: 50000m → 50 (as a real API server does).
    expect(c.server.store.get(HPA, 'default', 'sample-httpserver').spec).toMatchObject({
      metrics: [{ pods: { target: { averageValue: '50' } } }],
    });
  });

  it('prints the HPA table with upstream columns and the seed article TARGETS', async () => {
    const before = await c.kubectl('get', 'hpa');
    const [header, row] = lines(before.stdout);
    expect(header).toMatch(HEADER);
    expect(row).toMatch(/^sample-httpserver\s+Deployment\/sample-httpserver\s+<unknown>\/50\s+1\s+10\s+0\s+\d+s$/);
    c.server.store.updateStatus(HPA, 'default', 'sample-httpserver', {
      status: {
        currentReplicas: 1,
        desiredReplicas: 1,
        currentMetrics: [
          { type: 'Pods', pods: { metric: { name: 'http_requests_qps' }, current: { averageValue: '0.066' } } },
        ],
      },
    });
    const after = await c.kubectl('get', 'hpa', 'sample-httpserver');
    expect(lines(after.stdout)[1]).toMatch(
      /^sample-httpserver\s+Deployment\/sample-httpserver\s+66m\/50\s+1\s+10\s+1\s+\d+s$/,
    );
  });

  it('streams a MODIFIED row to get hpa -w after a status update', async () => {
    const child = spawn('kubectl', c.args(['get', 'hpa', 'sample-httpserver', '-w']), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      const deadline = Date.now() + 20_000;
      const watching = (): boolean =>
        c.server.requests.some((r) => r.verb === 'watch' && r.resource === 'horizontalpodautoscalers');
      while ((lines(out).length < 2 || !watching()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      c.server.store.updateStatus(HPA, 'default', 'sample-httpserver', {
        status: {
          currentReplicas: 2,
          desiredReplicas: 2,
          currentMetrics: [
            { type: 'Pods', pods: { metric: { name: 'http_requests_qps' }, current: { averageValue: '1000133m' } } },
          ],
        },
      });
      while (!out.includes('1000133m/50') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      child.kill();
    }
    const l = lines(out);
    expect(l[0]).toMatch(HEADER);
    expect(l.filter((x) => HEADER.test(x))).toHaveLength(1);
    expect(l[l.length - 1]).toMatch(
      /^sample-httpserver\s+Deployment\/sample-httpserver\s+1000133m\/50\s+1\s+10\s+2\s+\d+s$/,
    );
  });

  it('describes the HPA with its Events from the events API', async () => {
    const h = c.server.store.get(HPA, 'default', 'sample-httpserver');
    c.server.store.create({ group: '', version: 'v1', resource: 'events' }, 'default', {
      metadata: { name: 'sample-httpserver.rescale' },
      involvedObject: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        name: 'sample-httpserver',
        namespace: 'default',
        uid: h.metadata.uid,
      },
      reason: 'SuccessfulRescale',
      message: 'New size: 2; reason: pods metric http_requests_qps above target',
      type: 'Normal',
      source: { component: 'horizontal-pod-autoscaler' },
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    });
    const r = await c.kubectl('describe', 'hpa', 'sample-httpserver');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Reference:');
    expect(r.stdout).toMatch(/"http_requests_qps" on pods:\s+1000133m \/ 50/);
    expect(r.stdout).toMatch(
      /Normal\s+SuccessfulRescale\s+\d+s\s+horizontal-pod-autoscaler\s+New size: 2; reason: pods metric http_requests_qps above target/,
    );
  });

  it('scales and annotates a Deployment, then shows it with get deploy,pods', async () => {
    expect((await c.kubectl('scale', 'deploy', 'sample-httpserver', '--replicas=3')).stdout.trim()).toBe(
      'deployment.apps/sample-httpserver scaled',
    );
    expect(
      (
        await c.kubectl('annotate', 'deploy', 'sample-httpserver', 'sim.hpa-ts.io/rps=1000', '--overwrite')
      ).stdout.trim(),
    ).toBe('deployment.apps/sample-httpserver annotated');
    const d = c.server.store.get(
      { group: 'apps', version: 'v1', resource: 'deployments' },
      'default',
      'sample-httpserver',
    );
    expect(d.spec).toMatchObject({ replicas: 3 });
    expect(d.metadata.annotations?.['sim.hpa-ts.io/rps']).toBe('1000');
    const r = await c.kubectl('get', 'deploy,pods');
    expect(lines(r.stdout)[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(lines(r.stdout)[1]).toMatch(/^deployment\.apps\/sample-httpserver\s+0\/3\s+0\s+0\s+\d+s$/);
  });

  it('creates an autoscaling/v1 HPA with kubectl autoscale, visible as v2', async () => {
    const r = await c.kubectl(
      'autoscale',
      'deploy',
      'sample-httpserver',
      '--min=2',
      '--max=5',
      '--cpu-percent=50',
      '--name=auto',
    );
    expect(r.stdout.trim()).toBe('horizontalpodautoscaler.autoscaling/auto autoscaled');
    expect(
      c.server.requests.some(
        (q) => q.method === 'POST' && q.apiVersion === 'v1' && q.resource === 'horizontalpodautoscalers',
      ),
    ).toBe(true);
    expect(c.server.store.get(HPA, 'default', 'auto').spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
    });
    const get = await c.kubectl('get', 'hpa', 'auto');
    expect(lines(get.stdout)[1]).toMatch(
      /^auto\s+Deployment\/sample-httpserver\s+cpu: <unknown>\/50%\s+2\s+5\s+0\s+\d+s$/,
    );
  });

  it('deletes with kubectl delete and prints the upstream NotFound error afterwards', async () => {
    expect((await c.kubectl('delete', 'hpa', 'auto')).stdout.trim()).toBe(
      'horizontalpodautoscaler.autoscaling "auto" deleted',
    );
    const r = await c.kubectl('get', 'hpa', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): horizontalpodautoscalers.autoscaling "nope" not found');
  });

  it('prints the 422 message built from Status details for an invalid HPA', async () => {
    const bad = join(c.dir, 'bad.yaml');
    await writeFile(
      bad,
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: bad\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 2\n',
    );
    const r = await c.kubectl('apply', '-f', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'The HorizontalPodAutoscaler "bad" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
  });

  it('reaches a registered aggregated API group with get --raw', async () => {
    const unregister = c.server.registerApiGroup({
      group: 'custom.metrics.k8s.io',
      versions: [
        {
          version: 'v1beta2',
          resources: [{ name: 'pods/http_requests_qps', namespaced: true, kind: 'MetricValueList', verbs: ['get'] }],
        },
      ],
      handle: (req) => ({
        status: 200,
        body: {
          kind: 'MetricValueList',
          apiVersion: 'custom.metrics.k8s.io/v1beta2',
          metadata: {},
          items: [],
          path: req.segments,
          selector: req.query.get('labelSelector'),
        },
      }),
    });
    try {
      const r = await c.kubectl(
        'get',
        '--raw',
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps?labelSelector=app%3Dweb',
      );
      expect(JSON.parse(r.stdout)).toMatchObject({
        kind: 'MetricValueList',
        path: ['namespaces', 'default', 'pods', '*', 'http_requests_qps'],
        selector: 'app=web',
      });
      const groups = await c.kubectl('api-versions');
      expect(groups.stdout).toContain('custom.metrics.k8s.io/v1beta2');
    } finally {
      unregister();
    }
  });

  it('deletes the Deployment (and nothing is left)', async () => {
    expect((await c.kubectl('delete', 'deploy', 'sample-httpserver')).stdout.trim()).toBe(
      'deployment.apps "sample-httpserver" deleted',
    );
    const r = await c.kubectl('get', 'deploy,pods');
    expect(r.stderr.trim()).toBe('No resources found in default namespace.');
  });
});

describeKubectl('HPA TARGETS styles', () => {
  const twoUtilization = {
    metadata: { name: 'hpa-example' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' },
      maxReplicas: 100,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 49 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 25 } } },
      ],
    },
  };
  const status = {
    status: {
      currentReplicas: 1,
      desiredReplicas: 1,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 1, averageValue: '1m' } } },
        { type: 'Resource', resource: { name: 'memory', current: { averageUtilization: 0, averageValue: '1Mi' } } },
      ],
    },
  };

  it.each([
    ['modern', 'cpu: 1%/49%, memory: 0%/25%'],
    ['legacy', '1%/49%, 0%/25%'],
  ] as const)('prints %s targets', async (style, targets) => {
    const c = await Cluster.start({ hpaTargetsStyle: style });
    try {
      c.server.store.create(HPA, 'default', twoUtilization);
      c.server.store.updateStatus(HPA, 'default', 'hpa-example', status);
      const r = await c.kubectl('get', 'hpa');
      expect(lines(r.stdout)[1]).toMatch(
        new RegExp(
          `^hpa-example\\s+Deployment/nginx\\s+${targets.replace(/[%/]/g, '\\$&')}\\s+1\\s+100\\s+1\\s+\\d+s$`,
        ),
      );
    } finally {
      await c.close();
    }
  });
});
