import { EMPTY_HISTORY, type HpaHistory, type Selector, type SelectorRegistryEntry } from '../algorithms/index.js';

/**
 * The controller's in-memory memory of each HPA (spec §3.6, §3.7, §3.3): recommendation and
 * scale-event histories, and the selector registry used to detect pods claimed by two HPAs.
 * Lost on restart or failover, exactly as upstream's, unless a history store keeps the
 * histories (--history-store=configmap, docs/history-store.md).
 */
export class ControllerState {
  private readonly histories = new Map<string, HpaHistory>();
  /** told of every set or delete of a history (the history store, --history-store=configmap) */
  private historyListener: ((key: string) => void) | undefined;
  /** namespace → (key → selector; null = registered, matches nothing yet) */
  private readonly selectors = new Map<string, Map<string, Selector | null>>();
  /** key → the pods an HPA with hpa-ts.io/pod-selection: owner-references counted last (it claims only these) */
  private readonly counted = new Map<string, ReadonlySet<string>>();

  history(key: string): HpaHistory {
    return this.histories.get(key) ?? EMPTY_HISTORY;
  }

  /** Whether `key` has a history yet (a first reconcile starts one, §3.7). */
  hasHistory(key: string): boolean {
    return this.histories.has(key);
  }

  setHistory(key: string, history: HpaHistory): void {
    this.histories.set(key, history);
    this.historyListener?.(key);
  }

  /** Deleted HPAs drop their history (upstream reconcileKey on NotFound). */
  deleteHistory(key: string): void {
    if (this.histories.delete(key)) this.historyListener?.(key);
  }

  /** Calls `listener` after each change of a history (one listener: the history store). */
  onHistoryChange(listener: (key: string) => void): void {
    this.historyListener = listener;
  }

  /** Registers an HPA with a match-nothing selector if it is not known yet; true if it was new. */
  register(namespace: string, key: string): boolean {
    let ns = this.selectors.get(namespace);
    if (ns === undefined) {
      ns = new Map();
      this.selectors.set(namespace, ns);
    }
    if (ns.has(key)) return false;
    ns.set(key, null);
    return true;
  }

  unregister(namespace: string, key: string): void {
    const ns = this.selectors.get(namespace);
    ns?.delete(key);
    this.counted.delete(key);
    if (ns !== undefined && ns.size === 0) this.selectors.delete(namespace);
  }

  /**
   * Stores the parsed selector only if the HPA is still registered (it may have been deleted
   * meanwhile), and with owner-references the pods it counted (else it claims all its selector matches).
   */
  updateSelector(namespace: string, key: string, selector: Selector, counted?: ReadonlySet<string>): void {
    const ns = this.selectors.get(namespace);
    if (ns?.has(key) !== true) return;
    ns.set(key, selector);
    if (counted === undefined) this.counted.delete(key);
    else this.counted.set(key, counted);
  }

  selectorEntries(namespace: string): SelectorRegistryEntry[] {
    const ns = this.selectors.get(namespace);
    if (ns === undefined) return [];
    return [...ns.entries()].map(([key, selector]) => {
      const pods = this.counted.get(key);
      return pods === undefined ? { key, selector } : { key, selector, pods };
    });
  }

  get registeredCount(): number {
    let n = 0;
    for (const ns of this.selectors.values()) n += ns.size;
    return n;
  }
}
