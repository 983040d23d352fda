import { type Command } from '@commander-js/extra-typings';
import type { MetricsFlags } from '../../metrics-clients/index.js';
import { parseDuration } from '../options.js';
import { envOpt } from './env-option.js';

/** The flags that choose and configure the metrics client, shared by `run`, `explain` and `metrics get`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works on any command, whatever its arguments
export function addMetricsClientOptions<C extends Command<any[], any>>(cmd: C): C {
  cmd.addOption(
    envOpt(
      '--metrics-client <kind>',
      'where metrics come from: apiserver (metrics.k8s.io, custom.metrics.k8s.io, external.metrics.k8s.io), prometheus (PromQL with prometheus-adapter rules), static (a file)',
    ).default('apiserver'),
  );
  cmd.addOption(envOpt('--prometheus-url <url>', 'Prometheus base URL (with --metrics-client=prometheus)'));
  cmd.addOption(
    envOpt('--adapter-config <file>', 'prometheus-adapter configuration file (rules, resourceRules, externalRules)'),
  );
  cmd.addOption(envOpt('--static-file <file>', 'YAML/JSON file of metric values (with --metrics-client=static)'));
  cmd.addOption(envOpt('--prometheus-token-file <file>', 'bearer token file for Prometheus (re-read when it changes)'));
  cmd.addOption(envOpt('--prometheus-basic-auth-user <user>', 'basic auth user for Prometheus'));
  cmd.addOption(envOpt('--prometheus-basic-auth-password-file <file>', 'basic auth password file for Prometheus'));
  cmd.addOption(envOpt('--prometheus-ca-file <file>', 'CA bundle to verify Prometheus'));
  cmd.addOption(envOpt('--prometheus-client-cert-file <file>', 'client certificate for Prometheus'));
  cmd.addOption(envOpt('--prometheus-client-key-file <file>', 'client key for Prometheus'));
  cmd.addOption(
    envOpt('--prometheus-insecure-skip-tls-verify [bool]', 'do not verify the Prometheus serving certificate')
      .default(false)
      .preset('true')
      .argParser((v: string) => v !== 'false'),
  );
  cmd.addOption(
    envOpt('--adapter-parity [bool]', "reproduce prometheus-adapter's lossy choices (NaN → 0, sample timestamps = now)")
      .default(false)
      .preset('true')
      .argParser((v: string) => v !== 'false'),
  );
  cmd.addOption(
    envOpt(
      '--prometheus-verb <verb>',
      'HTTP verb for queries: GET, POST, or auto (POST when the query is long)',
    ).default('auto'),
  );
  cmd.addOption(
    envOpt(
      '--metrics-relist-interval <duration>',
      'how often series discovery is refreshed (prometheus-adapter --metrics-relist-interval)',
    ).default('10m'),
  );
  cmd.addOption(envOpt('--metrics-timeout <duration>', 'timeout of one metrics request').default('10s'));
  return cmd;
}

/** The metrics flags as commander parses them: durations still text. */
export type RawMetricsOptions = Omit<MetricsFlags, 'metricsRelistIntervalMs' | 'metricsTimeoutMs' | 'pods'> & {
  readonly metricsRelistInterval?: string;
  readonly metricsTimeout?: string;
};

export function metricsFlagsFrom(o: RawMetricsOptions): MetricsFlags {
  return {
    ...o,
    ...(o.metricsRelistInterval !== undefined
      ? { metricsRelistIntervalMs: parseDuration(o.metricsRelistInterval, '--metrics-relist-interval') }
      : {}),
    ...(o.metricsTimeout !== undefined
      ? { metricsTimeoutMs: parseDuration(o.metricsTimeout, '--metrics-timeout') }
      : {}),
  };
}
