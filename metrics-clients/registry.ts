/**
 * Builds a MetricsClient from configuration: which adapter (`apiserver`, `prometheus`, `static`),
 * its options, and the caching wrapper around it. Bad configuration comes back as a value naming
 * the field (or file and field) and what was expected; nothing here throws for user mistakes.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { type Result, err, ok } from '../algorithms/index.js';
import {
  ApiDiscovery,
  ApiServerConnection,
  DiscoveryRestMapper,
  StaticRestMapper,
  type RestMapper,
} from '../transport/index.js';
import { ApiServerMetricsClient } from './apiserver/client.js';
import { CachingMetricsClient, type CacheOptions, type Invalidatable, type MetricsCacheStats } from './cache.js';
import type { MetricsClient } from './port.js';
import { loadAdapterConfig } from './prometheus/adapter-config.js';
import { PrometheusMetricsClient } from './prometheus/client.js';
import { PrometheusApi, type PrometheusConnectionOptions } from './prometheus/http-api.js';
import { type MetricsLogger, type RequestObserver, silentLogger } from './shared/observe.js';
import { type KnownPod, type PodLister, kubePodLister, staticPodLister } from './shared/pod-lister.js';
import { StaticMetricsClient } from './static/client.js';
import { type StaticMetricsData, loadStaticMetrics } from './static/format.js';

export const MetricsClientKind = { apiserver: 'apiserver', prometheus: 'prometheus', static: 'static' } as const;
export type MetricsClientKind = (typeof MetricsClientKind)[keyof typeof MetricsClientKind];

interface CommonConfig {
  /** per-request timeout, default 10 s */
  readonly timeoutMs?: number;
  /** caching wrapper; default: resource metrics shared for 15 s, custom/external not cached */
  readonly cache?: CacheOptions & { readonly enabled?: boolean };
}

export interface ApiServerConfig extends CommonConfig {
  readonly kind: 'apiserver';
  /** custom metrics version and REST mappings are re-discovered after this; default 15 s */
  readonly discoveryTtlMs?: number;
}

/** How to reach Prometheus: the connection's access options, as given to PrometheusApi. */
type PrometheusAccess = Pick<
  PrometheusConnectionOptions,
  'method' | 'bearerTokenFile' | 'basicAuth' | 'caFile' | 'certFile' | 'keyFile' | 'insecureSkipTlsVerify'
>;

export interface PrometheusConfig extends CommonConfig, PrometheusAccess {
  readonly kind: 'prometheus';
  readonly prometheusUrl: string;
  /** prometheus-adapter config file (or Helm values file) */
  readonly adapterConfigPath: string;
  readonly relistIntervalMs?: number;
  readonly maxAgeMs?: number;
  readonly relistOnMissMs?: number;
  readonly adapterParity?: boolean;
  /** pods to use when neither a PodLister nor a kubeconfig is given */
  readonly pods?: readonly KnownPod[];
}

export interface StaticConfig extends CommonConfig {
  readonly kind: 'static';
  readonly staticFile?: string;
  /** in-memory data (a recording); wins over staticFile */
  readonly staticData?: StaticMetricsData;
}

export type MetricsClientConfig = ApiServerConfig | PrometheusConfig | StaticConfig;

export interface MetricsClientDeps {
  /** where the API server is, when no shared connection is given */
  readonly kubeConfig?: KubeConfig;
  /** the process's one API-server connection (shared with the cluster adapter; the caller closes it) */
  readonly connection?: ApiServerConnection;
  readonly podLister?: PodLister;
  readonly now: () => number;
  readonly logger?: MetricsLogger;
  readonly onRequest?: RequestObserver;
}

export interface MetricsConfigError {
  /** the config field (or `file: field`) that is wrong */
  readonly field: string;
  readonly message: string;
}

/** What createMetricsClient returns: the client, its cache counters, and the per-sync invalidation. */
export interface ManagedMetricsClient extends MetricsClient, Invalidatable {
  stats(): MetricsCacheStats;
}

function fail(field: string, message: string): Result<never, MetricsConfigError> {
  return err({ field, message });
}

interface Connected {
  readonly conn: ApiServerConnection;
  /** opened here from the kubeconfig (closed with the client) rather than shared */
  readonly owned: boolean;
}

