/**
 * The persisted form of one HPA's HpaHistory (docs/history-store.md): versioned JSON, bounded to
 * what a decision reads, and a validating decoder. Pure: `now` and the bounds are arguments.
 */
import type { HorizontalPodAutoscaler } from './api-types.js';
import {
  longestPolicyPeriod,
  type FallbackHistory,
  type HpaHistory,
  type Recommendation,
  type ScaleEvent,
} from './history.js';
import { effectiveBehavior } from './normalize.js';
import type { ControllerConfig } from './profile.js';
import { err, ok, type Result } from './result.js';
import type { Instant } from './time.js';

/** The version written in every value; a value of another version is foreign (reported, ignored). */
export const HISTORY_FORMAT_VERSION = 1;

/**
 * How far back a decision of this HPA reads (§3.4, §3.5, §3.6): recommendations inside the
 * longest stabilization window, scale events of each direction inside its longest policy period.
 */
export interface HistoryBounds {
  readonly recommendationWindowSeconds: number;
  readonly scaleUpPeriodSeconds: number;
  readonly scaleDownPeriodSeconds: number;
}

/**
 * The bounds of an HPA as its spec and the controller flags say: without behavior the legacy
 * downscale window (no scale events are recorded then); with behavior the effective windows and
 * policy periods, defaults filled as the decision fills them (effectiveBehavior).
 */
export function historyBounds(hpa: Pick<HorizontalPodAutoscaler, 'spec'>, config: ControllerConfig): HistoryBounds {
  const behavior = hpa.spec.behavior;
  if (behavior === null || behavior === undefined)
    return {
      recommendationWindowSeconds: config.downscaleStabilizationWindowSeconds,
      scaleUpPeriodSeconds: 0,
      scaleDownPeriodSeconds: 0,
    };
  const b = effectiveBehavior(behavior, config);
  return {
    recommendationWindowSeconds: Math.max(
      b.scaleUp?.stabilizationWindowSeconds ?? 0,
      b.scaleDown?.stabilizationWindowSeconds ?? 0,
    ),
    scaleUpPeriodSeconds: longestPolicyPeriod(b.scaleUp),
    scaleDownPeriodSeconds: longestPolicyPeriod(b.scaleDown),
  };
}

/** Inside [now − seconds, now]: the cutoff itself counts (the legacy stabilizer reads it, R3.4.1). */
function inside<T extends { readonly time: Instant }>(entries: readonly T[], seconds: number, now: Instant): T[] {
  const cutoff = now - seconds * 1000;
  return entries.filter((e) => e.time >= cutoff && e.time <= now);
}

/**
 * Drops recommendations a later one of the same count makes redundant: for the highest (scale-
 * down) and the lowest (scale-up) of any window, the later entry counts for at least as long.
 */
function withoutRedundant(recs: readonly Recommendation[]): Recommendation[] {
  const latest = new Map<number, Recommendation>();
  for (const r of recs) {
    const seen = latest.get(r.replicas);
    if (seen === undefined || r.time >= seen.time) latest.set(r.replicas, r);
  }
  return [...latest.values()].sort((a, b) => a.time - b.time);
}

/**
 * Only what a decision at `now` or later reads (§3.4–§3.6): recommendations inside the longest
 * window (one per count, the latest), scale events inside their direction's longest period.
 * `recommendations: null` (no reconcile yet) stays null. Other fields are kept as they are.
 */
export function trimHistory(history: HpaHistory, bounds: HistoryBounds, now: Instant): HpaHistory {
  return {
    ...history,
    recommendations:
      history.recommendations === null
        ? null
        : withoutRedundant(inside(history.recommendations, bounds.recommendationWindowSeconds, now)),
    scaleUpEvents: inside(history.scaleUpEvents, bounds.scaleUpPeriodSeconds, now),
    scaleDownEvents: inside(history.scaleDownEvents, bounds.scaleDownPeriodSeconds, now),
  };
}

/** One persisted value: the format version, the HPA's uid (a recreated HPA is another one), the history. */
interface PersistedHistory {
  readonly version: number;
  readonly uid?: string;
  readonly history: HpaHistory;
}

/**
 * The value stored under the HPA's name: `{"version":1,"uid":…,"history":{…}}`, the history
 * trimmed to `bounds`. Every field of HpaHistory is written (fields added later included).
 */
export function encodeHistory(
  history: HpaHistory,
  opts: { readonly bounds: HistoryBounds; readonly now: Instant; readonly uid?: string },
): string {
  const value: PersistedHistory = {
    version: HISTORY_FORMAT_VERSION,
    ...(opts.uid === undefined ? {} : { uid: opts.uid }),
    history: trimHistory(history, opts.bounds, opts.now),
  };
  return JSON.stringify(value);
}

export const HistoryDecodeErrorCode = {
  /** not JSON */
  NotJson: 'NotJson',
  /** JSON, but not an object with `version` and `history` */
  NotHistory: 'NotHistory',
  /** a version this build does not read */
  UnknownVersion: 'UnknownVersion',
  /** the value belongs to another object of the same name (a deleted and recreated HPA) */
  ForeignUid: 'ForeignUid',
  /** a field has the wrong type (named in `field`) */
  InvalidField: 'InvalidField',
} as const;
export type HistoryDecodeErrorCode = (typeof HistoryDecodeErrorCode)[keyof typeof HistoryDecodeErrorCode];

