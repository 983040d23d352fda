import {
  Quantity,
  parseInstant,
  type HorizontalPodAutoscaler,
  type Instant,
  type ObjectMeta,
  type PodContainer,
  type PodSnapshot,
  type Scale,
} from '../algorithms/index.js';
import { Interner } from './interner.js';
import { controllerRefFromApi } from './owners.js';
import type { LeaseRecord } from './records.js';

/**
 * Raw API JSON → the plain types the controller and algorithms read. Everything arrives as
 * `unknown` and is narrowed here once (STYLE.md: types at the edges). Pure: no client-node, so
 * the in-memory adapter and tests can use it too.
 */

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function instant(v: unknown): Instant | null {
  const s = str(v);
  if (s === undefined || s === '') return null;
  const t = parseInstant(s);
  return Number.isNaN(t) ? null : t;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Told about data the adapter had to drop (a malformed quantity, an object without a name). */
export type MalformedReporter = (message: string) => void;

function quantities(v: unknown, where: string, report: MalformedReporter | undefined): Record<string, Quantity> {
  const out: Record<string, Quantity> = {};
  for (const [name, raw] of Object.entries(obj(v) ?? {})) {
    const q = Quantity.tryParse(raw);
    // One bad request must not take the pod (or the informer) down: drop just that entry.
    if (q.ok) out[name] = q.value;
    else report?.(`${where}.${name}: ${q.error.message}`);
  }
  return out;
}

function convertContainers(v: readonly unknown[], where: string, report: MalformedReporter): PodContainer[] {
  return v.map((raw, i) => {
    const c = obj(raw) ?? {};
    const name = str(c.name) ?? '';
    const restartPolicy = str(c.restartPolicy);
    const requests = quantities(
      obj(c.resources)?.requests,
      `${where}[${name === '' ? i : name}].resources.requests`,
      report,
    );
    return restartPolicy === undefined ? { name, requests } : { name, requests, restartPolicy };
  });
}

const NO_CONTAINERS: readonly PodContainer[] = Object.freeze([]);
const containerSets = new Interner<readonly PodContainer[]>();
const labelSets = new Interner<Readonly<Record<string, string>>>();

/**
 * A pod's containers as the HPA reads them, shared with every pod whose containers ask the same
 * (what the key holds: names, requests and restart policies). A set with a malformed quantity is
 * reported for this pod and not shared, so every pod carrying it is reported.
 */
function containers(v: unknown, where: string, report: MalformedReporter | undefined): readonly PodContainer[] {
  const raw = arr(v);
  if (raw.length === 0) return NO_CONTAINERS;
  const key = JSON.stringify(raw.map((c) => [obj(c)?.name, obj(obj(c)?.resources)?.requests, obj(c)?.restartPolicy]));
  const held = containerSets.get(key);
  if (held !== undefined) return held;
  const problems: string[] = [];
  const converted = convertContainers(raw, where, (m) => problems.push(m));
  for (const m of problems) report?.(m);
  return problems.length === 0 ? containerSets.keep(key, converted) : converted;
}

/**
 * Labels shared by every object carrying the same ones (a ReplicaSet's pods do, and so do their
 * metrics): `convert` runs only for a set not held yet, and may throw to refuse it. What is not an
 * object is never shared: `convert` says what it makes of it.
 */
export function sharedLabels(
  raw: unknown,
  convert: () => Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (typeof raw !== 'object' || raw === null) return convert();
  const key = JSON.stringify(raw);
  return labelSets.get(key) ?? labelSets.keep(key, convert());
}

function labels(v: unknown): Readonly<Record<string, string>> {
  const raw = obj(v);
  return raw === undefined ? {} : sharedLabels(raw, () => stringMap(raw));
}

function readyStatus(v: unknown): PodSnapshot['ready'] {
  return v === 'True' || v === 'False' ? v : 'Unknown';
}

/**
 * A core/v1 Pod as the HPA reads it (PodSnapshot): phase, Ready condition, start and deletion
 * times, per-container requests (init containers with their restartPolicy, which marks
 * sidecars), pod-level requests and overhead. Never throws: a malformed quantity drops that
 * one request and is told to `report`.
 */
export function podSnapshotFromApi(raw: unknown, report?: MalformedReporter): PodSnapshot {
  const pod = obj(raw) ?? {};
  const md = obj(pod.metadata) ?? {};
  const spec = obj(pod.spec) ?? {};
  const status = obj(pod.status) ?? {};
  const name = str(md.name) ?? '';
  const namespace = str(md.namespace) ?? '';
  const where = `pod ${namespace}/${name}: spec`;
  const ready = arr(status.conditions)
    .map(obj)
    .find((c) => c?.type === 'Ready');
  const podResources = obj(spec.resources);
  const controller = controllerRefFromApi(md);
  return {
    name,
    namespace,
    labels: labels(md.labels),
    phase: str(status.phase) ?? '',
    ready: ready === undefined ? null : readyStatus(ready.status),
    readyTransitionTime: ready === undefined ? null : instant(ready.lastTransitionTime),
    startTime: instant(status.startTime),
    deletionTimestamp: instant(md.deletionTimestamp),
    containers: containers(spec.containers, `${where}.containers`, report),
    initContainers: containers(spec.initContainers, `${where}.initContainers`, report),
    podRequests:
      podResources?.requests === undefined
        ? null
        : quantities(podResources.requests, `${where}.resources.requests`, report),
    overhead:
      spec.overhead === undefined || spec.overhead === null
        ? null
        : quantities(spec.overhead, `${where}.overhead`, report),
    // only when there is one, so a pod without an owner reads exactly as before
    ...(controller === null ? {} : { controller }),
  };
}

/**
 * An HPA (autoscaling/v2, or the CRD mode's equivalent) as plain JSON with string timestamps.
 * managedFields are dropped: the controller never reads them, they are most of an object's
 * size, and a PUT without them keeps the server's copy. apiVersion/kind are filled in for list
 * items, which the server sends without them.
 */
export function hpaFromApi(
  raw: unknown,
  typeMeta: { readonly apiVersion: string; readonly kind: string },
  report?: MalformedReporter,
): HorizontalPodAutoscaler | undefined {
  const o = obj(raw);
  const md = obj(o?.metadata);
  const spec = obj(o?.spec);
  const name = str(md?.name);
  if (o === undefined || md === undefined || name === undefined || name === '') {
    report?.(`${typeMeta.kind} without metadata.name skipped`);
    return undefined;
  }
  if (spec === undefined || obj(spec.scaleTargetRef) === undefined) {
    report?.(`${typeMeta.kind} ${str(md.namespace) ?? ''}/${name} without spec.scaleTargetRef skipped`);
    return undefined;
  }
  const { managedFields: _managed, ...rest } = md;
  // the key is built from the namespace: a string or nothing
  const { namespace, ...others } = rest;
  const metadata = typeof namespace === 'string' ? rest : others;
  const status = hpaStatus(o.status, `${typeMeta.kind} ${str(md.namespace) ?? ''}/${name}`, report);
  return {
    ...o,
    apiVersion: sharedWord(str(o.apiVersion) ?? typeMeta.apiVersion),
    kind: sharedWord(str(o.kind) ?? typeMeta.kind),
    metadata: metadata as unknown as ObjectMeta,
    ...(status === undefined ? {} : { status }),
  } as unknown as HorizontalPodAutoscaler;
}

/**
 * The status as the controller reads it back: spec is left to validation (an invalid one is
 * reported as InvalidSpec), but a status is only ever the controller's own output, so what cannot
 * be one (conditions that are not a list of typed objects, a status that is not an object) is
 * dropped, as if unset, and told to `report`. A server with a schema never stores such a thing.
 */
function hpaStatus(v: unknown, what: string, report: MalformedReporter | undefined): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const status = obj(v);
  if (status === undefined) {
    report?.(`${what}: status is not an object; read as empty`);
    return {};
  }
  const typed = typedStatusFields(status, what, report);
  if (typed.conditions === undefined || typed.conditions === null) return typed;
  const conditions = arr(typed.conditions).filter((c) => str(obj(c)?.type) !== undefined);
  if (!Array.isArray(typed.conditions) || conditions.length !== typed.conditions.length)
    report?.(`${what}: status.conditions holds entries that are not conditions; they are ignored`);
  return { ...typed, conditions: conditions.map(sharedConditionWords) };
}

