/**
 * The real control plane on loopback: etcd, kube-apiserver and kube-controller-manager from the
 * binaries test/e2e/stack/build.sh cached, with random free ports, a temp dir, throwaway PKI and
 * a static admin token — the flags smoke.sh proved (see test/e2e/stack/README.md). `stop()` stops
 * everything in reverse order and removes the temp dir (kept when HPA_TS_E2E_KEEP=1).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultGates } from '../../../algorithms/profile.js';
import { Kube } from './kube.js';
import { makePki, type Pki } from './pki.js';
import { freePorts } from './ports.js';
import { registerDir, spawnProc, waitUntil, type Proc } from './procs.js';

export const DEFAULT_K8S_VERSION = 'v1.37.2';

export interface StackEnv {
  readonly K8S_VERSION: string;
  readonly KUBE_APISERVER: string;
  readonly KUBE_CONTROLLER_MANAGER: string;
  readonly ETCD: string;
  readonly PROMETHEUS: string;
  readonly PROMETHEUS_ADAPTER: string;
}

/** The bin dir: $HPA_TS_STACK_BIN (set by global-setup.js from build.sh), else the default cache dir. */
export function stackBinDir(): string {
  if (process.env.HPA_TS_STACK_BIN !== undefined && process.env.HPA_TS_STACK_BIN !== '')
    return process.env.HPA_TS_STACK_BIN;
  const cache = process.env.HPA_TS_STACK_CACHE ?? join(homedir(), '.cache', 'hpa-ts', 'stack');
  return join(cache, process.env.HPA_TS_K8S_VERSION ?? DEFAULT_K8S_VERSION, 'bin');
}

export function loadStackEnv(): StackEnv {
  const file = join(stackBinDir(), 'stack.env');
  const env: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m) env[m[1]] = m[2];
    }
  }
  const bin = (k: string): string => (env[k] !== undefined && env[k] !== '' && existsSync(env[k]) ? env[k] : '');
  return {
    K8S_VERSION: env.K8S_VERSION ?? '',
    KUBE_APISERVER: bin('KUBE_APISERVER'),
    KUBE_CONTROLLER_MANAGER: bin('KUBE_CONTROLLER_MANAGER'),
    ETCD: bin('ETCD'),
    PROMETHEUS: bin('PROMETHEUS'),
    PROMETHEUS_ADAPTER: bin('PROMETHEUS_ADAPTER'),
  };
}

/** Names of the binaries a suite needs that are missing ('' when all are there). */
export function missingBinaries(env: StackEnv, needed: readonly (keyof StackEnv)[]): string {
  return needed
    .filter((k) => env[k] === '')
    .map((k) => k.toLowerCase().replace(/_/g, '-'))
    .join(', ');
}

/** `1.37` from `v1.37.2` (for hpa-ts --emulated-version). */
export function emulatedVersionOf(k8sVersion: string): string {
  const m = /^v?(\d+)\.(\d+)/.exec(k8sVersion);
  return m ? `${m[1]}.${m[2]}` : '1.37';
}

/**
 * kube-apiserver's --feature-gates: the HPA gates a release has off by default, turned on, so
 * that minReplicas 0 and behavior.*.tolerance are stored at every release and each controller
 * (kube-controller-manager and hpa-ts, both with the release's defaults) applies its own gates —
 * the bed then compares both sides of each gate (features.ts).
 */
export function apiserverFeatureGates(minor: number): string {
  const gates = defaultGates(minor);
  const off = (['HPAScaleToZero', 'HPAConfigurableTolerance'] as const).filter((g) => !gates[g]);
  return off.map((g) => `${g}=true`).join(',');
}

