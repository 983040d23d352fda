import type { Quantity } from './quantity.js';
import type { Instant } from './time.js';

/** The parts of a core/v1 Pod the HPA reads, converted once at the edge (informer or test input). */
export interface PodContainer {
  readonly name: string;
  /** resources.requests, resource name → quantity */
  readonly requests: Readonly<Record<string, Quantity>>;
  /** only meaningful for init containers: "Always" marks a sidecar */
  readonly restartPolicy?: string;
}

/** An ownerReference with `controller: true`, as ownership is decided by it. */
export interface ControllerRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** "" when the reference has none */
  readonly uid: string;
}

export interface PodSnapshot {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** status.phase; "" when unset */
  readonly phase: string;
  /** status of the Ready condition; null when the pod has no Ready condition */
  readonly ready: 'True' | 'False' | 'Unknown' | null;
  /** lastTransitionTime of the Ready condition */
  readonly readyTransitionTime: Instant | null;
  /** status.startTime; null when unset */
  readonly startTime: Instant | null;
  readonly deletionTimestamp: Instant | null;
  readonly containers: readonly PodContainer[];
  readonly initContainers: readonly PodContainer[];
  /** spec.resources.requests (pod-level resources, KEP-2837) */
  readonly podRequests?: Readonly<Record<string, Quantity>> | null;
  /** spec.overhead */
  readonly overhead?: Readonly<Record<string, Quantity>> | null;
  /** metadata.ownerReferences' controller (pod-selection.ts); absent or null when it has none */
  readonly controller?: ControllerRef | null;
}

/** One per-pod sample after the metrics client's conversion (upstream PodMetric). */
export interface PodSample {
  /** milli-units */
  readonly value: bigint;
  readonly timestamp: Instant;
  readonly windowMs: number;
}

export type PodSamples = Map<string, PodSample>;

export interface PodGroups {
  readonly readyPodCount: number;
  readonly unreadyPods: ReadonlySet<string>;
  readonly missingPods: ReadonlySet<string>;
  readonly ignoredPods: ReadonlySet<string>;
}

export interface GroupPodsSettings {
  readonly cpuInitializationPeriodMs: number;
  readonly delayOfInitialReadinessStatusMs: number;
  readonly ignoreSucceededPods: boolean;
}

/**
 * Sorts the pods behind a metric into ready / unready / missing / ignored
 * (upstream groupPods, R1.2.2). The readiness rules apply only to cpu: cpu usage of a starting
 * pod is not representative, while memory and custom metrics are taken as they come.
 */
export function groupPods(
  pods: readonly PodSnapshot[],
  samples: ReadonlyMap<string, PodSample>,
  resource: string,
  settings: GroupPodsSettings,
  now: Instant,
): PodGroups {
  let readyPodCount = 0;
  const unreadyPods = new Set<string>();
  const missingPods = new Set<string>();
  const ignoredPods = new Set<string>();
  for (const pod of pods) {
    if (
      pod.deletionTimestamp !== null ||
      pod.phase === 'Failed' ||
      (settings.ignoreSucceededPods && pod.phase === 'Succeeded')
    ) {
      ignoredPods.add(pod.name);
      continue;
    }
    if (pod.phase === 'Pending') {
      unreadyPods.add(pod.name);
      continue;
    }
    const sample = samples.get(pod.name);
    if (sample === undefined) {
      missingPods.add(pod.name);
      continue;
    }
    if (resource === 'cpu' && isUnreadyForCpu(pod, sample, settings, now)) {
      unreadyPods.add(pod.name);
      continue;
    }
    readyPodCount++;
  }
  return { readyPodCount, unreadyPods, missingPods, ignoredPods };
}

function isUnreadyForCpu(pod: PodSnapshot, sample: PodSample, settings: GroupPodsSettings, now: Instant): boolean {
  if (pod.ready === null || pod.startTime === null) return true;
  const transition = pod.readyTransitionTime ?? Number.NEGATIVE_INFINITY;
  if (pod.startTime + settings.cpuInitializationPeriodMs > now) {
    // Still initialising: a sample taken before the pod became ready covers start-up work.
    return pod.ready === 'False' || sample.timestamp < transition + sample.windowMs;
  }
  // Past initialisation: unready only if it went unready right at start, i.e. was never ready.
  return pod.ready === 'False' && pod.startTime + settings.delayOfInitialReadinessStatusMs > transition;
}

/** Running pods whose Ready condition is True (upstream getReadyPodsCount, R1.8.3). */
export function countReadyPods(pods: readonly PodSnapshot[]): number {
  let n = 0;
  for (const pod of pods) if (pod.phase === 'Running' && pod.ready === 'True') n++;
  return n;
}

export function removeSamples(samples: PodSamples, names: ReadonlySet<string>): void {
  for (const name of names) samples.delete(name);
}
