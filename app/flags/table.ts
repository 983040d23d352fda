/**
 * Every flag of every `hpa-ts` command, declared once. The commander options (app/flags/commander.ts),
 * the HPA_TS_<FLAG> variables, the defaults of embedded controllers and scenario files
 * (app/settings.ts) and docs/cli.md (`npm run docs:cli`) all come from this table.
 * Flag names and defaults follow kube-controller-manager where it has the flag.
 */
import { NEWEST_MINOR } from '../../algorithms/index.js';
import { bool, duration, int, num, oneOf, text, type FlagKind } from './kinds.js';

export const COMMANDS = ['run', 'explain', 'metrics get', 'simulate', 'demo'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** the value's placeholder in help (`<duration>`); booleans take `[bool]` */
  readonly value?: string;
  readonly kind: FlagKind;
  readonly description: string;
  /** text as a user would type it; absent: the flag is unset unless given */
  readonly default?: string;
  /** what an unset flag without a default means */
  readonly unset?: string;
  readonly commands: readonly CommandName[];
  /** also settable in a scenario file's `controller:` section */
  readonly scenario?: boolean;
  /** why the range is what it is (docs/cli.md) */
  readonly why?: string;
  /** a command that reads the flag differently: its own description, default or kind */
  readonly per?: Partial<
    Readonly<Record<CommandName, Partial<Pick<FlagSpec, 'description' | 'default' | 'kind' | 'unset'>>>>
  >;
}

const METRICS = ['run', 'explain', 'metrics get'] as const satisfies readonly CommandName[];
const CONTROLLER = ['run', 'explain'] as const satisfies readonly CommandName[];
const PROMETHEUS_TOO_LONG = 'longer than the sync period only delays every HPA behind it';