export interface StackOptions {
  /** names the temp dir and logs */
  readonly name: string;
  /** run kube-controller-manager's HPA controller (false: hpa-ts is the only HPA controller) */
  readonly hpaController: boolean;
  /** deployment + replicaset controllers (false: the bed's lock-step workload plays them) */
  readonly workloadControllers: boolean;
  /** --horizontal-pod-autoscaler-sync-period, e.g. '4s' (hpa-ts gets the same) */
  readonly syncPeriod: string;
  readonly downscaleStabilization?: string;
  readonly concurrentHpaSyncs?: number;
  /**
   * write kube-apiserver's audit log (audit.ts: every write with its user agent, leases in full);
   * 'all-requests': every request, reads included, at Metadata level (the request budget bench)
   */
  readonly auditLog?: boolean | 'all-requests';
  /** kube-apiserver with the release's default feature gates (default: the HPA gates on, apiserverFeatureGates) */
  readonly releaseDefaultGates?: boolean;
}

/** What restartKcm changes; unset: as the stack's options say (client limits 300/600). */
export interface KcmOverrides {
  readonly hpaController?: boolean;
  /** no other controller (garbage collector, service accounts, workloads): the process is the HPA controller's alone */
  readonly hpaControllerOnly?: boolean;
  readonly apiLimits?: { readonly qps: number; readonly burst: number } | 'defaults';
}

/** A control-plane component a suite may stop and start again (faults). */
export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager';

export interface KcmFlags {
  readonly syncPeriod: string;
  readonly downscaleStabilization: string;
  readonly tolerance: string;
  readonly cpuInitializationPeriod: string;
  readonly initialReadinessDelay: string;
}

export class Stack {
  readonly procs: Proc[] = [];
  readonly kube: Kube;
  readonly kubectlCacheDir: string;
  private stopped = false;
  forgetDir: () => void = () => undefined;
  private ports = { etcd: 0, etcdPeer: 0, kcm: 0 };
  private kcmOverrides: KcmOverrides = {};
  /** etcd data dirs used so far (a fresh one per wipe) */
  private etcdDataDirs = 0;

  private constructor(
    readonly env: StackEnv,
    readonly opts: StackOptions,
    readonly dir: string,
    readonly pki: Pki,
    readonly apiPort: number,
    readonly adminToken: string,
    readonly adminKubeconfig: string,
    readonly kcmFlags: KcmFlags,
  ) {
    this.kube = new Kube(this.server, adminToken, pki.caCert);
    this.kubectlCacheDir = join(dir, 'kubectl-cache');
  }

  get server(): string {
    return `https://127.0.0.1:${this.apiPort}`;
  }

  get emulatedVersion(): string {
    return emulatedVersionOf(this.env.K8S_VERSION);
  }

  /** the minor version of the binaries (37 for v1.37.2) */
  get minor(): number {
    return Number(this.emulatedVersion.split('.')[1]);
  }

