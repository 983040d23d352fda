/**
 * `hpa-ts run`'s flags as a user types them (or sets them in the environment), through the real
 * commander definitions, down to the settings the controller and the metrics client get.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Command } from '@commander-js/extra-typings';
import { readFlags } from '../../../app/flags/commander.js';
import { registerRunCommand } from '../../../app/run-command.js';
import { controllerFlags, type ControllerFlags } from '../../../app/settings.js';

async function parseRun(args: string[]): Promise<ControllerFlags> {
  const program = new Command('hpa-ts').exitOverride();
  registerRunCommand(program);
  const run = program.commands.find((c) => c.name() === 'run');
  if (run === undefined) throw new Error('no run command');
  let parsed: ControllerFlags | undefined;
  // the real action starts the controller: capture what it would be given instead
  run.action(() => {
    const flags = controllerFlags(readFlags(run, 'run'));
    if (!flags.ok) throw new Error(flags.error.message);
    parsed = flags.value;
  });
  await program.parseAsync(['run', ...args], { from: 'user' });
  if (parsed === undefined) throw new Error('run did not parse');
  return parsed;
}

const VARIABLES = [
  'HPA_TS_RESOURCE_METRICS_CACHE',
  'HPA_TS_METRICS_TIMEOUT',
  'HPA_TS_DRY_RUN',
  'HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY',
  'HPA_TS_HORIZONTAL_POD_AUTOSCALER_SYNC_PERIOD',
];

describe('hpa-ts run flags', () => {
  afterEach(() => {
    for (const v of VARIABLES) delete process.env[v];
  });

  it('--resource-metrics-cache: on by default, off with =false or HPA_TS_RESOURCE_METRICS_CACHE=false, always off with --shadow', async () => {
    expect((await parseRun([])).settings.resourceMetricsCache).toBe(true);
    expect((await parseRun(['--resource-metrics-cache'])).settings.resourceMetricsCache).toBe(true);
    expect((await parseRun(['--resource-metrics-cache=false'])).settings.resourceMetricsCache).toBe(false);
    expect((await parseRun(['--shadow'])).settings.resourceMetricsCache).toBe(false);
    expect((await parseRun(['--shadow', '--resource-metrics-cache=true'])).settings.resourceMetricsCache).toBe(false);
    process.env.HPA_TS_RESOURCE_METRICS_CACHE = 'false';
    expect((await parseRun([])).settings.resourceMetricsCache).toBe(false);
  });

  it('--metrics-timeout and --metrics-relist-interval are Go durations for the metrics client', async () => {
    const dflt = await parseRun([]);
    expect(dflt.metrics).toMatchObject({ metricsTimeoutMs: 10_000, metricsRelistIntervalMs: 600_000 });
    const set = await parseRun(['--metrics-timeout', '2500ms', '--metrics-relist-interval', '1m30s']);
    expect(set.metrics).toMatchObject({ metricsTimeoutMs: 2500, metricsRelistIntervalMs: 90_000 });
    process.env.HPA_TS_METRICS_TIMEOUT = '3s';
    expect((await parseRun([])).metrics.metricsTimeoutMs).toBe(3000);
  });

  it('a malformed duration names its flag', async () => {
    await expect(parseRun(['--metrics-timeout', 'soon'])).rejects.toThrow(/--metrics-timeout/);
  });
});

describe('booleans are strict: true, false, 1 or 0 in any case, from a flag or a variable', () => {
  afterEach(() => {
    for (const v of VARIABLES) delete process.env[v];
  });

  it.each(['false', 'False', 'FALSE', '0'])(
    'HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY=%s keeps TLS verification on',
    async (value) => {
      process.env.HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY = value;
      expect((await parseRun([])).metrics.prometheusInsecureSkipTlsVerify).toBe(false);
    },
  );

  it.each(['true', 'True', '1'])('HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY=%s turns it off', async (value) => {
    process.env.HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY = value;
    expect((await parseRun([])).metrics.prometheusInsecureSkipTlsVerify).toBe(true);
  });

  it('HPA_TS_DRY_RUN=false (or 0, False) writes; true or 1 does not', async () => {
    for (const [value, dryRun] of [
      ['false', false],
      ['False', false],
      ['0', false],
      ['true', true],
      ['1', true],
    ] as const) {
      process.env.HPA_TS_DRY_RUN = value;
      expect([value, (await parseRun([])).settings.dryRun]).toEqual([value, dryRun]);
    }
  });

  it('anything else is a one-line error naming the variable and the flag', async () => {
    process.env.HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY = 'no';
    await expect(parseRun([])).rejects.toThrow(
      'HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY (--prometheus-insecure-skip-tls-verify): "no" is not a boolean (expected true, false, 1 or 0)',
    );
    delete process.env.HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY;
    await expect(parseRun(['--dry-run=yes'])).rejects.toThrow(
      /^--dry-run: "yes" is not a boolean \(expected true, false, 1 or 0\)$/,
    );
  });
});

describe('numbers and durations have a range; outside it the error names flag, value and range', () => {
  afterEach(() => {
    for (const v of VARIABLES) delete process.env[v];
  });

  it('--horizontal-pod-autoscaler-sync-period=1000h is refused (it overflowed Node’s timer)', async () => {
    await expect(parseRun(['--horizontal-pod-autoscaler-sync-period=1000h'])).rejects.toThrow(
      /^--horizontal-pod-autoscaler-sync-period: 1000h is out of range: must be between 100ms and 24h$/,
    );
    process.env.HPA_TS_HORIZONTAL_POD_AUTOSCALER_SYNC_PERIOD = '1000h';
    await expect(parseRun([])).rejects.toThrow(
      /^HPA_TS_HORIZONTAL_POD_AUTOSCALER_SYNC_PERIOD \(--horizontal-pod-autoscaler-sync-period\): 1000h is out of range/,
    );
  });

  it('--metrics-timeout=1000h is refused (every fetch failed at once)', async () => {
    await expect(parseRun(['--metrics-timeout=1000h'])).rejects.toThrow(
      /^--metrics-timeout: 1000h is out of range: must be between 10ms and 10m$/,
    );
  });

  it('--concurrent-horizontal-pod-autoscaler-syncs=1e6 is refused (it exhausted memory)', async () => {
    await expect(parseRun(['--concurrent-horizontal-pod-autoscaler-syncs=1e6'])).rejects.toThrow(
      /^--concurrent-horizontal-pod-autoscaler-syncs: "1e6" is not an integer \(expected 1 … 1000\)$/,
    );
    await expect(parseRun(['--concurrent-horizontal-pod-autoscaler-syncs=1000000'])).rejects.toThrow(
      /^--concurrent-horizontal-pod-autoscaler-syncs: 1000000 is out of range: must be between 1 and 1000$/,
    );
    expect((await parseRun(['--concurrent-horizontal-pod-autoscaler-syncs=1000'])).settings.workers).toBe(1000);
  });

  it('a bare number is not a duration (Go’s rule): the error says so', async () => {
    await expect(parseRun(['--horizontal-pod-autoscaler-sync-period=15'])).rejects.toThrow(
      'time: missing unit in duration "15"',
    );
  });
});
