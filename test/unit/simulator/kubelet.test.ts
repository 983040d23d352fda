/**
 * The one kubelet model, with a status writer that answers later (as the e2e bed's does over
 * HTTP): each stage is written in order and on time, and a pod that is gone stops its lifecycle.
 */
import { describe, expect, it } from '@jest/globals';
import { VirtualClock } from '../../../simulator/clock.js';
import type { KubeObject } from '../../../simulator/apiserver/types.js';
import { Kubelet, StatusWrite, type PodStatusWriter } from '../../../simulator/workload/index.js';

const T0 = Date.UTC(2025, 0, 1);

function pod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

interface Written {
  readonly at: number;
  readonly pod: string;
  readonly phase: unknown;
  readonly ready: unknown;
  readonly qosClass: unknown;
}

/** Records what would be patched, answering on a later microtask like an HTTP writer. */
function laterWriter(clock: VirtualClock, gone: Set<string>): { writer: PodStatusWriter; written: Written[] } {
  const written: Written[] = [];
  return {
    written,
    writer: {
      write: async (p, build) => {
        await Promise.resolve();
        const name = p.metadata.name ?? '';
        if (gone.has(name)) return StatusWrite.Gone;
        const status = build(p) as {
          phase: unknown;
          conditions: { type: string; status: string }[];
          qosClass: unknown;
        };
        const ready = status.conditions.find((c) => c.type === 'Ready')?.status;
        written.push({ at: clock.now() - T0, pod: name, phase: status.phase, ready, qosClass: status.qosClass });
        return StatusWrite.Written;
      },
    },
  };
}

describe('the kubelet model with a writer that answers later', () => {
  it('writes Pending at once, Running after the start-up delay and Ready after the readiness delay', async () => {
    const clock = new VirtualClock(T0);
    const { writer, written } = laterWriter(clock, new Set());
    const kubelet = new Kubelet({ pods: writer, clock, defaults: { startupSeconds: 0.3, readinessSeconds: 0.7 } });
    kubelet.observe(pod('web-1'));
    await clock.advance(2000);
    expect(written).toEqual([
      { at: 0, pod: 'web-1', phase: 'Pending', ready: 'False', qosClass: 'Burstable' },
      { at: 300, pod: 'web-1', phase: 'Running', ready: 'False', qosClass: 'Burstable' },
      { at: 1000, pod: 'web-1', phase: 'Running', ready: 'True', qosClass: 'Burstable' },
    ]);
    expect(kubelet.starting).toBe(0);
  });

  it('stops the lifecycle of a pod the writer finds gone, and of a pod forgotten meanwhile', async () => {
    const clock = new VirtualClock(T0);
    const gone = new Set<string>();
    const { writer, written } = laterWriter(clock, gone);
    const kubelet = new Kubelet({ pods: writer, clock, defaults: { startupSeconds: 1, readinessSeconds: 1 } });
    kubelet.observe(pod('a'));
    kubelet.observe(pod('b'));
    await clock.advance(500);
    gone.add('a');
    kubelet.forget(pod('b'));
    await clock.advance(5000);
    expect(written.map((w) => `${w.pod}@${w.at}:${String(w.phase)}`)).toEqual(['a@0:Pending', 'b@0:Pending']);
    expect(kubelet.starting).toBe(0);
  });
});
