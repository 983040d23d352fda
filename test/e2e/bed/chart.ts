/**
 * The Helm chart on the bed: `helm install` of charts/hpa-ts into the real kube-apiserver (helm
 * built by test/e2e/stack/helm.sh), then hpa-ts as the real CLI with what the installed Deployment
 * says — its args and variables as the API server stored them, POD_NAMESPACE from its namespace —
 * and a token of the chart's ServiceAccount, so it has exactly the chart's RBAC. Only what a pod
 * gets from its node differs: the kubeconfig (in a pod: the in-cluster one) and free loopback
 * ports for the plain and the secure port.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, forbiddenRequests, type HpaTsProcess } from './hpa-ts.js';
import type { KubeObject } from './kube.js';
import { freePorts } from './ports.js';
import { spawnProc, waitUntil, type Proc } from './procs.js';
import type { Stack } from './stack.js';

export const CHART_DIR = join(REPO_ROOT, 'charts', 'hpa-ts');

/** helm from $HPA_TS_HELM or helm.sh's cache ('' when missing: the suite says so and skips). */
export function helmBinary(): string {
  const cache = process.env.HPA_TS_STACK_CACHE ?? join(homedir(), '.cache', 'hpa-ts', 'stack');
  const version = process.env.HPA_TS_HELM_VERSION ?? 'v4.3.2';
  const found = [process.env.HPA_TS_HELM, join(cache, 'helm', version, 'bin', 'helm')].find(
    (p): p is string => p !== undefined && p !== '' && existsSync(p),
  );
  return found ?? '';
}

export function helm(stack: Stack, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      helmBinary(),
      [...args, '--kubeconfig', stack.adminKubeconfig],
      {
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          HELM_CACHE_HOME: join(stack.dir, 'helm-cache'),
          HELM_CONFIG_HOME: join(stack.dir, 'helm-config'),
          HELM_DATA_HOME: join(stack.dir, 'helm-data'),
        },
      },
      (err, stdout, stderr) =>
        err ? reject(new Error(`helm ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

export interface Installed {
  readonly release: string;
  readonly namespace: string;
  /** the Deployment as the API server stored it */
  readonly deployment: KubeObject;
  /** helm status's STATUS line, e.g. deployed */
  readonly status: string;
}

/** `helm install RELEASE charts/hpa-ts -n NAMESPACE --create-namespace --set …`, then the stored Deployment. */
export async function installChart(
  stack: Stack,
  release: string,
  namespace: string,
  sets: readonly string[],
): Promise<Installed> {
  await helm(stack, [
    'install',
    release,
    CHART_DIR,
    '-n',
    namespace,
    '--create-namespace',
    ...sets.flatMap((s) => ['--set', s]),
  ]);
  const status = /^STATUS: (\S+)/m.exec(await helm(stack, ['status', release, '-n', namespace]))?.[1] ?? '';
  const name = release.includes('hpa-ts') ? release : `${release}-hpa-ts`;
  const deployment = await stack.kube.get(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`);
  return { release, namespace, deployment, status };
}

interface Container {
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
}

/** The variables of the Deployment's container as a pod in `namespace` would have them. */
export function containerEnvOf(deployment: KubeObject, namespace: string): Record<string, string> {
  const c = (deployment.spec.template.spec.containers as Container[])[0];
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = namespace;
  }
  return env;
}

/** A kubeconfig with a token of the Deployment's ServiceAccount (TokenRequest). */
export async function serviceAccountKubeconfig(stack: Stack, deployment: KubeObject): Promise<string> {
  const ns = deployment.metadata.namespace ?? '';
  const sa = deployment.spec.template.spec.serviceAccountName as string;
  const token = await stack.kube.create<{ status: { token: string } }>(
    `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 7200 } },
  );
  return stack.writeKubeconfig(`sa-chart-${ns}-${sa}`, `system:serviceaccount:${ns}:${sa}`, token.status.token);
}

export interface ChartProcess extends HpaTsProcess {
  readonly securePort: number;
  readonly env: Readonly<Record<string, string>>;
  readonly args: readonly string[];
}

/** hpa-ts as the installed Deployment runs it, with the chart's ServiceAccount; ready when /readyz answers. */
export async function startFromChart(stack: Stack, installed: Installed, logName: string): Promise<ChartProcess> {
  const env = containerEnvOf(installed.deployment, installed.namespace);
  const containerArgs = (installed.deployment.spec.template.spec.containers as Container[])[0].args ?? [];
  const kubeconfig = await serviceAccountKubeconfig(stack, installed.deployment);
  // what a node gives a pod: the API server (the in-cluster config) and the pod's own ports
  const { proc, port, securePort, args } = await startSecureCli(
    stack,
    logName,
    [...containerArgs, '--kubeconfig', kubeconfig],
    env,
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    proc,
    port,
    securePort,
    env,
    args,
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    stop: () => proc.stop(10_000),
  };
}

/**
 * `hpa-ts <args>` as the real CLI in a child process, with its plain and secure ports on free
 * loopback ports; resolves once /readyz answers on the plain port.
 */
export async function startSecureCli(
  stack: Stack,
  logName: string,
  given: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ proc: Proc; port: number; securePort: number; args: string[] }> {
  const [port, securePort] = await freePorts(2);
  const args = [
    ...given,
    `--bind-address=127.0.0.1:${port}`,
    `--secure-port=${securePort}`,
    '--secure-bind-address=127.0.0.1',
  ];
  const proc = spawnProc(
    logName,
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'app/main.ts'), ...args],
    join(stack.dir, `${logName}.log`),
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    },
  );
  stack.procs.push(proc);
  await waitUntil(`${logName} /readyz`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
    timeoutMs: 60_000,
    proc,
  });
  return { proc, port, securePort, args };
}

/** The sum of a counter's samples in a /metrics text whose labels include all of `labels`. */
export function counterSum(metricsText: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return metricsText
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
}

export { forbiddenRequests };
