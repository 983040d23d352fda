/**
 * The resource registry: what the server serves (group/version/kind/plural/…), and per kind the
 * hooks the generic store runs — defaulting, canonicalisation, validation, printing, conversion.
 * Built-in kinds live in kinds/*.ts; CustomResourceDefinitions add entries at run time.
 */
import type { FieldError } from './errors.js';
import type { KubeObject } from './types.js';
import type { TablePrinter } from './printers/table.js';

/** A storage-version object being written; hooks mutate it in place before it is frozen. */
export type MutableObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/** Server-wide knobs hooks may depend on (feature gates of the simulated version). */
export interface ServerFeatures {
  /** HPAScaleToZero: minReplicas 0 allowed. */
  readonly scaleToZero: boolean;
  /** HPAConfigurableTolerance: behavior.*.tolerance accepted. */
  readonly configurableTolerance: boolean;
}

export interface HookContext {
  readonly now: number;
  /** The API version the client used (conversion and CRD schema selection). */
  readonly version: string;
  readonly features: ServerFeatures;
  /** Allocates cluster-unique values (Service clusterIP, nodePort). */
  allocate(kind: 'clusterIP' | 'nodePort'): string | number;
}

export interface KindHooks {
  /**
   * What the JSON decoder refuses in a body of API `version` before conversion (a fraction in an
   * int32 field): the decoder's message, or undefined. The server answers 400 "cannot be handled".
   */
  readonly decodeError?: (body: Readonly<Record<string, unknown>>, version: string) => string | undefined;
  /** Fills API defaults (create, update, patch) on the storage-version object. */
  readonly default?: (obj: MutableObject, ctx: HookContext) => void;
  /**
   * Re-serialises fields the real server normalises (quantities). Throws a 400 StoreError when a
   * field cannot be decoded, as the real server's JSON decoder does.
   */
  readonly canonicalize?: (obj: MutableObject, ctx: HookContext) => void;
  /** Create-only preparation: allocations, initial status (PrepareForCreate). */
  readonly prepareCreate?: (obj: MutableObject, ctx: HookContext) => void;
  /** Update-only preparation: carry allocated values over from the stored object (PrepareForUpdate). */
  readonly prepareUpdate?: (obj: MutableObject, old: KubeObject, ctx: HookContext) => void;
  /** Validates a create (old undefined) or an update of the main resource. */
  readonly validate?: (obj: KubeObject, old: KubeObject | undefined, ctx: HookContext) => readonly FieldError[];
  /** Validates a status update. */
  readonly validateStatus?: (obj: KubeObject, old: KubeObject, ctx: HookContext) => readonly FieldError[];
  /** Kind-specific generation rule; default: bump when anything but metadata/status changed. */
  readonly specChanged?: (obj: KubeObject, old: KubeObject) => boolean;
  /** Field-selector values beyond metadata.name / metadata.namespace. */
  readonly fieldValue?: (obj: KubeObject, label: string) => string | undefined;
}

/** Conversion between a served version and the storage version (same kind, same group). */
export interface VersionConversion {
  /** A client object of this version → storage shape (the input is a private mutable copy). */
  readonly toStorage: (obj: MutableObject) => MutableObject;
  /** A stored object → this version. Must not mutate its input. */
  readonly fromStorage: (obj: KubeObject) => KubeObject;
}

export interface ScaleSubresource {
  readonly specReplicasPath: readonly string[];
  readonly statusReplicasPath: readonly string[];
  /** status.selector of the Scale (canonical selector text), or undefined to omit it. */
  readonly selector: (obj: KubeObject) => string | undefined;
}

