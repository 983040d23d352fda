import type { PodContainer, PodSnapshot } from './pods.js';
import type { Profile } from './profile.js';
import type { Quantity } from './quantity.js';
import { err, ok, type Result } from './result.js';

/** Requests of every listed pod in milli-units, or the first error (upstream calculateRequests, R1.3.1). */
export function calculateRequests(
  pods: readonly PodSnapshot[],
  container: string,
  resource: string,
  profile: Pick<Profile, 'sidecarRequests' | 'containerNotFoundIsError' | 'gates'>,
): Result<Map<string, bigint>, string> {
  const requests = new Map<string, bigint>();
  for (const pod of pods) {
    // Failed and deleting pods need requests too: upstream computes them before grouping.
    const r =
      profile.gates.PodLevelResources && container === '' && hasPodLevelRequests(pod)
        ? calculatePodLevelRequests(pod, resource)
        : calculatePodRequestsFromContainers(pod, container, resource, profile);
    if (!r.ok) return r;
    requests.set(pod.name, r.value);
  }
  return ok(requests);
}

function isPodLevelResourceName(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');
}

function hasPodLevelRequests(pod: PodSnapshot): boolean {
  const reqs = pod.podRequests;
  if (reqs === null || reqs === undefined) return false;
  return Object.keys(reqs).some(isPodLevelResourceName);
}

/** Sum of the counted containers' requests; a named container counts alone (calculatePodRequestsFromContainers). */
export function calculatePodRequestsFromContainers(
  pod: PodSnapshot,
  container: string,
  resource: string,
  profile: Pick<Profile, 'sidecarRequests' | 'containerNotFoundIsError'>,
): Result<bigint, string> {
  const candidates: PodContainer[] = [...pod.containers];
  if (profile.sidecarRequests) {
    for (const c of pod.initContainers) if (c.restartPolicy === 'Always') candidates.push(c);
  }
  // Summed in doubles while exact (the usual case), to avoid a BigInt per container.
  let total = 0;
  let overflow = false;
  let found = false;
  for (const c of candidates) {
    if (container !== '' && c.name !== container) continue;
    found = true;
    const q = c.requests[resource];
    if (q === undefined) return err(`missing request for ${resource} in container ${c.name} of Pod ${pod.name}`);
    total += Number(q.milliValue());
    if (Math.abs(total) >= Number.MAX_SAFE_INTEGER) overflow = true;
    if (container !== '') break;
  }
  if (container !== '' && !found && profile.containerNotFoundIsError) {
    return err(`container ${container} not found in Pod ${pod.name}`);
  }
  return ok(overflow ? sumExact(candidates, container, resource) : BigInt(total));
}

function sumExact(candidates: readonly PodContainer[], container: string, resource: string): bigint {
  let total = 0n;
  for (const c of candidates) {
    if (container !== '' && c.name !== container) continue;
    total += c.requests[resource]?.milliValue() ?? 0n;
    if (container !== '') break;
  }
  return total;
}

/**
 * The pod's effective request when pod-level requests are set (component-helpers PodRequests):
 * the container aggregate raised to the largest init phase, replaced by the pod-level value,
 * plus overhead.
 */
export function calculatePodLevelRequests(pod: PodSnapshot, resource: string): Result<bigint, string> {
  let seen = false;
  const add = (q: Quantity | undefined): bigint => {
    if (q === undefined) return 0n;
    seen = true;
    return q.milliValue();
  };
  let aggregate = 0n;
  for (const c of pod.containers) aggregate += add(c.requests[resource]);
  let sidecars = 0n;
  let initMax = 0n;
  for (const c of pod.initContainers) {
    if (c.restartPolicy === 'Always') {
      const v = add(c.requests[resource]);
      aggregate += v;
      sidecars += v;
      if (sidecars > initMax) initMax = sidecars;
    } else {
      const phase = add(c.requests[resource]) + sidecars;
      if (phase > initMax) initMax = phase;
    }
  }
  let value = aggregate > initMax ? aggregate : initMax;
  const podLevel = pod.podRequests?.[resource];
  if (podLevel !== undefined && isPodLevelResourceName(resource)) {
    seen = true;
    value = podLevel.milliValue();
  }
  const overhead = pod.overhead?.[resource];
  if (overhead !== undefined) {
    seen = true;
    value += overhead.milliValue();
  }
  if (!seen) return err(`missing pod-level request for ${resource} in Pod ${pod.name}`);
  return ok(value);
}
