import {
  NO_HPA_ANNOTATIONS,
  parseHpaAnnotations,
  type HorizontalPodAutoscaler,
  type HpaAnnotations,
} from '../algorithms/index.js';

/** parsed annotations by the annotations object they came from */
const parsed = new WeakMap<object, HpaAnnotations>();

/**
 * hpa-ts's annotations of this version of the HPA (docs/annotations.md), parsed once for the
 * reconcile and for every requeue: the informer delivers a new object, annotations included, for
 * each version, so an edit is parsed again and an old version's parse is collected with it.
 */
export function annotationsOf(hpa: HorizontalPodAutoscaler | undefined): HpaAnnotations {
  const annotations = hpa?.metadata.annotations;
  if (annotations == null) return NO_HPA_ANNOTATIONS;
  let result = parsed.get(annotations);
  if (result === undefined) {
    result = parseHpaAnnotations(annotations);
    parsed.set(annotations, result);
  }
  return result;
}