  static async start(opts: StackOptions): Promise<Stack> {
    const env = loadStackEnv();
    const missing = missingBinaries(env, ['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
    if (missing !== '') throw new Error(`missing binaries: ${missing} (run test/e2e/stack/build.sh)`);
    const dir = mkdtempSync(join(process.env.HPA_TS_E2E_TMP ?? tmpdir(), `hpa-ts-e2e-${opts.name}-`));
    const forgetDir = registerDir(dir);
    const pki = makePki(join(dir, 'pki'));
    const [etcdPort, etcdPeerPort, apiPort, kcmPort] = await freePorts(4);
    const adminToken = randomBytes(16).toString('hex');
    writeFileSync(join(pki.dir, 'tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n`);
    const adminKubeconfig = join(dir, 'admin.kubeconfig');
    writeFileSync(adminKubeconfig, kubeconfigYaml(`https://127.0.0.1:${apiPort}`, pki.caCert, 'admin', adminToken));
    const kcmFlags: KcmFlags = {
      syncPeriod: opts.syncPeriod,
      downscaleStabilization: opts.downscaleStabilization ?? '5m',
      tolerance: '0.1',
      cpuInitializationPeriod: '5m',
      initialReadinessDelay: '30s',
    };
    const stack = new Stack(env, opts, dir, pki, apiPort, adminToken, adminKubeconfig, kcmFlags);
    stack.forgetDir = forgetDir;
    stack.ports = { etcd: etcdPort, etcdPeer: etcdPeerPort, kcm: kcmPort };
    try {
      await stack.startEtcd(etcdPort, etcdPeerPort);
      await stack.startApiserver(etcdPort);
      await stack.startKcm(kcmPort);
    } catch (e) {
      await stack.stop();
      throw e;
    }
    return stack;
  }

  /** The kube-apiserver audit log file (with `auditLog`). */
  get auditLogFile(): string {
    return join(this.dir, 'audit.log');
  }

  /** Stops one component as a fault would (SIGTERM, then SIGKILL); `startAgain` brings it back. */
  async stopComponent(name: Component): Promise<void> {
    const p = this.procs.find((x) => x.name === name && !x.exitedYet());
    if (p === undefined) return;
    await p.stop(name === 'etcd' ? 10_000 : 5000);
    this.procs.splice(this.procs.indexOf(p), 1);
  }

  /**
   * kube-controller-manager again with its HPA controller on or off, and its client limits
   * ('defaults': no --kube-api-qps/--kube-api-burst, upstream's 20 and 30 per controller client).
   */
  async restartKcm(overrides: KcmOverrides): Promise<Proc> {
    await this.stopComponent('kube-controller-manager');
    this.kcmOverrides = overrides;
    await this.startKcm(this.ports.kcm);
    const p = this.procs.find((x) => x.name === 'kube-controller-manager' && !x.exitedYet());
    if (p === undefined) throw new Error('kube-controller-manager did not start');
    return p;
  }

  /** Starts a stopped component on its ports; etcd with `freshData` starts on a new, empty data dir (state lost). */
  async startAgain(name: Component, opts: { freshData?: boolean } = {}): Promise<void> {
    if (name === 'etcd') {
      if (opts.freshData === true) this.etcdDataDirs++;
      await this.startEtcd(this.ports.etcd, this.ports.etcdPeer);
    } else if (name === 'kube-apiserver') await this.startApiserver(this.ports.etcd);
    else await this.startKcm(this.ports.kcm);
  }

  private async startEtcd(port: number, peerPort: number): Promise<void> {
    const dataDir = join(this.dir, this.etcdDataDirs === 0 ? 'etcd' : `etcd-${this.etcdDataDirs}`);
    mkdirSync(dataDir, { mode: 0o700, recursive: true });
    const url = `http://127.0.0.1:${port}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const p = spawnProc(
      'etcd',
      this.env.ETCD,
      // prettier-ignore
      [
        '--name', 'e2e', '--data-dir', dataDir,
        '--listen-client-urls', url, '--advertise-client-urls', url,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `e2e=${peer}`,
        '--log-level', 'warn', '--quota-backend-bytes', String(2 * 1024 ** 3),
        // no fsync: a throwaway data dir (faster on slow disks)
        '--unsafe-no-fsync',
      ],
      join(this.dir, 'etcd.log'),
    );
    this.procs.push(p);
    await waitUntil('etcd /health', async () => (await fetch(`${url}/health`)).ok, { timeoutMs: 30_000, proc: p });
  }

  private async startApiserver(etcdPort: number): Promise<void> {
    const k = this.pki;
    const gates = this.opts.releaseDefaultGates === true ? '' : apiserverFeatureGates(this.minor);
    const p = spawnProc(
      'kube-apiserver',
      this.env.KUBE_APISERVER,
      // prettier-ignore
      [
        '--etcd-servers', `http://127.0.0.1:${etcdPort}`,
        '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(this.apiPort),
        '--endpoint-reconciler-type', 'none',
        '--tls-cert-file', k.apiserverCert, '--tls-private-key-file', k.apiserverKey,
        '--client-ca-file', k.caCert, '--cert-dir', join(this.dir, 'cert-dir'),
        '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
        '--service-account-key-file', k.saPub, '--service-account-signing-key-file', k.saKey,
        '--service-cluster-ip-range', '10.0.0.0/24',
        '--authorization-mode', 'RBAC',
        '--token-auth-file', join(k.dir, 'tokens.csv'),
        '--requestheader-client-ca-file', k.frontProxyCaCert,
        '--requestheader-allowed-names', 'front-proxy-client',
        '--requestheader-username-headers', 'X-Remote-User',
        '--requestheader-group-headers', 'X-Remote-Group',
        '--requestheader-extra-headers-prefix', 'X-Remote-Extra-',
        '--proxy-client-cert-file', k.frontProxyClientCert, '--proxy-client-key-file', k.frontProxyClientKey,
        '--enable-aggregator-routing=false',
        '--profiling=false',
        '--max-requests-inflight', '1000', '--max-mutating-requests-inflight', '500',
        ...this.auditFlags(),
        ...(gates !== '' ? ['--feature-gates', gates] : []),
      ],
      join(this.dir, 'kube-apiserver.log'),
    );
    this.procs.push(p);
    await waitUntil(
      'kube-apiserver /readyz',
      async () => (await this.kube.raw('GET', '/readyz', undefined, undefined, 2000)).status === 200,
      {
        timeoutMs: 120_000,
        proc: p,
      },
    );
    // the system namespaces appear just after /readyz
    await waitUntil(
      'namespace default',
      async () => (await this.kube.getOrUndefined('/api/v1/namespaces/default')) !== undefined,
      { timeoutMs: 30_000, proc: p },
    );
  }

  private auditFlags(): string[] {
    if (this.opts.auditLog === undefined || this.opts.auditLog === false) return [];
    const policy = join(this.dir, 'audit-policy.yaml');
    writeFileSync(policy, this.opts.auditLog === 'all-requests' ? AUDIT_EVERY_REQUEST : AUDIT_POLICY);
    // prettier-ignore
    return ['--audit-policy-file', policy, '--audit-log-path', this.auditLogFile, '--audit-log-format', 'json', '--audit-log-maxsize', '0'];
  }

  private async startKcm(port: number): Promise<void> {
    const o = this.opts;
    const controllers = [
      'garbage-collector-controller',
      'serviceaccount-controller',
      'serviceaccount-token-controller',
    ];
    if (o.workloadControllers) controllers.push('deployment-controller', 'replicaset-controller');
    const hpaController = this.kcmOverrides.hpaController ?? o.hpaController;
    if (this.kcmOverrides.hpaControllerOnly === true) controllers.length = 0;
    if (hpaController) controllers.push('horizontal-pod-autoscaler-controller');
    const limits = this.kcmOverrides.apiLimits === undefined ? { qps: 300, burst: 600 } : this.kcmOverrides.apiLimits;
    const f = this.kcmFlags;
    const p = spawnProc(
      'kube-controller-manager',
      this.env.KUBE_CONTROLLER_MANAGER,
      // prettier-ignore
      [
        '--kubeconfig', this.adminKubeconfig,
        '--authentication-kubeconfig', this.adminKubeconfig, '--authorization-kubeconfig', this.adminKubeconfig,
        '--bind-address', '127.0.0.1', '--secure-port', String(port), '--cert-dir', join(this.dir, 'kcm-cert-dir'),
        '--leader-elect=false',
        '--controllers', controllers.join(','),
        // each controller with its own ServiceAccount: the HPA controller's requests to the metrics
        // APIs arrive as system:serviceaccount:kube-system:horizontal-pod-autoscaler
        '--use-service-account-credentials',
        '--service-account-private-key-file', this.pki.saKey, '--root-ca-file', this.pki.caCert,
        ...(limits === 'defaults' ? [] : ['--kube-api-qps', String(limits.qps), '--kube-api-burst', String(limits.burst)]),
        '--horizontal-pod-autoscaler-sync-period', f.syncPeriod,
        '--horizontal-pod-autoscaler-downscale-stabilization', f.downscaleStabilization,
        '--horizontal-pod-autoscaler-tolerance', f.tolerance,
        '--horizontal-pod-autoscaler-cpu-initialization-period', f.cpuInitializationPeriod,
        '--horizontal-pod-autoscaler-initial-readiness-delay', f.initialReadinessDelay,
        '--concurrent-horizontal-pod-autoscaler-syncs', String(o.concurrentHpaSyncs ?? 20),
        '--concurrent-deployment-syncs', '20', '--concurrent-replicaset-syncs', '20',
      ],
      join(this.dir, 'kube-controller-manager.log'),
    );
    this.procs.push(p);
    await waitUntil(
      'kube-controller-manager: ServiceAccount default/default',
      async () => (await this.kube.getOrUndefined('/api/v1/namespaces/default/serviceaccounts/default')) !== undefined,
      {
        timeoutMs: 90_000,
        proc: p,
      },
    );
  }

  /** A namespace, once its `default` ServiceAccount exists (pods are rejected before that). */
  async createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    await this.kube.apply('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    await waitUntil(
      `ServiceAccount ${name}/default`,
      async () => (await this.kube.getOrUndefined(`/api/v1/namespaces/${name}/serviceaccounts/default`)) !== undefined,
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
  }

  /** Runs the real kubectl against this cluster (fresh cache dir: kubectl caches /version). */
  kubectl(
    args: readonly string[],
    opts: { kubeconfig?: string; input?: string; allowFail?: boolean } = {},
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', opts.kubeconfig ?? this.adminKubeconfig, '--cache-dir', this.kubectlCacheDir, ...args],
        { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
        (err, stdout, stderr) => {
          if (err && opts.allowFail !== true) reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`));
          else resolve(stdout + (err ? stderr : ''));
        },
      );
      if (opts.input !== undefined) {
        child.stdin?.write(opts.input);
        child.stdin?.end();
      }
    });
  }

  /** A kubeconfig file for `user` with a bearer token. */
  writeKubeconfig(name: string, user: string, token: string): string {
    const path = join(this.dir, `${name}.kubeconfig`);
    writeFileSync(path, kubeconfigYaml(this.server, this.pki.caCert, user, token));
    return path;
  }

  /** Registers an aggregated API (ExternalName Service → localhost, the server's real port). */
  async registerApiService(
    group: string,
    version: string,
    service: { name: string; namespace: string; port: number },
    caFile: string,
    versionPriority = 100,
  ): Promise<void> {
    await this.kube.apply(`/api/v1/namespaces/${service.namespace}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service.name, namespace: service.namespace },
      spec: { type: 'ExternalName', externalName: 'localhost' },
    });
    await this.kube.apply('/apis/apiregistration.k8s.io/v1/apiservices', {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `${version}.${group}` },
      spec: {
        group,
        version,
        service,
        caBundle: readFileSync(caFile).toString('base64'),
        groupPriorityMinimum: 100,
        versionPriority,
      },
    });
  }

