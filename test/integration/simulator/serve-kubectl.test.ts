/**
 * `hpa-ts simulate --serve` is a cluster the real kubectl and the real controller can use: the
 * seed's manifests applied with kubectl (the folder, then the article's own v2beta2 HPA), `hpa-ts run --kubeconfig sim.kubeconfig` (a child process)
 * scaling the Deployment as the load annotation changes, all of it visible in `kubectl get hpa -w`
 * and `kubectl describe hpa`. Real time, with a 2 s scrape interval and sync period to keep it short.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveSimulator, type ServeHandle } from '../../../app/simulate-command.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SEED = join(ROOT, 'manifests/examples/seed-000');
const HAVE_KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!HAVE_KUBECTL) console.warn('kubectl is not on PATH: skipping the real-kubectl tests of `hpa-ts simulate --serve`');
const describeKubectl = HAVE_KUBECTL ? describe : describe.skip;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describeKubectl('simulate --serve with the real kubectl and `hpa-ts run`', () => {
  let dir: string;
  let kubeconfig: string;
  let handle: ServeHandle;
  const children: ChildProcess[] = [];

  function kubectl(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { encoding: 'utf8', timeout: 30_000 },
        (err, stdout, stderr) => {
          resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
        },
      );
    });
  }

  async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(500);
    }
  }

  const replicas = async (name: string): Promise<number> =>
    Number((await kubectl('get', 'deploy', name, '-o', 'jsonpath={.spec.replicas}')).stdout);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hpa-ts-serve-'));
    kubeconfig = join(dir, 'sim.kubeconfig');
    const lines: string[] = [];
    handle = await serveSimulator(
      undefined,
      {
        port: '0',
        prometheusPort: '0',
        kubeconfigOut: kubeconfig,
        timeScale: '1',
        output: 'text',
        scrapeInterval: '2s',
      },
      (l) => lines.push(l),
    );
    expect(lines[0]).toMatch(/^hpa-ts simulator serving a Kubernetes API at http:\/\/127\.0\.0\.1:\d+$/);
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the kubeconfig once it is ready to serve', async () => {
    expect(existsSync(kubeconfig)).toBe(true);
    const r = await kubectl('get', 'namespaces');
    expect(r.stdout).toMatch(/^default\s+Active/m);
  });

  it("kubectl apply -f the seed's folder, then the article's own autoscaling/v2beta2 HPA; the Deployment becomes 1/1", async () => {
    expect((await kubectl('apply', '-f', `${SEED}/`)).stdout.trim().split('\n').sort()).toEqual([
      'deployment.apps/sample-httpserver created',
      'horizontalpodautoscaler.autoscaling/sample-httpserver created',
      'service/http-sample-svc created',
    ]);
    expect((await kubectl('apply', '-f', join(SEED, 'article', 'sample-httpserver-hpa.yaml'))).stdout.trim()).toBe(
      'horizontalpodautoscaler.autoscaling/sample-httpserver configured',
    );
    await until(
      'the Deployment to be ready',
      async () => /^sample-httpserver\s+1\/1\s+1\s+1\s/m.test((await kubectl('get', 'deploy')).stdout),
      15_000,
    );
    const pods = (await kubectl('get', 'pods', '-l', 'app=sample-httpserver', '-o', 'name')).stdout.trim().split('\n');
    expect(pods).toHaveLength(1);
    expect(pods[0]).toMatch(
      /^pod\/sample-httpserver-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
  });

  it('serves the metrics APIs: kubectl top pods and get --raw on custom.metrics.k8s.io', async () => {
    await until(
      'pod metrics',
      async () => (await kubectl('top', 'pods')).stdout.includes('sample-httpserver-'),
      15_000,
    );
    const top = (await kubectl('top', 'pods')).stdout;
    expect(top).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    const raw = await kubectl(
      'get',
      '--raw',
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests_qps',
    );
    const body = JSON.parse(raw.stdout) as {
      kind: string;
      items: { metricName: string; value: string; describedObject: { apiVersion: string } }[];
    };
    expect(body.kind).toBe('MetricValueList');
    expect(body.items[0]).toMatchObject({ metricName: 'http_requests_qps', describedObject: { apiVersion: '/v1' } });
    // milli-requests per second: the pod's own scrapes (every 2 s here, every 15 s in the seed: 66m)
    expect(body.items[0].value).toMatch(/^[1-9]\d*m$/);
  });

  it('kubectl scale and kubectl create deployment drive the workload model', async () => {
    expect((await kubectl('create', 'deployment', 'web', '--image=nginx:1.27')).code).toBe(0);
    expect((await kubectl('scale', 'deploy', 'web', '--replicas=3')).stdout.trim()).toBe('deployment.apps/web scaled');
    await until(
      'web to be 3/3',
      async () => /^web\s+3\/3\s/m.test((await kubectl('get', 'deploy', 'web')).stdout),
      15_000,
    );
    expect((await kubectl('get', 'rs', '-l', 'app=web')).stdout).toMatch(/^web-\S+\s+3\s+3\s+3\s/m);
  });

  it('`hpa-ts run --kubeconfig sim.kubeconfig` scales on the load annotation, as kubectl get hpa -w shows', async () => {
    const controller = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'app/main.ts',
        'run',
        '--kubeconfig',
        kubeconfig,
        '--leader-elect=false',
        '--bind-address',
        '127.0.0.1:0',
        '--horizontal-pod-autoscaler-sync-period',
        '2s',
        '--log-level',
        'warn',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(controller);
    let controllerLog = '';
    controller.stderr?.on('data', (d: Buffer) => (controllerLog += d.toString()));
    await until(
      'the HPA to report a value',
      async () => /\d+m\/50/.test((await kubectl('get', 'hpa')).stdout),
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${controllerLog}`);
    });
    const watch = spawn(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'hpa', 'sample-httpserver', '-w'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(watch);
    let watched = '';
    watch.stdout?.on('data', (d: Buffer) => (watched += d.toString()));

    expect((await kubectl('annotate', 'deploy', 'sample-httpserver', 'sim.hpa-ts.io/rps=1000')).stdout.trim()).toBe(
      'deployment.apps/sample-httpserver annotated',
    );
    await until('10 replicas', async () => (await replicas('sample-httpserver')) === 10, 60_000);
    const described = (await kubectl('describe', 'hpa', 'sample-httpserver')).stdout;
    expect(described).toMatch(/"http_requests_qps" on pods:\s+\d+m? \/ 50/);
    expect(described).toMatch(
      /SuccessfulRescale\s+\S+\s+horizontal-pod-autoscaler\s+New size: 2; reason: pods metric http_requests_qps above target/,
    );

    await kubectl('annotate', 'deploy', 'sample-httpserver', 'sim.hpa-ts.io/rps-');
    await until('back to 1 replica', async () => (await replicas('sample-httpserver')) === 1, 90_000);
    const watchedReplicas = (): number[] =>
      watched
        .split('\n')
        .filter((l) => l.startsWith('sample-httpserver'))
        .map((l) => Number(l.trim().split(/\s+/)[5]));
    // the status shows the new count one sync after the scale, and the watch prints it after that
    await until('kubectl get hpa -w to print 1 replica', () => Promise.resolve(watchedReplicas().at(-1) === 1), 30_000);
    if (watch.pid !== undefined) process.kill(watch.pid, 'SIGTERM');
    const seen = watchedReplicas();
    expect(watched.split('\n')[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
    expect(seen).toEqual(expect.arrayContaining([1, 2, 4, 8, 10]));
    expect(seen[seen.length - 1]).toBe(1);
  }, 180_000);
});
