/**
 * The in-memory object store: the semantics of kube-apiserver's generic registry over one global
 * resourceVersion counter (reads and watches in core.ts, writes here). Every failure is a thrown
 * StoreError carrying the Status the real server sends.
 */
import { formatInstant } from '../../../algorithms/time.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  notFound,
  pathNotFound,
  unsupportedMediaType,
} from '../errors.js';
import { cloneJson, deepFreeze, isObject } from '../json.js';
import type { MutableObject, ResourceType } from '../registry.js';
import type { DeletePropagation, GroupVersionResource, KubeObject, PatchType, ScaleObject } from '../types.js';
import { applyPatch, atomicPatchMeta, builtinPatchMeta } from '../patch/index.js';
import { StoreCore, type DeleteOptions, type ListOptions, type PatchOptions, type WriteOptions } from './core.js';
import { Entry } from './entry.js';
import { decode, ownerUids, prepareCreate, prepareStatusUpdate, prepareUpdate, unchanged } from './prepare.js';
import { requestedReplicas, scaleOf, withReplicas } from './scale.js';

export * from './core.js';

/** The name the `--max-pods` refusal gives its quota. */
export const SIMULATOR_POD_QUOTA = 'simulator-max-pods';

export class ObjectStore extends StoreCore {
  // ------------------------------------------------------------------ writes

  create(gvr: GroupVersionResource, namespace: string | undefined, body: unknown, opts: WriteOptions = {}): KubeObject {
    const { rt, version } = this.resolve(gvr);
    return this.createIn(rt, version, namespace, body, opts).objectAt(version);
  }

  private createIn(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions,
  ): Entry {
    const ctx = this.ctx(rt, version);
    const obj = decode(body, ctx);
    const meta = obj.metadata;
    if (
      (meta.name === undefined || meta.name === '') &&
      typeof meta.generateName === 'string' &&
      meta.generateName !== ''
    ) {
      meta.name = generateName(
        meta.generateName,
        (n) => this.collection(rt).get(rt.namespaced ? (namespace ?? '') : '', n) !== undefined,
      );
    }
    prepareCreate(obj, namespace, this.newUid(), ctx);
    if (rt.namespaced && !this.namespaceExists(namespace ?? '')) {
      throw notFound({ group: '', resource: 'namespaces' }, namespace ?? '');
    }
    const coll = this.collection(rt);
    const name = String(meta.name);
    if (coll.get(rt.namespaced ? (namespace ?? '') : '', name) !== undefined) {
      throw alreadyExists(rt, name);
    }
    // admission sees the object before its name is generated: a generateName pod is named by its prefix
    const generate = typeof meta.generateName === 'string' ? meta.generateName : '';
    this.admitPod(rt, coll.size, generate !== '' ? generate : name);
    if (opts.dryRun === true) return new Entry(coll, deepFreeze(obj) as KubeObject, this.rv);
    return this.commit(coll, 'ADDED', obj, undefined);
  }

  /**
   * The simulator's pod limit (`--max-pods`), refused as kube-apiserver's ResourceQuota admission
   * refuses a pod over a quota, so the workload controllers report it as on a real cluster.
   */
  private admitPod(rt: ResourceType, used: number, name: string): void {
    if (this.maxPods === undefined || rt.group !== '' || rt.resource !== 'pods' || used < this.maxPods) return;
    const n = this.maxPods;
    throw forbidden(
      rt,
      name,
      `exceeded quota: ${SIMULATOR_POD_QUOTA}, requested: pods=1, used: pods=${used}, limited: pods=${n}`,
    );
  }

  update(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): KubeObject {
    const { rt, version } = this.resolve(gvr);
    return this.updateIn(rt, version, namespace, name, body, opts).objectAt(version);
  }

  private updateIn(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): Entry {
    const old = this.entry(rt, namespace, name);
    const ctx = this.ctx(rt, version);
    const obj = prepareUpdate(decode(body, ctx), old.obj, namespace, name, ctx);
    return this.write(old, obj, opts);
  }

