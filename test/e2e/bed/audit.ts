/**
 * kube-apiserver's audit log (Stack `auditLog`), read to attribute every write to its writer: an
 * hpa-ts replica is known by its user agent, `hpa-ts/<version> (<identity>)`, and who held the
 * leader Lease at any instant is known from the Lease writes, logged with their bodies. The
 * invariant of issue 13: every write of a replica is made while that replica holds the lease —
 * at most one writer at any instant.
 */
import { readFileSync } from 'node:fs';

interface AuditEvent {
  readonly stage: string;
  readonly verb: string;
  readonly userAgent?: string;
  readonly objectRef?: {
    readonly resource?: string;
    readonly subresource?: string;
    readonly namespace?: string;
    readonly name?: string;
  };
  readonly responseStatus?: { readonly code?: number };
  readonly responseObject?: { readonly spec?: { readonly holderIdentity?: string } };
  readonly stageTimestamp: string;
  readonly requestReceivedTimestamp?: string;
}

/** A write the API server accepted. */
export interface AuditedWrite {
  /** ms since the epoch, when the server answered */
  readonly at: number;
  /** ms since the epoch, when the server received the request (a write in flight when a fault hits) */
  readonly received: number;
  /** the hpa-ts identity in the user agent ('' for anything else) */
  readonly by: string;
  /** `update deployments/scale ns/name` */
  readonly what: string;
}

/** The holder the Lease was given by one accepted write ('' when released). */
export interface LeaseChange {
  readonly at: number;
  readonly holder: string;
  readonly by: string;
}

const IDENTITY = /^hpa-ts\/[^ ]+ \((.+)\)$/;

function events(file: string): AuditEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as AuditEvent)
    .filter((e) => e.stage === 'ResponseComplete' && (e.responseStatus?.code ?? 0) < 300);
}

function writerOf(e: AuditEvent): string {
  return IDENTITY.exec(e.userAgent ?? '')?.[1] ?? '';
}

function describe(e: AuditEvent): string {
  const r = e.objectRef ?? {};
  const resource = r.subresource !== undefined && r.subresource !== '' ? `${r.resource}/${r.subresource}` : r.resource;
  return `${e.verb} ${resource ?? '?'} ${r.namespace ?? ''}/${r.name ?? ''}`;
}

/** Scale, HPA status and event writes made by hpa-ts replicas, in the order the server answered them. */
export function controllerWrites(file: string): AuditedWrite[] {
  const kinds = new Set(['deployments/scale', 'horizontalpodautoscalers/status', 'events']);
  return events(file)
    .filter((e) => ['create', 'update', 'patch'].includes(e.verb) && writerOf(e) !== '')
    .filter((e) => {
      const r = e.objectRef ?? {};
      return kinds.has(r.subresource ? `${r.resource}/${r.subresource}` : (r.resource ?? ''));
    })
    .map((e) => ({
      at: Date.parse(e.stageTimestamp),
      received: Date.parse(e.requestReceivedTimestamp ?? e.stageTimestamp),
      by: writerOf(e),
      what: describe(e),
    }))
    .sort((a, b) => a.at - b.at);
}

/** Every accepted write of the Lease `namespace/name`, with the holder it left. */
export function leaseChanges(file: string, namespace: string, name: string): LeaseChange[] {
  return events(file)
    .filter(
      (e) =>
        e.objectRef?.resource === 'leases' &&
        e.objectRef.namespace === namespace &&
        e.objectRef.name === name &&
        (e.verb === 'create' || e.verb === 'update'),
    )
    .map((e) => ({
      at: Date.parse(e.stageTimestamp),
      holder: e.responseObject?.spec?.holderIdentity ?? '',
      by: writerOf(e),
    }))
    .sort((a, b) => a.at - b.at);
}

/** Writes made by a replica that did not hold the lease at that instant (the last Lease write before it). */
export function writesWithoutTheLease(writes: readonly AuditedWrite[], lease: readonly LeaseChange[]): AuditedWrite[] {
  return writes.filter((w) => {
    const before = lease.filter((l) => l.at <= w.at).at(-1);
    return before?.holder !== w.by;
  });
}

/** Writes per writer, e.g. `{ a: 12, b: 30 }`. */
export function countByWriter(writes: readonly AuditedWrite[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of writes) out[w.by] = (out[w.by] ?? 0) + 1;
  return out;
}

/** When the holder changed: [from, to, at] for each takeover (a release and an acquire count apart). */
export function takeovers(lease: readonly LeaseChange[]): { from: string; to: string; at: number }[] {
  const out: { from: string; to: string; at: number }[] = [];
  for (let i = 1; i < lease.length; i++)
    if (lease[i].holder !== lease[i - 1].holder)
      out.push({ from: lease[i - 1].holder, to: lease[i].holder, at: lease[i].at });
  return out;
}