/** The shared connection, or one opened from the kubeconfig and checked (a kubeconfig that cannot work is a config error). */
async function connect(deps: MetricsClientDeps, field: string): Promise<Result<Connected, MetricsConfigError>> {
  if (deps.connection !== undefined) return ok({ conn: deps.connection, owned: false });
  if (deps.kubeConfig === undefined)
    return fail(field, 'needs a kubeconfig (--kubeconfig, KUBECONFIG, or in-cluster service account)');
  const conn = ApiServerConnection.fromKubeConfig(deps.kubeConfig, {
    now: deps.now,
    userAgent: 'hpa-ts/metrics-client',
  });
  const checked = await conn.check();
  return checked.ok ? ok({ conn, owned: true }) : fail('kubeconfig', checked.error);
}

/** Discovery over the connection, re-read after `ttlMs`, with the one REST mapper's fallback rule. */
function discoveryMapper(
  conn: ApiServerConnection,
  deps: MetricsClientDeps,
  ttlMs: number,
  timeoutMs?: number,
): RestMapper {
  const discovery = new ApiDiscovery(
    (path) => conn.requestJson({ verb: 'get', resource: 'discovery', path, timeoutMs }),
    { now: deps.now, ttlMs },
  );
  return new DiscoveryRestMapper(discovery, { now: deps.now });
}

async function createInner(
  config: MetricsClientConfig,
  deps: MetricsClientDeps,
): Promise<Result<MetricsClient, MetricsConfigError>> {
  switch (config.kind) {
    case 'apiserver': {
      const connected = await connect(deps, 'kind');
      if (!connected.ok) return connected;
      return ok(
        new ApiServerMetricsClient(
          connected.value.conn,
          { timeoutMs: config.timeoutMs, discoveryTtlMs: config.discoveryTtlMs },
          { now: deps.now, onRequest: deps.onRequest },
          connected.value.owned,
        ),
      );
    }
    case 'prometheus': {
      if (config.prometheusUrl === '')
        return fail(
          'prometheusUrl',
          'is required for the prometheus metrics client (e.g. http://prometheus.monitoring:9090)',
        );
      if (config.adapterConfigPath === '')
        return fail(
          'adapterConfigPath',
          'is required for the prometheus metrics client (a prometheus-adapter config file)',
        );
      const adapter = loadAdapterConfig(config.adapterConfigPath);
      if (!adapter.ok)
        return fail(
          adapter.error.field === '' ? config.adapterConfigPath : `${config.adapterConfigPath}: ${adapter.error.field}`,
          adapter.error.message,
        );
      const api = PrometheusApi.create(
        {
          url: config.prometheusUrl,
          timeoutMs: config.timeoutMs,
          method: config.method,
          bearerTokenFile: config.bearerTokenFile,
          basicAuth: config.basicAuth,
          caFile: config.caFile,
          certFile: config.certFile,
          keyFile: config.keyFile,
          insecureSkipTlsVerify: config.insecureSkipTlsVerify,
        },
        deps.now,
        deps.onRequest,
      );
      if (!api.ok) return fail('prometheusUrl', api.error);
      let podLister = deps.podLister;
      let restMapper: RestMapper = new StaticRestMapper();
      if (podLister === undefined && config.pods !== undefined) podLister = staticPodLister(config.pods);
      if (deps.kubeConfig !== undefined || deps.connection !== undefined) {
        const connected = await connect(deps, 'kubeconfig');
        if (!connected.ok) return connected;
        podLister ??= kubePodLister(connected.value.conn, config.timeoutMs);
        restMapper = discoveryMapper(connected.value.conn, deps, config.relistIntervalMs ?? 600_000, config.timeoutMs);
      }
      const client = await PrometheusMetricsClient.create(
        adapter.value,
        api.value,
        {
          relistIntervalMs: config.relistIntervalMs,
          maxAgeMs: config.maxAgeMs,
          relistOnMissMs: config.relistOnMissMs,
          adapterParity: config.adapterParity,
        },
        { now: deps.now, restMapper, podLister, logger: deps.logger ?? silentLogger, onRequest: deps.onRequest },
      );
      if (!client.ok) {
        api.value.close();
        return fail('adapterConfigPath', client.error);
      }
      return client;
    }
    case 'static': {
      if (config.staticData !== undefined) return ok(new StaticMetricsClient(config.staticData, deps.now));
      if (config.staticFile === undefined || config.staticFile === '')
        return fail('staticFile', 'is required for the static metrics client (a YAML or JSON file)');
      const data = loadStaticMetrics(config.staticFile);
      if (!data.ok) return fail('staticFile', data.error);
      return ok(new StaticMetricsClient(data.value, deps.now));
    }
    default: {
      const kind: unknown = (config as { kind?: unknown }).kind;
      return fail('kind', `unknown metrics client ${JSON.stringify(kind)} (expected apiserver, prometheus or static)`);
    }
  }
}

