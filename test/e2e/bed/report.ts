/**
 * The side-by-side report: every disagreement classified (classify.ts), and the JSON file with
 * the inputs of each one and a timeline of the scenarios that had any.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGoDurationSeconds } from '../../../algorithms/index.js';
import { classify, type ClassifyContext } from './classify.js';
import { reportDir } from './suite.js';
import type { ClassifiedDisagreement, SideBySideBed } from './side-by-side.js';

export function classifyAll(bed: SideBySideBed): ClassifiedDisagreement[] {
  return bed.results.flatMap((result) =>
    result.comparisons
      .filter((c) => !c.agree)
      .map((record) => ({
        record,
        result,
        causes: classify(record, {
          all: result.comparisons,
          behavior: (result.scenario.hpa.spec as { behavior?: ClassifyContext['behavior'] }).behavior,
          epochs: result.epochHistory,
          kcmSyncs: result.kcmSyncTimes,
          hpaTsResourceReads: result.hpaTsResourceReads,
          downscaleStabilizationSeconds: goSeconds(bed.opts.downscaleStabilization),
          hpaCreatedAt: result.hpaCreatedAt,
          hpaTsOutcomes: result.hpaTsOutcomes,
          periodMs: bed.opts.periodMs,
        }),
      })),
  );
}

/** A Go duration the bed was configured with (a constant: a bad one is a bug in the bed). */
function goSeconds(text: string): number {
  const r = parseGoDurationSeconds(text);
  if (!r.ok) throw new Error(`downscale stabilization ${JSON.stringify(text)}: ${r.error}`);
  return r.value;
}

export function writeReport(bed: SideBySideBed, file: string, extra: Record<string, unknown>): string {
  const path = join(reportDir(), file);
  const disagreements = bed.disagreements().map(({ record, causes, result: r }) => ({
    causes,
    ...record,
    scenario: {
      hpa: r.scenario.hpa,
      metrics: r.scenario.metrics,
      patterns: r.scenario.lockstep.patterns,
      containers: r.scenario.lockstep.containers,
      // the scenario file entry that replays it (HPA_TS_E2E_SCENARIO_FILE)
      choice: r.scenario.choice,
    },
  }));
  writeFileSync(
    path,
    JSON.stringify(
      {
        ...extra,
        summary: bed.summary(),
        causes: bed.causes(),
        phases: bed.phases,
        notes: bed.notes,
        identity: bed.identity,
        scenarios: bed.results.map((r) => ({
          namespace: r.scenario.lockstep.namespace,
          compared: r.comparisons.length,
          agreed: r.comparisons.filter((c) => c.agree).length,
          kcmSyncs: r.kcmSyncs,
          epochs: r.epochs,
          finalReplicas: r.finalReplicas,
          errors: r.errors,
          // for scenarios with a disagreement: every comparison (epoch, built-in current→desired, hpa-ts desired)
          ...(r.comparisons.some((c) => !c.agree)
            ? {
                timeline: r.comparisons.map(
                  (c) =>
                    `${c.epoch}: ${c.builtin.currentReplicas}->${c.builtin.desiredReplicas} ours ${c.ours.desiredReplicas}${c.agree ? '' : ' X'}`,
                ),
                epochsApplied: r.epochHistory.map(
                  (e) =>
                    `${e.epoch}: replicas ${e.replicas} pods ${e.pods.map((p) => (p.ready ? 'R' : p.running ? (p.hasMetrics ? 'u' : 'm') : 'P')).join('')}`,
                ),
                // ms since the HPA was created
                hpaCreatedAt: r.hpaCreatedAt,
                applies: r.epochHistory.map((e) => `${e.at - r.hpaCreatedAt}..${e.endAt - r.hpaCreatedAt}`),
                kcmSyncs: r.kcmSyncTimes.map((t) => t - r.hpaCreatedAt),
                hpaTsReconciles: r.hpaTsOutcomes.map((o) => `${o.at - r.hpaCreatedAt}${o.compared ? 'c' : ''}`),
              }
            : {}),
        })),
        disagreements,
      },
      null,
      1,
    ),
  );
  return path;
}