  updateStatus(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): KubeObject {
    const { rt, version } = this.resolve(gvr);
    if (!rt.hasStatus) throw pathNotFound();
    return this.updateStatusIn(rt, version, namespace, name, body, opts).objectAt(version);
  }

  private updateStatusIn(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): Entry {
    const old = this.entry(rt, namespace, name);
    const ctx = this.ctx(rt, version);
    const obj = prepareStatusUpdate(decode(body, ctx), old.obj, name, ctx);
    return this.write(old, obj, opts);
  }

  /** Commits an update unless it changes nothing; completes a finalizer-blocked deletion. */
  private write(old: Entry, obj: MutableObject, opts: WriteOptions): Entry {
    if (unchanged(obj, old.obj)) return old;
    if (opts.dryRun === true) return new Entry(this.collection(old.rt), deepFreeze(obj) as KubeObject, old.rv);
    const coll = this.collection(old.rt);
    const finalizers = obj.metadata.finalizers;
    if (obj.metadata.deletionTimestamp !== undefined && (!Array.isArray(finalizers) || finalizers.length === 0)) {
      const gone = this.commit(coll, 'DELETED', obj, old);
      this.collectGarbage(gone, 'Background');
      return gone;
    }
    return this.commit(coll, 'MODIFIED', obj, old);
  }

  patch(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: PatchOptions = {},
  ): { readonly object: KubeObject; readonly created: boolean } {
    const { rt, version } = this.resolve(gvr);
    if (type === 'application/strategic-merge-patch+json' && !rt.strategicMerge) {
      throw unsupportedStrategicMerge();
    }
    const meta = rt.strategicMerge ? builtinPatchMeta(rt.kind) : atomicPatchMeta;
    if (opts.subresource === 'scale') {
      const current = this.getScale(gvr, namespace, name);
      return {
        object: this.updateScale(gvr, namespace, name, applyPatch(type, current, patch, meta), opts),
        created: false,
      };
    }
    const coll = this.collection(rt);
    const existing = coll.get(rt.namespaced ? (namespace ?? '') : '', name);
    if (existing === undefined) {
      if (type !== 'application/apply-patch+yaml' || opts.subresource === 'status') throw notFound(rt, name);
      const body = isObject(patch)
        ? { ...patch, metadata: { ...(isObject(patch.metadata) ? patch.metadata : {}), name } }
        : patch;
      return { object: this.createIn(rt, version, namespace, body, opts).objectAt(version), created: true };
    }
    const patched = applyPatch(type, cloneJson(existing.objectAt(version)), patch, meta);
    const entry =
      opts.subresource === 'status'
        ? this.updateStatusIn(rt, version, namespace, name, patched, opts)
        : this.updateIn(rt, version, namespace, name, patched, opts);
    return { object: entry.objectAt(version), created: false };
  }

  // ------------------------------------------------------------------ scale

  getScale(gvr: GroupVersionResource, namespace: string | undefined, name: string): ScaleObject {
    const { rt } = this.resolve(gvr);
    if (rt.scale === undefined) throw pathNotFound();
    return scaleOf(this.entry(rt, namespace, name).obj, rt.scale);
  }

