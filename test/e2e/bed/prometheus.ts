/**
 * The Prometheus path of the bed: real Prometheus (scraping the exporter's per-pod endpoints via
 * file_sd, every second) behind the time-pinning proxy, and the real prometheus-adapter with the
 * seeds' rule files serving metrics.k8s.io, custom.metrics.k8s.io and external.metrics.k8s.io to
 * kube-controller-manager through the aggregator (and through the bed's pass-through,
 * metrics-front.ts, which sees kcm's syncs). hpa-ts reads the same Prometheus (through the
 * same proxy) with the same rule file (`--metrics-client=prometheus --adapter-config`).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Exporter } from './exporter.js';
import { REPO_ROOT } from './hpa-ts.js';
import type { LockstepRun } from './lockstep.js';
import type { MetricsRequestInfo } from './metrics-api.js';
import { startMetricsFront } from './metrics-front.js';
import { servingCert } from './pki.js';
import { freePorts } from './ports.js';
import { PromProxy } from './prom-proxy.js';
import { spawnProc, waitUntil } from './procs.js';
import type { Stack } from './stack.js';

export const ADAPTER_SERVICE = { name: 'prometheus-adapter', namespace: 'kube-system' } as const;

/** The seed rule files merged into one adapter config (rules, externalRules, resourceRules). */
export const SEED_RULE_FILES = [
  'manifests/examples/seed-000/adapter/adapter-rules.yaml',
  'manifests/examples/seed-004/adapter/adapter-external-rules.yaml',
  'manifests/examples/seed-004/adapter/adapter-resource-rules.yaml',
] as const;

export function mergeAdapterConfigs(files: readonly string[]): Record<string, unknown> {
  const out: { rules: unknown[]; externalRules: unknown[]; resourceRules?: unknown } = { rules: [], externalRules: [] };
  for (const f of files) {
    const doc = parse(readFileSync(join(REPO_ROOT, f), 'utf8')) as {
      rules?: unknown[];
      externalRules?: unknown[];
      resourceRules?: unknown;
    };
    out.rules.push(...(doc.rules ?? []));
    out.externalRules.push(...(doc.externalRules ?? []));
    if (doc.resourceRules !== undefined) out.resourceRules = doc.resourceRules;
  }
  return out;
}

export interface PromBed {
  readonly exporter: Exporter;
  readonly proxy: PromProxy;
  readonly promPort: number;
  readonly adapterConfig: string;
  /** base URL hpa-ts uses (the proxy) */
  readonly url: string;
  close(): Promise<void>;
}

export async function startPromBed(
  stack: Stack,
  runs: ReadonlyMap<string, LockstepRun>,
  /** every metrics request kube-apiserver forwards to the adapter (kcm's syncs) */
  observe: (info: MetricsRequestInfo) => void,
  ruleFiles: readonly string[] = SEED_RULE_FILES,
): Promise<PromBed> {
  const dir = join(stack.dir, 'prometheus');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const [promPort, adapterPort] = await freePorts(2);
  const targets = join(dir, 'targets.json');
  const exporter = new Exporter(targets);
  await exporter.start();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      // a scrape either lands within its 500 ms timeout or not at all: the proxy's commit margin
      // (800 ms) then guarantees that every sample at or before a pinned instant is in the TSDB
      global: { scrape_interval: '1s', scrape_timeout: '500ms', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: 'pods', file_sd_configs: [{ files: [targets], refresh_interval: '1s' }] }],
    }),
  );
  const prom = spawnProc(
    'prometheus',
    stack.env.PROMETHEUS,
    [
      '--config.file',
      join(dir, 'prometheus.yml'),
      '--storage.tsdb.path',
      join(dir, 'data'),
      '--web.listen-address',
      `127.0.0.1:${promPort}`,
      '--log.level',
      'warn',
    ],
    join(stack.dir, 'prometheus.log'),
  );
  stack.procs.push(prom);
  await waitUntil('prometheus /-/ready', async () => (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok, {
    timeoutMs: 60_000,
    proc: prom,
  });
  const proxy = new PromProxy(promPort, runs, 1500, 800);
  await proxy.start();

  const adapterConfig = join(dir, 'adapter-config.yaml');
  writeFileSync(adapterConfig, stringify(mergeAdapterConfigs(ruleFiles)));
  const cert = servingCert(stack.pki, 'prometheus-adapter', [
    `${ADAPTER_SERVICE.name}.${ADAPTER_SERVICE.namespace}.svc`,
  ]);
  mkdirSync(join(dir, 'adapter-certs'), { recursive: true });
  const adapter = spawnProc(
    'prometheus-adapter',
    stack.env.PROMETHEUS_ADAPTER,
    // prettier-ignore
    [
      '--prometheus-url', `http://127.0.0.1:${proxy.port}/`,
      '--prometheus-header', 'X-E2E-Client=adapter',
      '--config', adapterConfig,
      '--metrics-relist-interval', '2s',
      '--lister-kubeconfig', stack.adminKubeconfig,
      '--authentication-kubeconfig', stack.adminKubeconfig,
      '--authorization-kubeconfig', stack.adminKubeconfig,
      '--bind-address', '127.0.0.1', '--secure-port', String(adapterPort),
      '--tls-cert-file', cert.cert, '--tls-private-key-file', cert.key,
      '--cert-dir', join(dir, 'adapter-certs'),
    ],
    join(stack.dir, 'prometheus-adapter.log'),
  );
  stack.procs.push(adapter);
  // the APIServices point at the bed's pass-through, which sees kcm's requests and forwards them
  const frontCert = servingCert(stack.pki, 'metrics-front', [
    `${ADAPTER_SERVICE.name}.${ADAPTER_SERVICE.namespace}.svc`,
  ]);
  const front = await startMetricsFront({
    ...frontCert,
    frontProxyCa: stack.pki.frontProxyCaCert,
    frontProxyClientCert: stack.pki.frontProxyClientCert,
    frontProxyClientKey: stack.pki.frontProxyClientKey,
    ca: stack.pki.caCert,
    upstreamPort: adapterPort,
    observe,
  });
  const svc = { ...ADAPTER_SERVICE, port: front.port };
  const apis: [string, string, number][] = [
    ['metrics.k8s.io', 'v1beta1', 100],
    ['custom.metrics.k8s.io', 'v1beta2', 200],
    ['custom.metrics.k8s.io', 'v1beta1', 100],
    ['external.metrics.k8s.io', 'v1beta1', 100],
  ];
  for (const [g, v, prio] of apis) await stack.registerApiService(g, v, svc, stack.pki.caCert, prio);
  for (const [g, v] of apis) {
    if (adapter.exitedYet()) throw new Error(`prometheus-adapter exited (log: ${adapter.logFile})`);
    await stack.waitApiServiceAvailable(`${v}.${g}`, 90_000);
  }
  return {
    exporter,
    proxy,
    promPort,
    adapterConfig,
    url: `http://127.0.0.1:${proxy.port}`,
    close: async () => {
      await front.close();
      await proxy.close();
      await exporter.close();
    },
  };
}
