import { afterEach, describe, expect, it } from '@jest/globals';
import { Command } from '@commander-js/extra-typings';
import { type MetricsCommandIo, registerMetricsCommand } from '../../../app/metrics-command.js';
import { createMetricsClient, metricsClientOptionsFromFlags } from '../../../metrics-clients/index.js';
import { type FakeServer, promSeries, promVector, startServer } from './fakes.js';

const P1 = 'sample-httpserver-6784dcf77c-56th4';
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ out: string; err: string; code: number }> {
  const res = { out: '', err: '', code: 0 };
  const io: MetricsCommandIo = {
    stdout: (t) => {
      res.out += t;
    },
    stderr: (t) => {
      res.err += t;
    },
    now: () => 1_695_018_200_000,
    setExitCode: (c) => {
      res.code = c;
    },
    env,
  };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const program = new Command().name('hpa-ts').exitOverride();
    registerMetricsCommand(program, io);
    await program.parseAsync(args, { from: 'user' });
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  return res;
}

async function prometheus(): Promise<FakeServer> {
  server = await startServer((r) => {
    if (r.path === '/api/v1/series')
      return {
        body: promSeries([{ __name__: 'http_requests_total', kubernetes_namespace: 'default', kubernetes_pod: P1 }]),
      };
    if (r.path === '/api/v1/query') return { body: promVector([{ metric: { kubernetes_pod: P1 }, value: '0.066' }]) };
    return undefined;
  });
  return server;
}

const SEED0 = 'manifests/examples/seed-000/adapter/adapter-rules.yaml';

describe('hpa-ts metrics get', () => {
  it('prints pods metrics as JSON with the PromQL (the example in docs/metrics-clients.md)', async () => {
    const s = await prometheus();
    const r = await run([
      'metrics',
      'get',
      'pods',
      'http_requests_qps',
      '-n',
      'default',
      '-l',
      'app=sample-httpserver',
      '--metrics-client=prometheus',
      `--prometheus-url=${s.url}`,
      `--adapter-config=${SEED0}`,
      '--show-query',
      '-o',
      'json',
      '--pods',
      P1,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      items: [{ pod: P1, value: '66m', timestamp: '2023-09-18T06:23:19Z' }],
      query: `sum(rate(http_requests_total{kubernetes_namespace="default",kubernetes_pod="${P1}"}[30s])) by (kubernetes_pod)`,
    });
  });

  it('prints a table and reads every flag from HPA_TS_* variables', async () => {
    const s = await prometheus();
    const r = await run(['metrics', 'get', 'pods', 'http_requests_qps'], {
      HPA_TS_METRICS_CLIENT: 'prometheus',
      HPA_TS_PROMETHEUS_URL: s.url,
      HPA_TS_ADAPTER_CONFIG: SEED0,
      HPA_TS_PODS: P1,
      HPA_TS_SELECTOR: 'app=sample-httpserver',
    });
    expect(r.err).toBe('');
    expect(r.out.split('\n')[0]).toMatch(/^POD\s+VALUE\s+TIMESTAMP$/);
    expect(r.out).toContain(`${P1}   66m     2023-09-18T06:23:19Z`);
  });

  it('prints resource metrics with CONTAINER and WINDOW from a static file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'm.yaml');
    writeFileSync(
      file,
      'resource:\n  - {namespace: default, pod: web-1, labels: {app: web}, window: 1m, containers: [{name: app, usage: {cpu: 250m, memory: 64Mi}}]}\n',
    );
    const r = await run([
      'metrics',
      'get',
      'resource',
      'cpu',
      '-l',
      'app=web',
      '--metrics-client',
      'static',
      '--static-file',
      file,
    ]);
    expect(r.out.split('\n')[0]).toMatch(/^POD\s+CONTAINER\s+RESOURCE\s+VALUE\s+TIMESTAMP\s+WINDOW$/);
    expect(r.out).toMatch(/web-1\s+app\s+cpu\s+250m\s+2023-09-18T06:23:20Z\s+1m0s/);
  });

  it('prints the typed error to stderr and exits 1', async () => {
    const s = await prometheus();
    const r = await run([
      'metrics',
      'get',
      'pods',
      'nope',
      '--metrics-client=prometheus',
      `--prometheus-url=${s.url}`,
      `--adapter-config=${SEED0}`,
      '--pods',
      P1,
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('error: NotFound (HTTP 404) from the custom metrics API');
    expect(r.err).toContain('message: the server could not find the metric nope for pods');
  });

  it('refuses incomplete flags with the flag to fix', async () => {
    const r = await run(['metrics', 'get', 'pods', 'm', '--metrics-client=prometheus', `--adapter-config=${SEED0}`]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: --prometheus-url is required with --metrics-client=prometheus\n');
    const o = await run(['metrics', 'get', 'object', 'm', '--metrics-client=static', '--static-file=x']);
    expect(o.err).toBe('error: --described-object Kind/name is required for object metrics\n');
    const s = await run([
      'metrics',
      'get',
      'pods',
      'm',
      '-l',
      'app in (',
      '--metrics-client=static',
      '--static-file=x',
    ]);
    expect(s.err).toMatch(/^error: --selector "app in \(":/);
  });
});

describe('registry', () => {
  it('names the file and field of a bad adapter config', async () => {
    const r = await createMetricsClient(
      {
        kind: 'prometheus',
        prometheusUrl: 'http://127.0.0.1:1',
        adapterConfigPath: 'manifests/examples/seed-004/adapter/adapter-external-rules.as-written.yaml',
      },
      { now: () => 0 },
    );
    expect(!r.ok && r.error.field).toBe(
      'manifests/examples/seed-004/adapter/adapter-external-rules.as-written.yaml: resources',
    );
  });

  it('needs a kubeconfig for the apiserver client', async () => {
    const r = await createMetricsClient({ kind: 'apiserver' }, { now: () => 0 });
    expect(!r.ok && r.error.message).toContain('needs a kubeconfig');
  });

  it('maps flags to a config and checks them', () => {
    expect(
      metricsClientOptionsFromFlags({
        metricsClient: 'prometheus',
        prometheusUrl: 'http://p',
        adapterConfig: 'a.yaml',
        prometheusVerb: 'PUT',
      }),
    ).toEqual({
      ok: false,
      error: { field: '--prometheus-verb', message: 'must be GET, POST or auto, not "PUT"' },
    });
    expect(metricsClientOptionsFromFlags({ metricsClient: 'static', staticFile: 'm.yaml' })).toEqual({
      ok: true,
      value: { kind: 'static', staticFile: 'm.yaml' },
    });
    expect(metricsClientOptionsFromFlags({ metricsClient: 'carrier-pigeon' }).ok).toBe(false);
  });
});
