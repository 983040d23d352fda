/**
 * `hpa-ts replay`: the HPA (and its --variant what-ifs) over recorded metric values, in virtual
 * time, with the real controller (app/replay.ts). docs/replay.md.
 *
 *   hpa-ts replay --hpa hpa.yaml [--variant other.yaml …] --metrics recorded.csv [--chart out.svg] [-o table|json]
 *   hpa-ts replay --hpa hpa.yaml --prometheus-url URL --adapter-config rules.yaml --from T --to T [--step 15s]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { type Result, err, ok } from '../algorithms/index.js';
import { recorded } from '../metrics-clients/index.js';
import { addFlags, rawFlags } from './flags/commander.js';
import { parseFlags, type FlagValues, type RawFlags } from './flags/values.js';
import { exitAfterFlush, exitWithError } from './exit.js';
import type { ReplayStep, VariantResult } from './replay.js';

/** A usage problem (exit 2) or a failure while replaying (exit 1), one line each. */
interface ReplayProblem {
  readonly message: string;
  readonly exitCode: 1 | 2;
}

const usage = (message: string): ReplayProblem => ({ message, exitCode: 2 });

/** The recording from --metrics, or from Prometheus with --prometheus-url. */
async function loadRecording(
  v: FlagValues,
  hpas: readonly Record<string, unknown>[],
): Promise<Result<{ rec: recorded.Recording; source: string }, ReplayProblem>> {
  if (v.metrics !== undefined) {
    let text: string;
    try {
      text = readFileSync(v.metrics, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return err(usage(`--metrics ${v.metrics}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`));
    }
    const rec = recorded.parseRecording(text, v.metrics);
    return rec.ok ? ok({ rec: rec.value, source: v.metrics }) : err(usage(recorded.formatRecordingError(rec.error)));
  }
  const { recordFromPrometheus } = await import('./replay-prometheus.js');
  const rec = await recordFromPrometheus(v, hpas);
  return rec.ok ? ok({ rec: rec.value, source: v.prometheusUrl ?? '' }) : err(rec.error);
}

function checkSource(v: FlagValues): ReplayProblem | null {
  if (v.hpa === undefined) return usage('--hpa is required (the HorizontalPodAutoscaler to replay)');
  if ((v.metrics === undefined) === (v.prometheusUrl === undefined))
    return usage(
      'give exactly one source: --metrics FILE, or --prometheus-url URL with --adapter-config, --from and --to',
    );
  if (v.prometheusUrl !== undefined) {
    for (const [flag, value] of [
      ['--adapter-config', v.adapterConfig],
      ['--from', v.from],
      ['--to', v.to],
    ] as const) {
      if (value === undefined) return usage(`${flag} is required with --prometheus-url`);
    }
  }
  return null;
}

/** Runs the replay; writes the timelines with `out`, notes with `errOut`; the exit code. */
export async function replay(o: RawFlags, out: (s: string) => void, errOut: (s: string) => void): Promise<number> {
  const values = parseFlags('replay', o);
  if (!values.ok) {
    errOut(`error: ${values.error.message}`);
    return 2;
  }
  const r = await runReplay(values.value);
  if (!r.ok) {
    errOut(`error: ${r.error.message}`);
    return r.error.exitCode;
  }
  const v = values.value;
  if (v.chart !== undefined) {
    const { renderReplayChart } = await import('./replay-chart.js');
    writeFileSync(resolve(v.chart), renderReplayChart(r.value.variants, r.value.rec, r.value.title));
  }
  if (v.output === 'json')
    out(JSON.stringify({ source: r.value.source, variants: r.value.variants.map(jsonOf) }, null, 2));
  else for (const variant of r.value.variants) out(table(variant));
  if (v.chart !== undefined) errOut(`chart: ${resolve(v.chart)}`);
  return 0;
}

async function runReplay(
  v: FlagValues,
): Promise<
  Result<{ source: string; title: string; rec: recorded.Recording; variants: VariantResult[] }, ReplayProblem>
> {
  const bad = checkSource(v);
  if (bad !== null) return err(bad);
  const { loadHpa, replayVariant } = await import('./replay.js');
  const files = [v.hpa ?? '', ...(v.variant ?? '').split(',').filter((f) => f !== '')];
  const hpas: Record<string, unknown>[] = [];
  for (const f of files) {
    const h = loadHpa(f);
    if (!h.ok) return err(usage(h.error));
    hpas.push(h.value);
  }
  const loaded = await loadRecording(v, hpas);
  if (!loaded.ok) return loaded;
  const variants: VariantResult[] = [];
  for (const [i, f] of files.entries()) {
    const r = await replayVariant(hpas[i], f, loaded.value.rec, loaded.value.source);
    if (!r.ok) return err(usage(r.error));
    variants.push(r.value);
  }
  return ok({
    source: loaded.value.source,
    title: `replay of ${loaded.value.source}`,
    rec: loaded.value.rec,
    variants,
  });
}

function jsonOf(v: VariantResult): unknown {
  return { name: v.name, file: v.file, replicas: v.replicaSequence, timeline: v.steps };
}

function metricsCell(s: ReplayStep): string {
  return s.metrics.map((m) => `${m.value ?? '<unknown>'}/${m.target ?? '?'}`).join(', ') || '-';
}

/** One variant as a table: a heading with its replica sequence, then one line per reconcile. */
export function table(v: VariantResult): string {
  const head = ['TIME', 'REPLICAS', 'DESIRED', 'RECOMMENDATION', 'METRICS (current/target)', 'LIMIT', 'CONDITION'];
  const rows = v.steps.map((s) => [
    `${s.t}s`,
    String(s.replicas ?? '-'),
    String(s.desired),
    s.recommendation === null ? '-' : String(s.recommendation),
    metricsCell(s),
    s.limit ?? '-',
    s.condition || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [`${v.name} (${v.file}): replicas ${v.replicaSequence.join(' → ')}`, line(head), ...rows.map(line), ''].join(
    '\n',
  );
}

export function registerReplayCommand(program: Command): void {
  const cmd = program
    .command('replay')
    .description(
      'replay recorded metric values through the real controller in virtual time, for the HPA and --variant what-ifs (docs/replay.md)',
    );
  addFlags(cmd, 'replay');
  // --variant may be repeated: the values are joined with commas, as if given once
  const variant = cmd.options.find((opt) => opt.long === '--variant');
  variant?.argParser((value: string, previous: unknown) =>
    typeof previous === 'string' && previous !== '' ? `${previous},${value}` : value,
  );
  cmd.action(async () => {
    const o = rawFlags(cmd, 'replay');
    const out = (s: string): void => void process.stdout.write(`${s}\n`);
    const errOut = (s: string): void => void process.stderr.write(`${s}\n`);
    let code: number;
    try {
      code = await replay(o, out, errOut);
    } catch (e) {
      exitWithError({ message: `replay failed: ${(e as Error).message}` }, 1);
    }
    await exitAfterFlush(code);
  });
}