export interface HistoryDecodeError {
  readonly code: HistoryDecodeErrorCode;
  /** the offending field's path, when one is to blame */
  readonly field?: string;
  readonly message: string;
}

export interface DecodedHistory {
  readonly history: HpaHistory;
  /** entries dropped because they lay in the future or outside the bounds (or repeated a later count) */
  readonly dropped: number;
}

type Fields = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInstant(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function invalid(field: string, what: string): HistoryDecodeError {
  return { code: HistoryDecodeErrorCode.InvalidField, field, message: `${field}: ${what}` };
}

function decodeRecommendations(v: unknown): Result<Recommendation[] | null, HistoryDecodeError> {
  if (v === null) return ok(null);
  if (!Array.isArray(v)) return err(invalid('history.recommendations', 'not a list or null'));
  const out: Recommendation[] = [];
  for (const [i, e] of v.entries()) {
    if (!isObject(e) || !Number.isSafeInteger(e.replicas) || (e.replicas as number) < 0 || !isInstant(e.time))
      return err(invalid(`history.recommendations[${i}]`, 'not {replicas: integer ≥ 0, time: epoch ms}'));
    out.push({ replicas: e.replicas as number, time: e.time });
  }
  return ok(out);
}

function decodeEvents(name: string, v: unknown): Result<ScaleEvent[], HistoryDecodeError> {
  if (!Array.isArray(v)) return err(invalid(`history.${name}`, 'not a list'));
  const out: ScaleEvent[] = [];
  for (const [i, e] of v.entries()) {
    if (
      !isObject(e) ||
      !Number.isSafeInteger(e.replicaChange) ||
      (e.replicaChange as number) < 0 ||
      !isInstant(e.time) ||
      typeof e.outdated !== 'boolean'
    )
      return err(invalid(`history.${name}[${i}]`, 'not {replicaChange: integer ≥ 0, time: epoch ms, outdated: bool}'));
    out.push({ replicaChange: e.replicaChange as number, time: e.time, outdated: e.outdated });
  }
  return ok(out);
}

/** hpa-ts.io/fallback-*'s count (history.ts FallbackHistory); absent stays absent. */
function decodeFallback(v: unknown): Result<FallbackHistory | undefined, HistoryDecodeError> {
  if (v === undefined) return ok(undefined);
  const shape = 'not {consecutiveFailures: integer ≥ 0, active: boolean, lastCountedAt?: epoch ms}';
  if (!isObject(v) || !Number.isSafeInteger(v.consecutiveFailures) || (v.consecutiveFailures as number) < 0)
    return err(invalid('history.fallback', shape));
  if (typeof v.active !== 'boolean' || (v.lastCountedAt !== undefined && !isInstant(v.lastCountedAt)))
    return err(invalid('history.fallback', shape));
  const base = { consecutiveFailures: v.consecutiveFailures as number, active: v.active };
  return ok(v.lastCountedAt === undefined ? base : { ...base, lastCountedAt: v.lastCountedAt });
}

/**
 * The HpaHistory in `text`, or why it is not one. Never trusted blindly: entries in the future
 * or outside `bounds` at `now` are dropped (and counted), the uid must match when both are known.
 */
export function decodeHistory(
  text: string,
  opts: { readonly bounds: HistoryBounds; readonly now: Instant; readonly uid?: string },
): Result<DecodedHistory, HistoryDecodeError> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err({ code: HistoryDecodeErrorCode.NotJson, message: 'not JSON' });
  }
  if (!isObject(raw) || !('version' in raw) || !isObject(raw.history))
    return err({ code: HistoryDecodeErrorCode.NotHistory, message: 'not {version, history}' });
  if (raw.version !== HISTORY_FORMAT_VERSION)
    return err({
      code: HistoryDecodeErrorCode.UnknownVersion,
      field: 'version',
      message: `version ${JSON.stringify(raw.version)}, this build reads ${HISTORY_FORMAT_VERSION}`,
    });
  if (raw.uid !== undefined && typeof raw.uid !== 'string') return err(invalid('uid', 'not a string'));
  if (opts.uid !== undefined && raw.uid !== undefined && raw.uid !== opts.uid)
    return err({ code: HistoryDecodeErrorCode.ForeignUid, field: 'uid', message: `uid ${raw.uid} is not ${opts.uid}` });
  const h = raw.history;
  const recs = decodeRecommendations(h.recommendations);
  if (!recs.ok) return recs;
  const up = decodeEvents('scaleUpEvents', h.scaleUpEvents);
  if (!up.ok) return up;
  const down = decodeEvents('scaleDownEvents', h.scaleDownEvents);
  if (!down.ok) return down;
  const fallback = decodeFallback(h.fallback);
  if (!fallback.ok) return fallback;
  const decoded: HpaHistory = {
    recommendations: recs.value,
    scaleUpEvents: up.value,
    scaleDownEvents: down.value,
    ...(fallback.value === undefined ? {} : { fallback: fallback.value }),
  };
  const history = trimHistory(decoded, opts.bounds, opts.now);
  const count = (x: HpaHistory): number =>
    (x.recommendations?.length ?? 0) + x.scaleUpEvents.length + x.scaleDownEvents.length;
  return ok({ history, dropped: count(decoded) - count(history) });
}
