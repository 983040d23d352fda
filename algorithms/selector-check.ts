import type { ConditionUpdate } from './conditions.js';
import { ConditionMessage } from './conditions.js';
import { parseSelector, type Selector } from './labels.js';
import { partitionByOwner, type PodOwnersError } from './pod-selection.js';
import type { PodSnapshot } from './pods.js';
import type { Result } from './result.js';
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
  /**
   * The pods the HPA counted at its last reconcile, when it selects by owner
   * (`hpa-ts.io/pod-selection: owner-references`): it claims only these, not all its selector matches.
   */
  readonly pods?: ReadonlySet<string>;
}

/** Which of the matched pods an HPA with owner-references counts, or why that is not known. */
export type PodOwnership = Result<(pod: PodSnapshot) => boolean, PodOwnersError>;

export type SelectorCheck =
  | {
      readonly ok: true;
      readonly selector: Selector;
      /** the pods counted: every match, or with owner-references the matches the target owns */
      readonly pods: readonly PodSnapshot[];
      /** with owner-references: the matches not owned by the target, not counted */
      readonly notOwned?: readonly PodSnapshot[];
    }
  | {
      readonly ok: false;
      /** parsed selector when parsing succeeded (ambiguity), so the registry can still learn it */
      readonly selector: Selector | null;
      readonly error: string;
      readonly event: { readonly reason: SelectorErrorCode; readonly message: string };
      readonly condition: ConditionUpdate;
      /** with owner-references, refused as ambiguous: the pods it would have counted (and still claims) */
      readonly counted?: readonly PodSnapshot[];
    };

function invalid(
  selector: Selector | null,
  reason: 'InvalidSelector' | 'AmbiguousSelector' | 'FailedGetPodOwners',
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
 * if it is registered. With `ownership` (owner-references) the HPA counts and claims only the
 * matched pods its target owns; an entry that selects by owner claims only the pods it counted.
 */
export function validateAndParseSelector(
  hpaKey: string,
  selectorText: string,
  namespacePods: readonly PodSnapshot[],
  registry: readonly SelectorRegistryEntry[],
  profile: Pick<Profile, 'ambiguousSelectorMessage' | 'gates'>,
  ownership?: PodOwnership,
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
  const matched = namespacePods.filter((p) => selector.matches(p.labels));
  if (ownership !== undefined && !ownership.ok) {
    const msg = `the owners of the pods by selector ${selectorText} are not known: ${ownership.error.message}`;
    return invalid(selector, 'FailedGetPodOwners', msg, msg, msg);
  }
  const split = ownership === undefined ? null : partitionByOwner(matched, ownership.value);
  const pods = split === null ? matched : split.owned;
  const limit = profile.gates.HPAOptimizedSelectorStore ? 2 : Number.POSITIVE_INFINITY;
  const controlling: string[] = [];
  if (pods.length > 0) {
    for (const entry of registry) {
      const sel = entry.key === hpaKey ? selector : entry.selector;
      if (sel === null) continue;
      const claimed = entry.key === hpaKey ? undefined : entry.pods;
      if (claimed === undefined ? pods.some((p) => sel.matches(p.labels)) : pods.some((p) => claimed.has(p.name))) {
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
    const refused = invalid(selector, 'AmbiguousSelector', msg, msg, msg) as Extract<SelectorCheck, { ok: false }>;
    return split === null ? refused : { ...refused, counted: split.owned };
  }
  return split === null ? { ok: true, selector, pods } : { ok: true, selector, pods, notOwned: split.notOwned };
}
