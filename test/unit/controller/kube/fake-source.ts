import type { ClusterError, ClusterResult } from '../../../../controller/ports.js';
import type { ListPage, ListWatchSource, RawWatchEvent } from '../../../../controller/kube/informer.js';

/** One open watch the test drives by hand. */
export interface FakeWatch {
  readonly resourceVersion: string;
  readonly signal: AbortSignal;
  emit(type: string, object: unknown): void;
  /** the server ends the stream cleanly */
  end(): void;
  /** the stream breaks */
  fail(error: ClusterError): void;
}

export function pod(name: string, rv: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: { name, namespace: 'ns', resourceVersion: rv }, ...extra };
}

/** A list+watch source in memory: lists answer from `lists` (or `items`), watches are handed to the test. */
export class FakeSource implements ListWatchSource {
  items: unknown[] = [];
  resourceVersion = '10';
  /** one-shot answers for the next lists, before falling back to items */
  readonly lists: ClusterResult<ListPage>[] = [];
  /** one-shot answers for the next watches (instead of opening one) */
  readonly watchResults: ClusterResult<void>[] = [];
  readonly watches: FakeWatch[] = [];
  listCalls = 0;
  /** the server's current resourceVersion, when a test gives the source one (none by default) */
  currentResourceVersion?: (signal: AbortSignal) => Promise<ClusterResult<string>>;

  list(): Promise<ClusterResult<ListPage>> {
    this.listCalls++;
    const next = this.lists.shift();
    return Promise.resolve(
      next ?? { ok: true, value: { items: [...this.items], resourceVersion: this.resourceVersion } },
    );
  }

  watch(
    resourceVersion: string,
    signal: AbortSignal,
    onEvent: (ev: RawWatchEvent) => void,
  ): Promise<ClusterResult<void>> {
    const canned = this.watchResults.shift();
    if (canned !== undefined) {
      this.watches.push({
        resourceVersion,
        signal,
        emit: () => undefined,
        end: () => undefined,
        fail: () => undefined,
      });
      return Promise.resolve(canned);
    }
    return new Promise((resolve) => {
      signal.addEventListener('abort', () => resolve({ ok: true, value: undefined }), { once: true });
      this.watches.push({
        resourceVersion,
        signal,
        emit: (type, object) => onEvent({ type, object }),
        end: () => resolve({ ok: true, value: undefined }),
        fail: (error) => resolve({ ok: false, error }),
      });
    });
  }

  get current(): FakeWatch {
    const w = this.watches[this.watches.length - 1];
    if (w === undefined) throw new Error('no watch opened yet');
    return w;
  }
}