  updateScale(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): ScaleObject {
    const { rt } = this.resolve(gvr);
    if (rt.scale === undefined) throw pathNotFound();
    const old = this.entry(rt, namespace, name);
    const meta = isObject(body) && isObject(body.metadata) ? body.metadata : {};
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    }
    const rv = meta.resourceVersion;
    if (typeof rv === 'string' && rv !== '' && rv !== old.obj.metadata.resourceVersion) throw conflict(rt, name);
    const replicas = requestedReplicas(body, name);
    const obj = withReplicas(cloneJson(old.obj) as MutableObject, rt, replicas);
    const ctx = this.ctx(rt, rt.storageVersion);
    const next = this.write(old, prepareUpdate(obj, old.obj, namespace, name, ctx), opts);
    return scaleOf(next.obj, rt.scale);
  }

  // ------------------------------------------------------------------ delete

  delete(gvr: GroupVersionResource, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const { rt, version } = this.resolve(gvr);
    return this.deleteEntry(this.entry(rt, namespace, name), opts).objectAt(version);
  }

  deleteCollection(gvr: GroupVersionResource, opts: ListOptions & DeleteOptions = {}): readonly KubeObject[] {
    const l = this.listEntries(gvr, opts);
    return l.entries.map((e) => this.deleteEntry(e, opts).objectAt(l.version));
  }

  private deleteEntry(e: Entry, opts: DeleteOptions): Entry {
    const rt = e.rt;
    const why = rt.undeletable?.(e.obj);
    if (why !== undefined) throw forbidden(rt, e.name, why);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== e.obj.metadata.uid) {
      throw conflict(
        rt,
        e.name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${e.obj.metadata.uid ?? ''}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== e.obj.metadata.resourceVersion) {
      throw conflict(
        rt,
        e.name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${e.obj.metadata.resourceVersion ?? ''}`,
      );
    }
    if (opts.dryRun === true) return e;
    const coll = this.collection(rt);
    const finalizers = e.obj.metadata.finalizers ?? [];
    if (finalizers.length > 0) {
      if (e.obj.metadata.deletionTimestamp !== undefined) return e;
      const obj = cloneJson(e.obj) as MutableObject;
      obj.metadata.deletionTimestamp = formatInstant(this.now());
      obj.metadata.deletionGracePeriodSeconds = 0;
      return this.commit(coll, 'MODIFIED', obj, e);
    }
    if (rt.group === '' && rt.resource === 'namespaces') this.deleteNamespaceContents(e.name);
    const gone = this.commit(coll, 'DELETED', cloneJson(e.obj) as MutableObject, e);
    this.collectGarbage(gone, opts.propagationPolicy ?? 'Background');
    return gone;
  }

  /** Deletes every object of a resource at once (its CustomResourceDefinition went away). */
  purge(rt: ResourceType): void {
    const coll = this.collection(rt);
    for (const e of coll.entries()) this.commit(coll, 'DELETED', cloneJson(e.obj) as MutableObject, e);
  }

  private deleteNamespaceContents(ns: string): void {
    for (const coll of [...this.collections.values()]) {
      if (!coll.rt.namespaced) continue;
      for (const e of coll.entries(ns)) {
        if (this.collection(e.rt).get(e.namespace, e.name) === e)
          this.commit(coll, 'DELETED', cloneJson(e.obj) as MutableObject, e);
      }
    }
  }

  /**
   * Garbage collection of dependents (what kube-controller-manager's GC does, done at once):
   * dependents whose only live owner was deleted go too, dangling references are removed, and
   * with propagationPolicy Orphan every dependent just loses the reference.
   */
  private collectGarbage(owner: Entry, policy: DeletePropagation): void {
    const uid = owner.obj.metadata.uid;
    if (uid === undefined) return;
    for (const dep of [...(this.dependents.get(uid) ?? [])]) {
      const current = this.collection(dep.rt).get(dep.namespace, dep.name);
      if (current !== dep) continue;
      const liveOwners = ownerUids(dep.obj).filter((u) => u !== uid && this.byUid.has(u));
      if (policy === 'Orphan' || liveOwners.length > 0) {
        const obj = cloneJson(dep.obj) as MutableObject;
        const refs = (obj.metadata.ownerReferences as Array<Record<string, unknown>>).filter((r) => r.uid !== uid);
        if (refs.length === 0) delete obj.metadata.ownerReferences;
        else obj.metadata.ownerReferences = refs;
        this.commit(this.collection(dep.rt), 'MODIFIED', obj, dep);
      } else {
        this.deleteEntry(dep, { propagationPolicy: 'Background' });
      }
    }
  }
}

function unsupportedStrategicMerge(): Error {
  return unsupportedMediaType('application/strategic-merge-patch+json', [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/apply-patch+yaml',
  ]);
}
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: the prefix plus five random characters. */
function generateName(prefix: string, taken: (name: string) => boolean): string {
  for (;;) {
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
    const base = prefix.length + 5 > 63 ? prefix.slice(0, 58) : prefix;
    if (!taken(base + suffix)) return base + suffix;
  }
}
