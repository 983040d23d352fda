/**
 * What `npm run bench:vs-kcm` measures of one controller over one window, from sources that treat
 * both controllers alike: kube-apiserver's audit log (every request at Metadata level, attributed
 * by user or user agent) and /proc of the controller's process.
 *
 * A reconcile is one GET of a scale subresource: both controllers read the target's scale exactly
 * once per reconcile of an HPA (upstream reconcileAutoscaler, hpa-ts's reconciler), so the audit
 * log gives every reconcile of every HPA with its time, for both alike.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

interface AuditEvent {
  readonly stage: string;
  readonly verb: string;
  readonly userAgent?: string;
  readonly user?: { readonly username?: string };
  readonly objectRef?: {
    readonly apiGroup?: string;
    readonly resource?: string;
    readonly subresource?: string;
    readonly namespace?: string;
    readonly name?: string;
  };
  readonly requestURI?: string;
  readonly requestReceivedTimestamp: string;
}

/** Whose requests: kcm's HPA controller by its ServiceAccount, hpa-ts by its user agent. */
export type Client = { readonly username: string } | { readonly userAgentPrefix: string };

function isFrom(e: AuditEvent, c: Client): boolean {
  return 'username' in c ? e.user?.username === c.username : (e.userAgent ?? '').startsWith(c.userAgentPrefix);
}

/** `get apps/deployments/scale`, `list metrics.k8s.io/pods`; a custom metric's name is left out. */
function requestKind(e: AuditEvent): string {
  // a request for no resource (discovery, /version): its path
  if (e.objectRef?.resource === undefined) return `${e.verb} ${(e.requestURI ?? '?').split('?')[0]}`;
  const r = e.objectRef;
  const group = r.apiGroup === undefined || r.apiGroup === '' ? 'core' : r.apiGroup;
  const metricsApi = group.endsWith('metrics.k8s.io');
  const sub = r.subresource !== undefined && !metricsApi ? `/${r.subresource}` : '';
  return `${e.verb} ${group}/${r.resource ?? '?'}${sub}`;
}

export interface WindowRequests {
  /** request kind → count */
  readonly byKind: ReadonlyMap<string, number>;
  /** HPA key (namespace/name of the target) → times of its scale reads, ms, ascending */
  readonly reconciles: ReadonlyMap<string, number[]>;
}

/** The audit log's byte length now: a later read starts there. */
export function auditOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The requests of `client` received within [from, to) ms, read from byte `offset` of the audit log. */
export async function requestsIn(
  file: string,
  offset: number,
  client: Client,
  from: number,
  to: number,
): Promise<WindowRequests> {
  const byKind = new Map<string, number>();
  const reconciles = new Map<string, number[]>();
  const lines = createInterface({ input: createReadStream(file, { start: offset }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as AuditEvent;
    if (e.stage !== 'ResponseComplete' || !isFrom(e, client)) continue;
    const at = Date.parse(e.requestReceivedTimestamp);
    if (at < from || at >= to) continue;
    const kind = requestKind(e);
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    if (kind === 'get apps/deployments/scale') {
      const key = `${e.objectRef?.namespace}/${e.objectRef?.name}`;
      const times = reconciles.get(key) ?? [];
      times.push(at);
      reconciles.set(key, times);
    }
  }
  for (const t of reconciles.values()) t.sort((a, b) => a - b);
  return { byKind, reconciles };
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the fields after the command name, which may hold blanks and is in parentheses
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The process's peak resident set (VmHWM), MB. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? Number.NaN : Number(m[1]) / 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface Figures {
  readonly reconciles: number;
  readonly reconcilesPerSecond: number;
  readonly requestsPerReconcile: number;
  /** request kind → requests per reconcile */
  readonly perReconcileByKind: ReadonlyMap<string, number>;
  readonly cpuSecondsPer1000Reconciles: number;
  readonly peakRssMb: number;
  /** share of (HPA, period) pairs in which the HPA was reconciled, % */
  readonly achievedPeriodPct: number;
  /** how late each reconcile came after its previous one plus the period, ms */
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
}

/**
 * The figures of one window of `windowMs` over `hpas` HPAs with a sync period of `periodMs`.
 * Lag: for consecutive reconciles of one HPA, max(0, interval − period) (due = previous + period).
 */
export function figuresOf(
  req: WindowRequests,
  o: {
    readonly hpas: number;
    readonly from: number;
    readonly windowMs: number;
    readonly periodMs: number;
    readonly cpuSeconds: number;
    readonly peakRssMb: number;
  },
): Figures {
  let reconciles = 0;
  const lags: number[] = [];
  const periods = Math.max(1, Math.floor(o.windowMs / o.periodMs));
  let covered = 0;
  for (const times of req.reconciles.values()) {
    reconciles += times.length;
    for (let k = 1; k < times.length; k++) lags.push(Math.max(0, times[k] - times[k - 1] - o.periodMs));
    const slots = new Set(times.map((t) => Math.floor((t - o.from) / o.periodMs)).filter((s) => s < periods));
    covered += slots.size;
  }
  lags.sort((a, b) => a - b);
  const total = [...req.byKind.values()].reduce((a, b) => a + b, 0);
  const per = new Map([...req.byKind].map(([k, n]) => [k, reconciles === 0 ? Number.NaN : n / reconciles]));
  return {
    reconciles,
    reconcilesPerSecond: reconciles / (o.windowMs / 1000),
    requestsPerReconcile: reconciles === 0 ? Number.NaN : total / reconciles,
    perReconcileByKind: per,
    cpuSecondsPer1000Reconciles: reconciles === 0 ? Number.NaN : (o.cpuSeconds / reconciles) * 1000,
    peakRssMb: o.peakRssMb,
    achievedPeriodPct: (100 * covered) / (o.hpas * periods),
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
  };
}