export interface ResourceType {
  readonly group: string;
  /** Plural, lower case: the path segment. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Served versions, preferred first. */
  readonly versions: readonly string[];
  readonly storageVersion: string;
  readonly hasStatus: boolean;
  readonly scale?: ScaleSubresource;
  /** metadata.generation starts at 1 and follows spec changes. */
  readonly tracksGeneration: boolean;
  /** Create drops a client-supplied status (kinds with a status subresource, and pods). */
  readonly resetStatusOnCreate: boolean;
  /** List items keep kind/apiVersion (custom resources); built-in typed lists omit them. */
  readonly typeMetaInListItems: boolean;
  /** Strategic merge patch is defined (built-in kinds); custom resources answer 415. */
  readonly strategicMerge: boolean;
  /** Field labels accepted by field selectors beyond metadata.name/namespace. */
  readonly fieldLabels: readonly string[];
  readonly printer: TablePrinter;
  readonly hooks: KindHooks;
  readonly conversions: Readonly<Record<string, VersionConversion>>;
  /** Per served version: the `Warning: 299` text a deprecated version answers with. */
  readonly deprecationWarnings?: Readonly<Record<string, string>>;
  /** Namespaces that may not be deleted, objects created at start, … kind-specific rules. */
  readonly undeletable?: (obj: KubeObject) => string | undefined;
}

export function groupResourceKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/**
 * Kubernetes version priority (apimachinery version.CompareKubeAwareVersionStrings): GA before beta
 * before alpha, higher numbers first, non-Kubernetes-looking versions last in lexical order.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (m === null) return undefined;
    const stage = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stage, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa === undefined && pb === undefined) return a < b ? -1 : a > b ? 1 : 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  if (pa[0] !== pb[0]) return pb[0] - pa[0];
  if (pa[1] !== pb[1]) return pb[1] - pa[1];
  return pb[2] - pa[2];
}

export interface ServedGroup {
  readonly name: string;
  /** Preferred first. */
  readonly versions: readonly string[];
}

/** Lookup tables over ResourceType entries; listeners learn about dynamic (CRD) changes. */
export class ResourceRegistry {
  private readonly byKey = new Map<string, ResourceType>();
  private readonly groupOrder: string[] = [];
  private readonly versionPriority = new Map<string, readonly string[]>();
  private readonly listeners = new Set<() => void>();

  /** Fixes the version order of a group (autoscaling: v2 before v1) instead of the kube-aware sort. */
  setVersionPriority(group: string, versions: readonly string[]): void {
    this.versionPriority.set(group, versions);
  }

  add(rt: ResourceType): void {
    this.byKey.set(groupResourceKey(rt.group, rt.resource), rt);
    if (!this.groupOrder.includes(rt.group)) this.groupOrder.push(rt.group);
    this.changed();
  }

  remove(group: string, resource: string): ResourceType | undefined {
    const key = groupResourceKey(group, resource);
    const rt = this.byKey.get(key);
    this.byKey.delete(key);
    if (rt !== undefined && ![...this.byKey.values()].some((x) => x.group === group)) {
      this.groupOrder.splice(this.groupOrder.indexOf(group), 1);
    }
    this.changed();
    return rt;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  get(group: string, resource: string): ResourceType | undefined {
    return this.byKey.get(groupResourceKey(group, resource));
  }

  /** The type serving group/version/resource, or undefined when that version is not served. */
  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    const rt = this.get(group, resource);
    return rt !== undefined && rt.versions.includes(version) ? rt : undefined;
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    for (const rt of this.byKey.values()) if (rt.group === group && rt.kind === kind) return rt;
    return undefined;
  }

  all(): readonly ResourceType[] {
    return [...this.byKey.values()];
  }

  /** Resources served in group/version, in registration order. */
  resourcesIn(group: string, version: string): readonly ResourceType[] {
    return this.all().filter((rt) => rt.group === group && rt.versions.includes(version));
  }

  groups(): readonly ServedGroup[] {
    return this.groupOrder.map((name) => {
      const versions = new Set<string>();
      for (const rt of this.byKey.values()) if (rt.group === name) for (const v of rt.versions) versions.add(v);
      const fixed = this.versionPriority.get(name);
      const ordered = [...versions].sort((a, b) => {
        if (fixed !== undefined) {
          const ia = fixed.indexOf(a);
          const ib = fixed.indexOf(b);
          if (ia !== -1 || ib !== -1) return (ia === -1 ? Infinity : ia) - (ib === -1 ? Infinity : ib);
        }
        return compareKubeVersions(a, b);
      });
      return { name, versions: ordered };
    });
  }
}