  /** Waits until every APIService of `group` reports Available=True. */
  async waitApiServiceAvailable(name: string, timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      `APIService ${name} Available`,
      async () => {
        const a = await this.kube.getOrUndefined(`/apis/apiregistration.k8s.io/v1/apiservices/${name}`);
        return ((a?.status?.conditions ?? []) as { type: string; status: string }[]).some(
          (c) => c.type === 'Available' && c.status === 'True',
        );
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  logFile(name: string): string {
    return join(this.dir, `${name}.log`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.kube.close();
    for (const p of [...this.procs].reverse()) await p.stop(p.name === 'etcd' ? 10_000 : 5000);
    if (process.env.HPA_TS_E2E_KEEP === '1') process.stderr.write(`e2e: kept ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
    this.forgetDir();
  }
}

/**
 * Audit what the fault suites attribute: every write that succeeds or fails, at Metadata level
 * (verb, object, user agent, status), and Lease writes with their bodies (who holds the lease).
 */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: RequestResponse
  verbs: [create, update, patch]
  resources: [{group: coordination.k8s.io, resources: [leases]}]
- level: Metadata
  verbs: [create, update, patch, delete]
- level: None
`;

/** Every request at Metadata level (verb, object, user, user agent, times): requests per reconcile by client. */
const AUDIT_EVERY_REQUEST = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
`;

export function kubeconfigYaml(server: string, caFile: string, user: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: e2e`,
    `  cluster: {server: "${server}", certificate-authority: "${caFile}"}`,
    'users:',
    `- name: ${user}`,
    `  user: {token: "${token}"}`,
    'contexts:',
    `- name: e2e`,
    `  context: {cluster: e2e, user: ${user}}`,
    'current-context: e2e',
    '',
  ].join('\n');
}