/**
 * Condition types, statuses, reasons and messages come from a small vocabulary (upstream's
 * messages, with metric names in them), yet every HPA decoded from JSON holds its own copies:
 * about 800 bytes an HPA. They are shared through a bounded table; once it is full, new words are
 * kept as they came.
 */
const words = new Map<string, string>();
const MAX_WORDS = 8192;

function sharedWord(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const held = words.get(v);
  if (held !== undefined) return held;
  if (words.size < MAX_WORDS) words.set(v, v);
  return v;
}

function sharedConditionWords(c: unknown): unknown {
  const o = obj(c) ?? {};
  return {
    ...o,
    type: sharedWord(o.type),
    ...('status' in o ? { status: sharedWord(o.status) } : {}),
    ...('reason' in o ? { reason: sharedWord(o.reason) } : {}),
    ...('message' in o ? { message: sharedWord(o.message) } : {}),
  };
}

/** The status's counts and time: a value of the wrong type is dropped (desiredReplicas reads as 0, Go's zero). */
function typedStatusFields(status: Obj, what: string, report: MalformedReporter | undefined): Obj {
  const out: Record<string, unknown> = { ...status };
  for (const field of ['currentReplicas', 'desiredReplicas', 'observedGeneration'] as const) {
    const v = out[field];
    if (v === undefined || v === null || Number.isSafeInteger(v)) continue;
    report?.(`${what}: status.${field} is not an integer; read as unset`);
    if (field === 'desiredReplicas') out[field] = 0;
    else delete out[field];
  }
  const t = out.lastScaleTime;
  if (t !== undefined && t !== null && typeof t !== 'string') {
    report?.(`${what}: status.lastScaleTime is not a time; read as unset`);
    delete out.lastScaleTime;
  }
  return out;
}

