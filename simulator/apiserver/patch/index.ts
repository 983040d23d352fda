/** Dispatches a parsed patch body to its engine; failures become the Status the real server returns. */
import { StoreError } from '../errors.js';
import { PatchType } from '../types.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyServerSideApply, applyStrategicMergePatch, type PatchMeta } from './strategic-merge.js';

export { builtinPatchMeta, atomicPatchMeta, type PatchMeta } from './strategic-merge.js';

/** The 422 of patch.go: a generic server response whose message is the engine's error text. */
function patchFailed(message: string): StoreError {
  return new StoreError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    code: 422,
  });
}

/** Applies `patch` to a copy of `target` (never mutated) and returns the result. */
export function applyPatch(type: PatchType, target: unknown, patch: unknown, meta: PatchMeta): unknown {
  switch (type) {
    case PatchType.MergePatch:
      return applyMergePatch(target, patch);
    case PatchType.JsonPatch: {
      const r = applyJsonPatch(target, patch);
      if (!r.ok) throw patchFailed(r.error);
      return r.value;
    }
    case PatchType.StrategicMergePatch: {
      const r = applyStrategicMergePatch(target, patch, meta);
      if (!r.ok) throw patchFailed(r.error);
      return r.value;
    }
    case PatchType.ApplyPatch: {
      const r = applyServerSideApply(target, patch, meta);
      if (!r.ok) throw patchFailed(r.error);
      return r.value;
    }
  }
}
