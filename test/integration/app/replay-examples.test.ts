/**
 * Record and replay agree: every scenario shipped in examples/ is run with the recorder around the
 * simulator's metrics client (what `hpa-ts simulate --record` does), its recording written and
 * parsed back, and its HPA replayed over it (what `hpa-ts replay` does). Pods, Resource,
 * ContainerResource, Object and External metrics, scale to zero: the replay goes through the
 * replica counts the run went through.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startRecording } from '../../../app/record.js';
import { replayVariant } from '../../../app/replay.js';
import { loadScenario, runScenario } from '../../../app/scenario-run.js';
import { recorded } from '../../../metrics-clients/index.js';
import { replicaSequence } from '../../../simulator/demo.js';

const DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));
/** what a replay does not model (docs/replay.md#limits): a recording does not say who owns a pod */
const NOT_REPLAYED = new Set(['pod-selection.yaml']);
const SCENARIOS = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !NOT_REPLAYED.has(f))
  .sort();

describe('record, then replay, every example scenario', () => {
  it.each(SCENARIOS)('%s: the replay goes through the recorded run’s replicas', async (file) => {
    const s = loadScenario(`${DIR}${file}`);
    if (!s.ok) throw new Error(s.error);
    const recorder = startRecording(s.value.start);
    const run = await runScenario(s.value, { metrics: recorder.metrics, keepDecisions: true, keepTimeline: true });
    if (!run.ok) throw new Error(run.error);
    const text = recorder.write(`${file}.csv`, run.value.decisions, file);
    const rec = recorded.parseRecordingCsv(text, `${file}.csv`);
    if (!rec.ok) throw new Error(recorded.formatRecordingError(rec.error));
    const hpa = s.value.objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    if (hpa === undefined) throw new Error(`${file}: no HPA`);
    const replayed = await replayVariant(hpa, file, rec.value, `${file}.csv`);
    if (!replayed.ok) throw new Error(replayed.error);
    const ran = replicaSequence(run.value.timeline);
    expect(ran.length).toBeGreaterThan(1); // the run scaled: the comparison says something
    expect(replayed.value.replicaSequence).toEqual(ran);
  });
});
