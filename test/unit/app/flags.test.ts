import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Command } from '@commander-js/extra-typings';
import { normalizeBoolFlags, readFlags } from '../../../app/flags/commander.js';
import { COMMANDS } from '../../../app/flags/table.js';
import { defaultFlagValues, envName, flagsOf, parseFlags } from '../../../app/flags/values.js';
import { registerMetricsCommand } from '../../../app/metrics-command.js';
import { EMBEDDED_RUN_FLAGS, runSettingsFromFlags } from '../../../app/settings.js';
import { MAX_TIMER_MS, realClock } from '../../../transport/clock.js';

describe('the flag table', () => {
  it.each(COMMANDS)('gives %s defaults that its own parser accepts', (command) => {
    expect(() => defaultFlagValues(command)).not.toThrow();
  });

  it('is where embedded controllers get their defaults: upstream’s, leader election off, no logs', () => {
    const s = runSettingsFromFlags(EMBEDDED_RUN_FLAGS);
    expect(s).toMatchObject({
      syncPeriodMs: 15_000,
      workers: 5,
      leaderElect: false,
      logLevel: 'silent',
      errorBackoffBaseMs: 1000,
      config: { tolerance: 0.1, downscaleStabilizationWindowSeconds: 300, cpuInitializationPeriodSeconds: 300 },
    });
  });

  it('takes --kube-api-qps and --kube-api-burst with client-go’s ranges: 200/400 by default, a negative qps for no limit', () => {
    expect(runSettingsFromFlags(EMBEDDED_RUN_FLAGS)).toMatchObject({ kubeApiQps: 200, kubeApiBurst: 400 });
    expect(runSettingsFromFlags({ ...EMBEDDED_RUN_FLAGS, kubeApiQps: '-1', kubeApiBurst: '0' })).toMatchObject({
      kubeApiQps: -1,
      kubeApiBurst: 0,
    });
    const bad = parseFlags('run', { kubeApiBurst: '2.5' });
    expect(bad.ok ? '' : bad.error.message).toBe('--kube-api-burst: "2.5" is not an integer (expected 0 … 100000)');
  });

  it('takes --metrics-max-age as 0 (off, the default: no max age in the config) or 1s … 1h', () => {
    expect(runSettingsFromFlags(EMBEDDED_RUN_FLAGS).config).not.toHaveProperty('metricsMaxAgeMs');
    expect(runSettingsFromFlags({ ...EMBEDDED_RUN_FLAGS, metricsMaxAge: '0s' }).config).not.toHaveProperty(
      'metricsMaxAgeMs',
    );
    expect(runSettingsFromFlags({ ...EMBEDDED_RUN_FLAGS, metricsMaxAge: '2m' }).config.metricsMaxAgeMs).toBe(120_000);
    const low = parseFlags('run', { metricsMaxAge: '500ms' });
    expect(low.ok ? '' : low.error.message).toBe(
      '--metrics-max-age: 500ms is out of range: must be between 1s and 1h (or 0: off)',
    );
    const text = parseFlags('explain', { metricsMaxAge: '2' });
    expect(text.ok ? '' : text.error.message).toMatch(
      /^--metrics-max-age: time: missing unit in duration "2" .*, or 0: off\)$/,
    );
    expect(parseFlags('run', { metricsMaxAge: '2h' }).ok).toBe(false);
  });

  it('names every variable HPA_TS_<FLAG>', () => {
    expect(envName('--horizontal-pod-autoscaler-sync-period')).toBe('HPA_TS_HORIZONTAL_POD_AUTOSCALER_SYNC_PERIOD');
    for (const f of flagsOf('run')) expect(envName(f.name)).toMatch(/^HPA_TS_[A-Z0-9_]+$/);
  });

  it('declares the metrics-client flags once for run, explain and metrics get', () => {
    const names = (c: (typeof COMMANDS)[number]): string[] =>
      flagsOf(c)
        .map((f) => f.name)
        .filter((n) => n.startsWith('prometheus-') || n === 'adapter-config' || n === 'static-file');
    expect(names('explain')).toEqual(names('run'));
    expect(names('metrics get')).toEqual(names('run'));
  });

  it('rejects a flag the command does not take, listing the known ones', () => {
    const r = parseFlags('demo', { dryRun: 'true' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UnknownFlag', flag: '--dry-run' } });
  });
});

describe('hpa-ts metrics get booleans', () => {
  afterEach(() => {
    delete process.env.HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY;
  });

  async function values(args: string[]): Promise<ReturnType<typeof readFlags>> {
    const program = new Command('hpa-ts').exitOverride();
    registerMetricsCommand(program);
    const get = program.commands.find((c) => c.name() === 'metrics')?.commands.find((c) => c.name() === 'get');
    if (get === undefined) throw new Error('no metrics get');
    let r: ReturnType<typeof readFlags> | undefined;
    get.action(() => void (r = readFlags(get, 'metrics get')));
    await program.parseAsync(['metrics', 'get', ...args], { from: 'user' });
    if (r === undefined) throw new Error('not parsed');
    return r;
  }

  it('HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY=false no longer means true', async () => {
    process.env.HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY = 'false';
    expect(await values(['pods', 'm'])).toMatchObject({ ok: true, value: { prometheusInsecureSkipTlsVerify: false } });
    process.env.HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY = 'yes';
    expect(await values(['pods', 'm'])).toMatchObject({
      ok: false,
      error: { code: 'InvalidBool', env: 'HPA_TS_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY' },
    });
  });

  it('a bare boolean flag does not swallow the next argument', async () => {
    const argv = normalizeBoolFlags(['--show-query', 'pods', 'm', '--', '--dry-run']);
    expect(argv).toEqual(['--show-query=true', 'pods', 'm', '--', '--dry-run']);
    expect(await values(argv.slice(0, 3))).toMatchObject({ ok: true, value: { showQuery: true } });
  });
});

describe('timers longer than Node can hold', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('wait their whole length on the real clock instead of firing at once', () => {
    jest.useFakeTimers();
    const fired: number[] = [];
    realClock.setTimer(MAX_TIMER_MS + 1000, () => fired.push(1));
    jest.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual([1]);
  });
});
