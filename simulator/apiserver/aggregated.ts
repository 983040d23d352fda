/**
 * Extra API groups served by other code through this server (the aggregation layer's role):
 * metrics.k8s.io, custom.metrics.k8s.io, external.metrics.k8s.io, … Each group brings its own
 * discovery entries and a request handler; the server does discovery, routing and recording.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** One resource in discovery (metav1.APIResource). */
export interface DiscoveryResource {
  /** Plural, or `pods/*` style names custom.metrics.k8s.io uses. */
  readonly name: string;
  readonly singularName?: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

export interface AggregatedVersion {
  readonly version: string;
  readonly resources: readonly DiscoveryResource[];
}

export interface AggregatedApiRequest {
  readonly method: string;
  readonly group: string;
  readonly version: string;
  /** Segments after /apis/{group}/{version}, URL-decoded (`%2A` → `*`). */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, if any. */
  readonly body: unknown;
}

export interface AggregatedApiResponse {
  readonly status: number;
  /** Serialised as JSON (a string is sent as is). */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AggregatedGroup {
  readonly group: string;
  /** Preferred version first. */
  readonly versions: readonly AggregatedVersion[];
  handle(req: AggregatedApiRequest): AggregatedApiResponse | Promise<AggregatedApiResponse>;
}

export class AggregatedGroups {
  private readonly groups = new Map<string, AggregatedGroup>();
  private readonly listeners = new Set<() => void>();

  register(group: AggregatedGroup): () => void {
    this.groups.set(group.group, group);
    this.changed();
    return () => {
      if (this.groups.get(group.group) === group) {
        this.groups.delete(group.group);
        this.changed();
      }
    };
  }

  get(name: string): AggregatedGroup | undefined {
    return this.groups.get(name);
  }

  all(): readonly AggregatedGroup[] {
    return [...this.groups.values()];
  }

  onChange(l: () => void): void {
    this.listeners.add(l);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