function objectMeta(md: Obj): ObjectMeta {
  const out: Record<string, unknown> = { name: str(md.name) ?? '' };
  for (const k of ['namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) {
    const v = str(md[k]);
    if (v !== undefined) out[k] = v;
  }
  const generation = num(md.generation);
  if (generation !== undefined) out.generation = generation;
  if (obj(md.labels) !== undefined) out.labels = stringMap(md.labels);
  if (obj(md.annotations) !== undefined) out.annotations = stringMap(md.annotations);
  return out as unknown as ObjectMeta;
}

/** autoscaling/v1 Scale; undefined when the body is not one. */
export function scaleFromApi(raw: unknown): Scale | undefined {
  const o = obj(raw);
  const md = obj(o?.metadata);
  if (o === undefined || md === undefined) return undefined;
  const spec = obj(o.spec) ?? {};
  const status = obj(o.status) ?? {};
  const replicas = num(spec.replicas);
  const selector = str(status.selector);
  return {
    metadata: objectMeta(md),
    spec: replicas === undefined ? {} : { replicas },
    status: { replicas: num(status.replicas) ?? 0, ...(selector === undefined ? {} : { selector }) },
  };
}

/** coordination.k8s.io/v1 Lease → LeaseRecord; undefined when the body is not a Lease. */
export function leaseFromApi(raw: unknown): LeaseRecord | undefined {
  const o = obj(raw);
  const md = obj(o?.metadata);
  if (o === undefined || md === undefined) return undefined;
  const spec = obj(o.spec) ?? {};
  return {
    holderIdentity: str(spec.holderIdentity) ?? null,
    leaseDurationSeconds: num(spec.leaseDurationSeconds) ?? 0,
    acquireTime: str(spec.acquireTime) ?? null,
    renewTime: str(spec.renewTime) ?? null,
    leaseTransitions: num(spec.leaseTransitions) ?? 0,
    resourceVersion: str(md.resourceVersion) ?? '',
  };
}