export const FLAG_TABLE = [
  // ---- where the cluster is -------------------------------------------------------------
  {
    name: 'kubeconfig',
    value: 'file',
    kind: text(),
    description: 'kubeconfig file',
    unset: '$KUBECONFIG, ~/.kube/config, or the in-cluster service account',
    commands: ['run', 'explain', 'metrics get'],
  },
  {
    name: 'namespace',
    short: 'n',
    value: 'namespace',
    kind: text(),
    description: 'watch the HPAs and pods of one namespace only',
    unset: 'all namespaces',
    commands: ['run', 'explain', 'metrics get'],
    per: {
      explain: { description: 'namespace of <hpa> when it has none', unset: 'default' },
      'metrics get': { description: 'namespace of the HPA', default: 'default' },
    },
  },
  {
    name: 'hpa-source',
    value: 'source',
    kind: oneOf('builtin', 'crd'),
    description:
      'builtin: autoscaling/v2 HorizontalPodAutoscalers; crd: autoscaling.hpa-ts.io/v1 (for managed clusters)',
    default: 'builtin',
    commands: CONTROLLER,
  },
  // ---- the decision (kube-controller-manager's HPA flags) --------------------------------
  {
    name: 'horizontal-pod-autoscaler-sync-period',
    value: 'duration',
    kind: duration('100ms', '24h'),
    description: 'period for syncing the number of pods in each HPA',
    default: '15s',
    commands: ['run'],
    scenario: true,
    why: 'below 100 ms a sync of many HPAs is still running when the next starts; above a day nothing autoscales',
  },
  {
    name: 'horizontal-pod-autoscaler-tolerance',
    value: 'ratio',
    kind: num(0, 1),
    description: 'minimum change (from 1.0) in the desired-to-actual metrics ratio to consider scaling',
    default: '0.1',
    commands: CONTROLLER,
    scenario: true,
    why: 'at 1 a change of up to 100 % is already ignored and scale-down can never happen',
  },
  {
    name: 'horizontal-pod-autoscaler-downscale-stabilization',
    value: 'duration',
    kind: duration('0', '1h'),
    description: 'period for which the highest recent recommendation is kept before scaling down',
    default: '5m',
    commands: CONTROLLER,
    scenario: true,
    why: "the API's own limit for behavior.scaleDown.stabilizationWindowSeconds (3600 s)",
  },
  {
    name: 'horizontal-pod-autoscaler-cpu-initialization-period',
    value: 'duration',
    kind: duration('0', '1h'),
    description: 'period after pod start when CPU samples may be skipped',
    default: '5m',
    commands: CONTROLLER,
    scenario: true,
    why: 'a pod still starting after an hour is not starting up any more',
  },
  {
    name: 'horizontal-pod-autoscaler-initial-readiness-delay',
    value: 'duration',
    kind: duration('0', '1h'),
    description: 'period after pod start during which readiness changes are treated as initial readiness',
    default: '30s',
    commands: CONTROLLER,
    scenario: true,
    why: 'a pod still starting after an hour is not starting up any more',
  },
  {
    name: 'horizontal-pod-autoscaler-upscale-delay',
    value: 'duration',
    kind: duration('0', '24h'),
    description: 'deprecated by upstream; accepted and ignored',
    commands: ['run'],
  },
  {
    name: 'horizontal-pod-autoscaler-downscale-delay',
    value: 'duration',
    kind: duration('0', '24h'),
    description: 'deprecated by upstream; accepted and ignored',
    commands: ['run'],
  },
  {
    name: 'concurrent-horizontal-pod-autoscaler-syncs',
    value: 'n',
    kind: int(1, 1000),
    description: 'number of HPAs reconciled concurrently',
    default: '5',
    commands: ['run'],
    scenario: true,
    why: 'each worker holds one reconcile in flight; past a thousand they only add memory, the API server limits first',
  },
  {
    name: 'emulated-version',
    value: 'version',
    kind: text(),
    description: `behave like this kube-controller-manager release (1.26 … 1.${NEWEST_MINOR})`,
    default: `1.${NEWEST_MINOR}`,
    commands: CONTROLLER,
    scenario: true,
  },
  {
    name: 'feature-gates',
    value: 'gates',
    kind: text(),
    description:
      'A=true,B=false: HPAConfigurableTolerance, HPAScaleToZero, HPAGeneration, HPAOptimizedSelectorStore, StaleControllerConsistencyHPA, PodLevelResources',
    default: '',
    commands: CONTROLLER,
    scenario: true,
  },
  {
    name: 'error-backoff-base',
    value: 'duration',
    kind: duration('0', '10m'),
    description:
      'first retry of a failed HPA, doubling up to the sync period; 0 = retry one sync period later like upstream',
    default: '1s',
    commands: ['run'],
    scenario: true,
    why: 'the back-off stops at the sync period anyway',
  },
  // ---- what is written -------------------------------------------------------------------
  {
    name: 'dry-run',
    kind: bool(),
    description: 'write nothing (no scale, no status, no events); log every decision as one JSON line',
    default: 'false',
    commands: ['run'],
  },
  {
    name: 'shadow',
    kind: bool(),
    description:
      'watch built-in HPAs, compute decisions, write nothing, and compare with what the built-in controller did',
    default: 'false',
    commands: ['run'],
  },
  {
    name: 'resource-metrics-cache',
    kind: bool(),
    description:
      'fetch metrics.k8s.io once per namespace per sync period and share it between HPAs (off in --shadow; upstream asks per HPA)',
    default: 'true',
    commands: ['run'],
  },
  // ---- leader election -------------------------------------------------------------------
  {
    name: 'leader-elect',
    kind: bool(),
    description: 'elect a leader on a Lease before reconciling',
    default: 'true',
    commands: ['run'],
  },
  {
    name: 'leader-elect-lease-duration',
    value: 'duration',
    kind: duration('1s', '1h'),
    description: 'lease duration',
    default: '15s',
    commands: ['run'],
    why: 'a lease longer than an hour leaves HPAs unattended that long after a leader dies',
  },
  {
    name: 'leader-elect-renew-deadline',
    value: 'duration',
    kind: duration('100ms', '1h'),
    description: 'how long the leader keeps trying to renew before giving up',
    default: '10s',
    commands: ['run'],
    why: 'must stay below the lease duration',
  },
  {
    name: 'leader-elect-retry-period',
    value: 'duration',
    kind: duration('100ms', '1h'),
    description: 'wait between attempts to acquire or renew',
    default: '2s',
    commands: ['run'],
    why: 'must stay below the renew deadline',
  },
  {
    name: 'leader-elect-resource-name',
    value: 'name',
    kind: text(),
    description: 'name of the Lease',
    default: 'hpa-ts',
    commands: ['run'],
  },
  {
    name: 'leader-elect-resource-namespace',
    value: 'namespace',
    kind: text(),
    description: 'namespace of the Lease',
    unset: 'the pod namespace, else default',
    commands: ['run'],
  },
  {
    name: 'leader-elect-identity',
    value: 'id',
    kind: text(),
    description: 'this instance in the Lease',
    unset: 'hostname_uuid',
    commands: ['run'],
  },
  // ---- the process -----------------------------------------------------------------------
  {
    name: 'bind-address',
    value: 'host:port',
    kind: text(),
    description: 'serve /healthz, /readyz and /metrics here',
    default: ':8080',
    commands: ['run'],
  },
  {
    name: 'event-component',
    value: 'name',
    kind: text(),
    description: 'source.component of the events written',
    default: 'horizontal-pod-autoscaler',
    commands: ['run'],
  },
  {
    name: 'log-level',
    value: 'level',
    kind: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    description: 'least severe log event written',
    default: 'info',
    commands: ['run'],
  },
  {
    name: 'log-format',
    value: 'format',
    kind: oneOf('json', 'text'),
    description: 'json (one line per event) or text',
    default: 'json',
    commands: ['run'],
  },
  // ---- the metrics client (run, explain, metrics get) ------------------------------------
  {
    name: 'metrics-client',
    value: 'kind',
    kind: oneOf('apiserver', 'prometheus', 'static'),
    description:
      'where metrics come from: apiserver (metrics.k8s.io, custom.metrics.k8s.io, external.metrics.k8s.io), prometheus (PromQL with prometheus-adapter rules), static (a file)',
    default: 'apiserver',
    commands: [...METRICS, 'demo'],
    per: {
      demo: {
        kind: oneOf('apiserver', 'prometheus'),
        description:
          "apiserver (custom.metrics.k8s.io) or prometheus (the simulator's Prometheus API with the seed's adapter rule)",
      },
    },
  },
  {
    name: 'prometheus-url',
    value: 'url',
    kind: text(),
    description: 'Prometheus base URL (with --metrics-client=prometheus)',
    commands: METRICS,
  },
  {
    name: 'adapter-config',
    value: 'file',
    kind: text(),
    description: 'prometheus-adapter configuration file (rules, resourceRules, externalRules; or Helm values)',
    commands: METRICS,
  },
  {
    name: 'static-file',
    value: 'file',
    kind: text(),
    description: 'YAML/JSON file of metric values (with --metrics-client=static)',
    commands: METRICS,
  },
  {
    name: 'prometheus-token-file',
    value: 'file',
    kind: text(),
    description: 'bearer token file for Prometheus (re-read when it changes)',
    commands: METRICS,
  },
  {
    name: 'prometheus-basic-auth-user',
    value: 'user',
    kind: text(),
    description: 'basic auth user for Prometheus',
    commands: METRICS,
  },
  {
    name: 'prometheus-basic-auth-password-file',
    value: 'file',
    kind: text(),
    description: 'basic auth password file for Prometheus',
    commands: METRICS,
  },
  {
    name: 'prometheus-ca-file',
    value: 'file',
    kind: text(),
    description: 'CA bundle to verify Prometheus',
    commands: METRICS,
  },
  {
    name: 'prometheus-client-cert-file',
    value: 'file',
    kind: text(),
    description: 'client certificate for Prometheus',
    commands: METRICS,
  },
  {
    name: 'prometheus-client-key-file',
    value: 'file',
    kind: text(),
    description: 'client key for Prometheus',
    commands: METRICS,
  },
  {
    name: 'prometheus-insecure-skip-tls-verify',
    kind: bool(),
    description: 'do not verify the Prometheus serving certificate',
    default: 'false',
    commands: METRICS,
  },
  {
    name: 'adapter-parity',
    kind: bool(),
    description: "reproduce prometheus-adapter's lossy choices (NaN → 0, sample timestamps = now)",
    default: 'false',
    commands: METRICS,
  },
  {
    name: 'prometheus-verb',
    value: 'verb',
    kind: oneOf('GET', 'POST', 'auto'),
    description: 'HTTP verb for queries: GET, POST, or auto (POST when the query is long)',
    default: 'auto',
    commands: METRICS,
  },
  {
    name: 'metrics-relist-interval',
    value: 'duration',
    kind: duration('1s', '24h'),
    description: 'how often series discovery is refreshed (prometheus-adapter --metrics-relist-interval)',
    default: '10m',
    commands: CONTROLLER,
    why: 'below a second discovery would hammer Prometheus; above a day new series are never found',
  },
  {
    name: 'metrics-timeout',
    value: 'duration',
    kind: duration('10ms', '10m'),
    description: 'timeout of one metrics request',
    default: '10s',
    commands: CONTROLLER,
    why: `a request ${PROMETHEUS_TOO_LONG}`,
  },
  // ---- metrics get ------------------------------------------------------------------------
  {
    name: 'timeout',
    value: 'duration',
    kind: duration('10ms', '10m'),
    description: 'per-request timeout',
    default: '10s',
    commands: ['metrics get'],
    why: 'as --metrics-timeout',
  },
  {
    name: 'selector',
    short: 'l',
    value: 'selector',
    kind: text(),
    description: 'pod label selector (the scale target selector), e.g. app=web',
    commands: ['metrics get'],
  },
  {
    name: 'metric-selector',
    value: 'selector',
    kind: text(),
    description: 'metric label selector (metric.selector of the HPA)',
    commands: ['metrics get'],
  },
  {
    name: 'container',
    value: 'name',
    kind: text(),
    description: 'resource: only this container (ContainerResource)',
    commands: ['metrics get'],
  },
  {
    name: 'described-object',
    value: 'kind/name',
    kind: text(),
    description: 'object: the described object, e.g. Ingress/main-route',
    commands: ['metrics get'],
  },
  {
    name: 'described-object-api-version',
    value: 'apiVersion',
    kind: text(),
    description: 'object: apiVersion of the described object, e.g. networking.k8s.io/v1',
    commands: ['metrics get'],
  },
  {
    name: 'show-query',
    kind: bool(),
    description: 'print the PromQL (prometheus) or API path (apiserver) that was sent',
    default: 'false',
    commands: ['metrics get'],
  },
  {
    name: 'pods',
    value: 'names',
    kind: text(),
    description: 'prometheus without a kubeconfig: comma-separated names of the selected pods',
    commands: ['metrics get'],
  },
  {
    name: 'output',
    short: 'o',
    value: 'format',
    kind: oneOf('text', 'json'),
    description: 'text (every input and step) or json (the decision record)',
    default: 'text',
    commands: ['explain', 'metrics get', 'simulate'],
    per: {
      'metrics get': { kind: oneOf('table', 'json'), default: 'table', description: 'table or json' },
      simulate: { description: 'scenario output: text (a kubectl get hpa -w timeline) or json (every decision)' },
    },
  },
  // ---- simulate and demo -----------------------------------------------------------------
  {
    name: 'serve',
    kind: bool(),
    description: 'keep a simulated cluster running: API server, workloads, load, metrics APIs, Prometheus API',
    default: 'false',
    commands: ['simulate'],
  },
  {
    name: 'port',
    value: 'n',
    kind: int(0, 65535),
    description: 'API server port with --serve (0 = any free port)',
    default: '0',
    commands: ['simulate'],
  },
  {
    name: 'prometheus-port',
    value: 'n',
    kind: int(0, 65535),
    description: 'Prometheus HTTP API port with --serve (0 = any free port)',
    default: '0',
    commands: ['simulate'],
  },
  {
    name: 'kubeconfig-out',
    value: 'file',
    kind: text(),
    description: 'with --serve: kubeconfig written once the cluster is ready',
    default: 'sim.kubeconfig',
    commands: ['simulate', 'demo'],
    per: {
      demo: {
        description: 'write a kubeconfig for the simulated cluster (kubectl get hpa -w while it runs)',
        default: undefined,
        unset: 'none written',
      },
    },
  },
  {
    name: 'time-scale',
    value: 'factor',
    kind: num(0.01, 1000),
    description: 'with --serve: simulated seconds per real second',
    default: '1',
    commands: ['simulate', 'demo'],
    per: { demo: { description: 'simulated seconds per real second (time compression)', default: '4' } },
    why: 'beyond 1000× timers of a few milliseconds fire late and the simulation drifts from the controller',
  },
  {
    name: 'scrape-interval',
    value: 'duration',
    kind: duration('1s', '1h'),
    description: 'with --serve and no scenario: Prometheus scrape interval and metrics-server resolution',
    unset: '15s',
    commands: ['simulate'],
    why: "Prometheus' own useful range: finer costs memory, coarser leaves the HPA without recent samples",
  },
  {
    name: 'svg',
    value: 'file',
    kind: text(),
    description: 'scenario chart',
    unset: '<scenario>.svg in the current directory',
    commands: ['simulate', 'demo'],
    per: { demo: { description: 'where to write the chart', unset: 'hpa-ts-demo.svg in the temporary directory' } },
  },
  {
    name: 'rps',
    value: 'n',
    kind: num(0, 1_000_000),
    description: 'requests per second during the load phase',
    default: '1000',
    commands: ['demo'],
    why: 'a million requests per second is far beyond what the seed workload scales to',
  },
  {
    name: 'load-duration',
    value: 'duration',
    kind: duration('1s', '4m'),
    description: 'how long the load lasts (simulated)',
    default: '60s',
    commands: ['demo'],
    why: 'the demo stops itself after at most 300 simulated seconds, so a longer load would never be seen to end',
  },
] as const satisfies readonly FlagSpec[];

export type FlagName = (typeof FLAG_TABLE)[number]['name'];
