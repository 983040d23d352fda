/** A simulated cluster in virtual time for unit tests: store, clock, simulation. */
import { VirtualClock } from '../../../simulator/clock.js';
import { Resources, createClusterStore, type ObjectStore } from '../../../simulator/apiserver/index.js';
import type { KubeObject } from '../../../simulator/apiserver/types.js';
import { Simulation, type SimulationOptions } from '../../../simulator/simulation.js';

export const T0 = Date.UTC(2025, 0, 1);

export interface TestCluster {
  readonly clock: VirtualClock;
  readonly store: ObjectStore;
  readonly sim: Simulation;
  /** advance virtual time by `seconds`, firing every timer on the way */
  run(seconds: number): Promise<void>;
  pods(namespace?: string): KubeObject[];
}

export function testCluster(opts: Partial<Omit<SimulationOptions, 'store' | 'clock'>> = {}): TestCluster {
  const clock = new VirtualClock(T0);
  const store = createClusterStore({ now: () => clock.now() });
  const sim = new Simulation({ store, clock, ...opts });
  sim.start();
  return {
    clock,
    store,
    sim,
    run: async (seconds) => {
      const end = clock.now() + seconds * 1000;
      while (clock.now() < end) {
        const next = clock.nextTimerAt();
        await clock.advanceTo(next === undefined ? end : Math.min(next, end));
      }
    },
    pods: (namespace = 'default') =>
      [...store.list(Resources.pods, { namespace }).items].sort((a, b) =>
        (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1,
      ),
  };
}

export function deployment(
  name: string,
  opts: { replicas?: number; annotations?: Record<string, string>; containers?: unknown[] } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      labels: { app: name },
      ...(opts.annotations !== undefined ? { annotations: opts.annotations } : {}),
    },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: opts.containers ?? [
            { name: 'app', image: 'app:1', resources: { requests: { cpu: '100m', memory: '300Mi' } } },
          ],
        },
      },
    },
  };
}

export function status(obj: KubeObject): Record<string, unknown> {
  return (obj.status ?? {}) as Record<string, unknown>;
}

export function readyCondition(pod: KubeObject): Record<string, unknown> | undefined {
  return ((status(pod).conditions ?? []) as Record<string, unknown>[]).find((c) => c.type === 'Ready');
}
