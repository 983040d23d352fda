/**
 * One stored object version. The object is frozen and shared; its JSON encodings are computed at
 * most once per version and served version (lists of 1,000 HPAs concatenate cached strings).
 */
import type { ResourceType } from '../registry.js';
import type { KubeObject } from '../types.js';

interface View {
  readonly obj: KubeObject;
  json?: string;
  itemJson?: string;
}

export class Entry {
  private storageView: View;
  private views: Map<string, View> | undefined;

  constructor(
    /** The collection: its type can be replaced at run time (a CRD gaining a version). */
    private readonly owner: { readonly rt: ResourceType },
    readonly obj: KubeObject,
    readonly rv: number,
  ) {
    this.storageView = { obj };
  }

  get rt(): ResourceType {
    return this.owner.rt;
  }

  get namespace(): string {
    return this.obj.metadata.namespace ?? '';
  }

  get name(): string {
    return this.obj.metadata.name ?? '';
  }

  private view(version: string): View {
    if (version === this.rt.storageVersion) return this.storageView;
    this.views ??= new Map();
    let v = this.views.get(version);
    if (v === undefined) {
      const conv = this.rt.conversions[version];
      v = { obj: Object.freeze(conv === undefined ? this.obj : conv.fromStorage(this.obj)) };
      this.views.set(version, v);
    }
    return v;
  }

  /** The object as served in `version` (frozen; shared between readers). */
  objectAt(version: string): KubeObject {
    return this.view(version).obj;
  }

  /** JSON of the object with kind and apiVersion, as a GET or a watch event carries it. */
  jsonAt(version: string): string {
    const v = this.view(version);
    v.json ??= JSON.stringify(v.obj);
    return v.json;
  }

  /**
   * JSON of the object inside a list. Built-in lists omit each item's kind/apiVersion (typed Go
   * lists); custom resource lists keep them (unstructured).
   */
  itemJsonAt(version: string): string {
    if (this.rt.typeMetaInListItems) return this.jsonAt(version);
    const v = this.view(version);
    if (v.itemJson === undefined) {
      const { apiVersion: _a, kind: _k, ...rest } = v.obj;
      v.itemJson = JSON.stringify(rest);
    }
    return v.itemJson;
  }
}
