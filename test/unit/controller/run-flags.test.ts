/**
 * `hpa-ts run`'s flags as a user types them (or sets them in the environment), through the real
 * commander definitions, down to the settings the controller and the metrics client get.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Command } from '@commander-js/extra-typings';
import { metricsFlagsFrom, type RawMetricsOptions } from '../../../controller/cli/metrics-options.js';
import { registerRunCommand } from '../../../controller/cli/run-command.js';
import { runSettingsFromFlags, type RunFlags, type RunSettings } from '../../../controller/options.js';
import type { MetricsFlags } from '../../../metrics-clients/index.js';

async function parseRun(args: string[]): Promise<{ settings: RunSettings; metrics: MetricsFlags }> {
  const program = new Command('hpa-ts').exitOverride();
  registerRunCommand(program);
  const run = program.commands.find((c) => c.name() === 'run');
  if (run === undefined) throw new Error('no run command');
  let parsed: { settings: RunSettings; metrics: MetricsFlags } | undefined;
  // the real action starts the controller: capture what it would be given instead
  run.action(function (this: { opts(): unknown }) {
    const o = this.opts();
    parsed = {
      settings: runSettingsFromFlags(o as RunFlags),
      metrics: metricsFlagsFrom(o as RawMetricsOptions),
    };
  });
  await program.parseAsync(['run', ...args], { from: 'user' });
  if (parsed === undefined) throw new Error('run did not parse');
  return parsed;
}

describe('hpa-ts run flags', () => {
  afterEach(() => {
    delete process.env.HPA_TS_RESOURCE_METRICS_CACHE;
    delete process.env.HPA_TS_METRICS_TIMEOUT;
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
