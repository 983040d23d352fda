/**
 * autoscaling HorizontalPodAutoscaler: stored as autoscaling/v2, served also as v1 (and, unless
 * disabled, the removed v2beta2/v2beta1 so that older manifests such as the seed articles' apply
 * unmodified). Defaulting and validation are the shared algorithms/validation.ts; quantities are
 * re-serialised canonically (`averageValue: 50000m` is served back as `"50"`).
 */
import type { HorizontalPodAutoscaler } from '../../../algorithms/api-types.js';
import {
  defaultHorizontalPodAutoscaler,
  validateHorizontalPodAutoscaler,
  type FieldError as AlgoFieldError,
} from '../../../algorithms/validation.js';
import { fieldErr, type FieldError } from '../errors.js';
import { asArray, asNumber, asObject, isObject, jsonEqual } from '../json.js';
import type { HookContext, MutableObject, ResourceType } from '../registry.js';
import { hpaPrinter } from '../printers/hpa.js';
import type { KubeObject } from '../types.js';
import { canonicalQuantity, defineKind } from './common.js';
import { hpaConversions } from './hpa-conversion.js';
import { hpaDecodeError } from './hpa-decode.js';

const SOURCES = ['resource', 'containerResource', 'pods', 'object', 'external'] as const;
const KIND = 'HorizontalPodAutoscaler';

function canonicalizeValues(holder: unknown, ctx: HookContext): void {
  const o = asObject(holder);
  if (o === undefined) return;
  for (const f of ['value', 'averageValue'] as const) {
    if (o[f] !== undefined && o[f] !== null) o[f] = canonicalQuantity(o[f], KIND, ctx);
  }
}

/** Every quantity the API server re-serialises: targets, tolerances, current values. */
function canonicalize(obj: MutableObject, ctx: HookContext): void {
  const spec = asObject(obj.spec);
  for (const m of asArray(spec?.metrics)) {
    for (const s of SOURCES) canonicalizeValues(asObject(asObject(m)?.[s])?.target, ctx);
  }
  const behavior = asObject(spec?.behavior);
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const rules = asObject(behavior?.[dir]);
    if (rules !== undefined && rules.tolerance !== undefined && rules.tolerance !== null) {
      rules.tolerance = canonicalQuantity(rules.tolerance, KIND, ctx);
    }
  }
  for (const m of asArray(asObject(obj.status)?.currentMetrics)) {
    for (const s of SOURCES) canonicalizeValues(asObject(asObject(m)?.[s])?.current, ctx);
  }
}

function usesTolerance(obj: KubeObject | MutableObject | undefined): boolean {
  const behavior = asObject(asObject(obj?.spec)?.behavior);
  return ['scaleUp', 'scaleDown'].some((d) => {
    const t = asObject(behavior?.[d])?.tolerance;
    return t !== undefined && t !== null;
  });
}

/** dropDisabledFields: without HPAConfigurableTolerance a new tolerance is silently dropped. */
function dropDisabledFields(obj: MutableObject, old: KubeObject | undefined, ctx: HookContext): void {
  if (ctx.features.configurableTolerance || usesTolerance(old)) return;
  const behavior = asObject(asObject(obj.spec)?.behavior);
  for (const d of ['scaleUp', 'scaleDown']) delete asObject(behavior?.[d])?.tolerance;
}

function adapt(errs: readonly AlgoFieldError[]): FieldError[] {
  // ObjectMeta is validated by defineKind for every kind; skip the duplicate name checks.
  return errs
    .filter((e) => !e.field.startsWith('metadata.'))
    .map((e) => ({ type: e.type, field: e.field, value: e.value, detail: '', body: e.message }));
}

/** Removes null members: Go decodes them to nil pointers and omits them when encoding. */
function dropNulls(v: unknown): void {
  if (Array.isArray(v)) for (const x of v) dropNulls(x);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else dropNulls(x);
    }
  }
}