/** The configured adapter inside the caching wrapper. */
export async function createMetricsClient(
  config: MetricsClientConfig,
  deps: MetricsClientDeps,
): Promise<Result<ManagedMetricsClient, MetricsConfigError>> {
  const inner = await createInner(config, deps);
  if (!inner.ok) return inner;
  const enabled = config.cache?.enabled ?? true;
  const cache = new CachingMetricsClient(
    inner.value,
    enabled ? (config.cache ?? {}) : { resourceTtlMs: 0, customTtlMs: 0, externalTtlMs: 0 },
    deps.now,
  );
  return ok(cache);
}

/** The flags of `hpa-ts metrics …` and `hpa-ts run` that choose and configure a metrics client. */
export interface MetricsFlags {
  readonly metricsClient?: string;
  readonly prometheusUrl?: string;
  readonly adapterConfig?: string;
  readonly staticFile?: string;
  readonly prometheusTokenFile?: string;
  readonly prometheusBasicAuthUser?: string;
  readonly prometheusBasicAuthPasswordFile?: string;
  readonly prometheusCaFile?: string;
  readonly prometheusClientCertFile?: string;
  readonly prometheusClientKeyFile?: string;
  readonly prometheusInsecureSkipTlsVerify?: boolean;
  readonly adapterParity?: boolean;
  readonly prometheusVerb?: string;
  readonly metricsRelistIntervalMs?: number;
  readonly metricsTimeoutMs?: number;
  readonly pods?: readonly KnownPod[];
}

/** Flat flags → MetricsClientConfig, or the flag that is missing or wrong. */
export function metricsClientOptionsFromFlags(flags: MetricsFlags): Result<MetricsClientConfig, MetricsConfigError> {
  const kind = flags.metricsClient ?? 'apiserver';
  const timeoutMs = flags.metricsTimeoutMs;
  switch (kind) {
    case 'apiserver':
      return ok({ kind, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    case 'static':
      if (flags.staticFile === undefined || flags.staticFile === '')
        return fail('--static-file', 'is required with --metrics-client=static');
      return ok({ kind, staticFile: flags.staticFile, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    case 'prometheus': {
      if (flags.prometheusUrl === undefined || flags.prometheusUrl === '')
        return fail('--prometheus-url', 'is required with --metrics-client=prometheus');
      if (flags.adapterConfig === undefined || flags.adapterConfig === '')
        return fail(
          '--adapter-config',
          'is required with --metrics-client=prometheus (a prometheus-adapter config file)',
        );
      const verb = flags.prometheusVerb ?? 'auto';
      if (verb !== 'GET' && verb !== 'POST' && verb !== 'auto')
        return fail('--prometheus-verb', `must be GET, POST or auto, not ${JSON.stringify(verb)}`);
      if ((flags.prometheusBasicAuthUser === undefined) !== (flags.prometheusBasicAuthPasswordFile === undefined)) {
        return fail(
          '--prometheus-basic-auth-user',
          'basic auth needs both --prometheus-basic-auth-user and --prometheus-basic-auth-password-file',
        );
      }
      return ok({
        kind,
        prometheusUrl: flags.prometheusUrl,
        adapterConfigPath: flags.adapterConfig,
        method: verb,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(flags.prometheusTokenFile === undefined ? {} : { bearerTokenFile: flags.prometheusTokenFile }),
        ...(flags.prometheusBasicAuthUser === undefined || flags.prometheusBasicAuthPasswordFile === undefined
          ? {}
          : {
              basicAuth: {
                username: flags.prometheusBasicAuthUser,
                passwordFile: flags.prometheusBasicAuthPasswordFile,
              },
            }),
        ...(flags.prometheusCaFile === undefined ? {} : { caFile: flags.prometheusCaFile }),
        ...(flags.prometheusClientCertFile === undefined ? {} : { certFile: flags.prometheusClientCertFile }),
        ...(flags.prometheusClientKeyFile === undefined ? {} : { keyFile: flags.prometheusClientKeyFile }),
        ...(flags.prometheusInsecureSkipTlsVerify === true ? { insecureSkipTlsVerify: true } : {}),
        ...(flags.adapterParity === true ? { adapterParity: true } : {}),
        ...(flags.metricsRelistIntervalMs === undefined ? {} : { relistIntervalMs: flags.metricsRelistIntervalMs }),
        ...(flags.pods === undefined ? {} : { pods: flags.pods }),
      });
    }
    default:
      return fail('--metrics-client', `must be apiserver, prometheus or static, not ${JSON.stringify(kind)}`);
  }
}
