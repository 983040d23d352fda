import type { ConditionUpdate } from './conditions.js';
import { ConditionMessage } from './conditions.js';
import { parseSelector, type Selector } from './labels.js';
import type { PodSnapshot } from './pods.js';
import type { Profile } from './profile.js';
import type { SelectorErrorCode } from './reconcile-errors.js';

/**
 * The controller's record of which selector each known HPA uses, per namespace (upstream
 * hpaSelectors). `selector: null` is an HPA registered when first enqueued, with a selector that
 * matches nothing until its first reconcile parses the real one.
 */
export interface SelectorRegistryEntry {
  /** "<namespace>/<name>" */
  readonly key: string;
  readonly selector: Selector | null;
}

export type SelectorCheck =
  | { readonly ok: true; readonly selector: Selector; readonly pods: readonly PodSnapshot[] }
  | {
      readonly ok: false;
      /** parsed selector when parsing succeeded (ambiguity), so the registry can still learn it */
      readonly selector: Selector | null;
      readonly error: string;
      readonly event: { readonly reason: SelectorErrorCode; readonly message: string };
      readonly condition: ConditionUpdate;
    };

function invalid(
  selector: Selector | null,
  reason: 'InvalidSelector' | 'AmbiguousSelector',
  eventMessage: string,
  conditionMessage: string,
  error: string,
): SelectorCheck {
  return {
    ok: false,
    selector,
    error,
    event: { reason, message: eventMessage },
    condition: { type: 'ScalingActive', status: 'False', reason, message: conditionMessage },
  };
}

/**
 * Parses scale.status.selector and refuses pods claimed by several HPAs (upstream
 * validateAndParseSelector, §3.3). The HPA's own entry counts with the freshly parsed selector
 * if it is registered.
 */
export function validateAndParseSelector(
  hpaKey: string,
  selectorText: string,
  namespacePods: readonly PodSnapshot[],
  registry: readonly SelectorRegistryEntry[],
  profile: Pick<Profile, 'ambiguousSelectorMessage' | 'gates'>,
): SelectorCheck {
  if (selectorText === '') {
    return {
      ...(invalid(
        null,
        'InvalidSelector',
        'selector is required',
        ConditionMessage.MissingSelector,
        'selector is required',
      ) as Extract<SelectorCheck, { ok: false }>),
      event: { reason: 'SelectorRequired', message: 'selector is required' },
    };
  }
  const parsed = parseSelector(selectorText);
  if (!parsed.ok) {
    const msg = `couldn't convert selector into a corresponding internal selector object: ${parsed.error.message}`;
    return invalid(null, 'InvalidSelector', msg, msg, msg);
  }
  const selector = parsed.value;
  const pods = namespacePods.filter((p) => selector.matches(p.labels));
  const limit = profile.gates.HPAOptimizedSelectorStore ? 2 : Number.POSITIVE_INFINITY;
  const controlling: string[] = [];
  if (pods.length > 0) {
    for (const entry of registry) {
      const sel = entry.key === hpaKey ? selector : entry.selector;
      if (sel === null) continue;
      if (pods.some((p) => sel.matches(p.labels))) {
        controlling.push(entry.key);
        if (controlling.length >= limit) break;
      }
    }
  }
  if (controlling.length > 1) {
    const list = `[${controlling.join(' ')}]`;
    const msg =
      profile.ambiguousSelectorMessage === 'moreThanOne'
        ? `pods by selector ${selectorText} are controlled by more than one HPA (e.g. ${list})`
        : `pods by selector ${selectorText} are controlled by multiple HPAs: ${list}`;
    return invalid(selector, 'AmbiguousSelector', msg, msg, msg);
  }
  return { ok: true, selector, pods };
}
