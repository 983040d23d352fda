/** JSON of the conformance corpus → the algorithms' input types. Strict: a malformed case is a failure. */
import { Quantity, parseInstant, type Instant, type PodContainer, type PodSnapshot } from '../../algorithms/index.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export class CaseError extends Error {}

export function obj(v: Json | undefined, where: string): JsonObject {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v))
    throw new CaseError(`${where}: expected an object`);
  return v;
}

export function arr(v: Json | undefined, where: string): Json[] {
  if (!Array.isArray(v)) throw new CaseError(`${where}: expected an array`);
  return v;
}

export function str(v: Json | undefined, where: string): string {
  if (typeof v !== 'string') throw new CaseError(`${where}: expected a string`);
  return v;
}

export function num(v: Json | undefined, where: string): number {
  if (typeof v !== 'number') throw new CaseError(`${where}: expected a number`);
  return v;
}

export function instant(v: Json | undefined, where: string): Instant {
  const t = parseInstant(str(v, where));
  if (Number.isNaN(t)) throw new CaseError(`${where}: not an RFC 3339 instant: ${JSON.stringify(v)}`);
  return t;
}

export function optInstant(v: Json | undefined, where: string): Instant | null {
  return v === null || v === undefined ? null : instant(v, where);
}

export function quantity(v: Json | undefined, where: string): Quantity {
  if (typeof v !== 'string' && typeof v !== 'number') throw new CaseError(`${where}: expected a quantity`);
  return Quantity.parse(v);
}

/** Rejects keys the runner does not know: an unknown key means the runner may be ignoring a fact. */
export function checkKeys(o: JsonObject, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new CaseError(`${where}: unknown key "${k}"`);
}

function requests(v: Json | undefined, where: string): Record<string, Quantity> {
  const o = obj(v ?? {}, where);
  const out: Record<string, Quantity> = {};
  for (const [k, q] of Object.entries(o)) out[k] = quantity(q, `${where}.${k}`);
  return out;
}

export function containers(v: Json | undefined, where: string): PodContainer[] {
  return arr(v ?? [], where).map((c, i) => {
    const o = obj(c, `${where}[${i}]`);
    checkKeys(o, ['name', 'requests', 'restartPolicy'], `${where}[${i}]`);
    const rp = o.restartPolicy;
    return {
      name: str(o.name, `${where}[${i}].name`),
      requests: requests(o.requests, `${where}[${i}].requests`),
      ...(typeof rp === 'string' ? { restartPolicy: rp } : {}),
    };
  });
}

/** `ready` is true/false/null in replica-calc cases and "True"/"False"/null in controller cases. */
function readyStatus(v: Json | undefined, where: string): PodSnapshot['ready'] {
  if (v === null || v === undefined) return null;
  if (v === true || v === 'True') return 'True';
  if (v === false || v === 'False') return 'False';
  if (v === 'Unknown') return 'Unknown';
  throw new CaseError(`${where}: unexpected ready value ${JSON.stringify(v)}`);
}

export function pod(v: Json, where: string, defaultNamespace: string): PodSnapshot {
  const o = obj(v, where);
  checkKeys(
    o,
    [
      'name',
      'namespace',
      'labels',
      'phase',
      'ready',
      'readyTransitionTime',
      'startTime',
      'deletionTimestamp',
      'containers',
      'initContainers',
      'resources',
    ],
    where,
  );
  const labels = obj(o.labels ?? {}, `${where}.labels`);
  const resources = o.resources === null || o.resources === undefined ? null : obj(o.resources, `${where}.resources`);
  return {
    name: str(o.name, `${where}.name`),
    namespace: typeof o.namespace === 'string' ? o.namespace : defaultNamespace,
    labels: Object.fromEntries(Object.entries(labels).map(([k, val]) => [k, str(val, `${where}.labels.${k}`)])),
    phase: typeof o.phase === 'string' ? o.phase : '',
    ready: readyStatus(o.ready, `${where}.ready`),
    readyTransitionTime: optInstant(o.readyTransitionTime, `${where}.readyTransitionTime`),
    startTime: optInstant(o.startTime, `${where}.startTime`),
    deletionTimestamp: optInstant(o.deletionTimestamp, `${where}.deletionTimestamp`),
    containers: containers(o.containers, `${where}.containers`),
    initContainers: containers(o.initContainers, `${where}.initContainers`),
    podRequests: resources === null ? null : requests(resources.requests, `${where}.resources.requests`),
  };
}