/**
 * The status as kube-apiserver stores and serves it (Go's encoding of the v2
 * HorizontalPodAutoscalerStatus): `desiredReplicas` and `currentMetrics` have no omitempty, so
 * they are always there — currentMetrics null when empty, since storage keeps no difference
 * between an empty and an absent list — and the other fields are left out when empty or zero.
 * A new HPA thus reads back with `status: {currentMetrics: null, desiredReplicas: 0}`.
 */
function storedStatus(status: unknown): Record<string, unknown> {
  const s = asObject(status) ?? {};
  const metrics = asArray(s.currentMetrics);
  const conditions = asArray(s.conditions);
  const currentReplicas = asNumber(s.currentReplicas) ?? 0;
  return {
    ...(s.observedGeneration !== undefined ? { observedGeneration: s.observedGeneration } : {}),
    ...(s.lastScaleTime !== undefined ? { lastScaleTime: s.lastScaleTime } : {}),
    ...(currentReplicas !== 0 ? { currentReplicas } : {}),
    desiredReplicas: asNumber(s.desiredReplicas) ?? 0,
    currentMetrics: metrics.length > 0 ? metrics : null,
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

function hadZeroMin(old: KubeObject | undefined): boolean {
  return asNumber(asObject(old?.spec)?.minReplicas) === 0;
}

export function horizontalPodAutoscalers(opts: {
  readonly legacyVersions: boolean;
  /** the release (minor) whose conversions the server makes */
  readonly release: number;
}): ResourceType {
  const versions = opts.legacyVersions ? ['v2', 'v1', 'v2beta2', 'v2beta1'] : ['v2', 'v1'];
  const all = hpaConversions(opts.release);
  const conversions = opts.legacyVersions ? all : { v1: all.v1 };
  return defineKind({
    group: 'autoscaling',
    resource: 'horizontalpodautoscalers',
    kind: KIND,
    shortNames: ['hpa'],
    categories: ['all'],
    versions,
    storageVersion: 'v2',
    hasStatus: true,
    // kube-apiserver sets metadata.generation of HPAs from 1.37 on (none before)
    tracksGeneration: opts.release >= 37,
    printer: hpaPrinter,
    conversions,
    deprecationWarnings: {
      v2beta2:
        'autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated in v1.23+, unavailable in v1.26+; use autoscaling/v2 HorizontalPodAutoscaler',
      v2beta1:
        'autoscaling/v2beta1 HorizontalPodAutoscaler is deprecated in v1.22+, unavailable in v1.25+; use autoscaling/v2 HorizontalPodAutoscaler',
    },
    hooks: {
      default(obj) {
        if (!isObject(obj.spec)) obj.spec = {};
        dropNulls(obj.spec);
        const defaulted = defaultHorizontalPodAutoscaler(obj as unknown as HorizontalPodAutoscaler);
        obj.spec = defaulted.spec as unknown as Record<string, unknown>;
        dropNulls(obj.spec);
      },
      prepareCreate: (obj, ctx) => dropDisabledFields(obj, undefined, ctx),
      prepareUpdate: (obj, old, ctx) => dropDisabledFields(obj, old, ctx),
      decodeError: hpaDecodeError,
      canonicalize(obj, ctx) {
        dropNulls(obj.status);
        canonicalize(obj, ctx);
        obj.status = storedStatus(obj.status);
      },
      validate: (obj, old, ctx) =>
        adapt(
          validateHorizontalPodAutoscaler(obj as unknown as HorizontalPodAutoscaler, {
            scaleToZero: ctx.features.scaleToZero || hadZeroMin(old),
            configurableTolerance: ctx.features.configurableTolerance || usesTolerance(old),
          }),
        ),
      validateStatus(obj) {
        const status = asObject(obj.status) ?? {};
        const errs: FieldError[] = [];
        for (const f of ['currentReplicas', 'desiredReplicas'] as const) {
          const v = asNumber(status[f]);
          if (v !== undefined && v < 0)
            errs.push(fieldErr.invalid(`status.${f}`, v, 'must be greater than or equal to 0'));
        }
        return errs;
      },
      specChanged: (obj, old) => !jsonEqual(obj.spec, old.spec),
    },
  });
}
