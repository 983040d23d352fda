import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerStatus,
  PodSnapshot,
  ReplicaSetOwnership,
  Scale,
} from '../algorithms/index.js';
import type { ApiError, EventRecord, LeaseRecord, ScaleTarget } from '../transport/index.js';

/** Event and Lease records are plain API objects; they live with their wire bodies in transport/. */
export type { EventRecord, LeaseRecord } from '../transport/index.js';

/**
 * A failed cluster call, as data: the transport's ApiError — HTTP status and Status.reason when the
 * server gave them, `failure` when no response arrived.
 */
export type ClusterError = ApiError;

export type ClusterResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ClusterError };

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Objects arrive already converted to our plain types (the adapter normalises client-node's mixed shapes). */
export interface WatchHandlers<T> {
  onEvent(type: WatchEventType, obj: T): void;
  /** the initial list is complete (and again after every relist) */
  onSynced?(): void;
  /** a watch broke; the adapter backs off and re-watches / relists by itself */
  onError?(err: ClusterError): void;
}

export interface Stoppable {
  stop(): void;
}

/**
 * How a write may be cut short: its `signal` aborts when the replica's right to write ends (the
 * leader lease, controller/leader/guard.ts), so no write outlives the lease it was made under.
 */
export interface WriteOptions {
  readonly signal?: AbortSignal;
  /** `namespace/name` of the HPA the write is made for: a sharded replica's fence asks its shard's lease */
  readonly hpa?: string;
}

/** A scale target reference resolved through discovery. */
export type { ScaleTarget };

/**
 * Everything the controller does to a cluster (ARCHITECTURE.md, ports). Adapters: client-node
 * (a real cluster, or the simulator over HTTP) and in-memory (the simulator in virtual time).
 */
export interface ClusterAccess {
  /** HPAs of one namespace, or all namespaces when namespace is undefined */
  watchHpas(namespace: string | undefined, handlers: WatchHandlers<HorizontalPodAutoscaler>): Stoppable;
  watchPods(namespace: string | undefined, handlers: WatchHandlers<PodSnapshot>): Stoppable;
  /** kind → resource through discovery; an unknown kind is an error naming it */
  resolveScaleTarget(apiVersion: string, kind: string): Promise<ClusterResult<readonly ScaleTarget[]>>;
  getScale(target: ScaleTarget, namespace: string, name: string): Promise<ClusterResult<Scale>>;
  /**
   * apps/v1 ReplicaSets of a namespace that `labelSelector` matches, read fresh; only for an HPA
   * with `hpa-ts.io/pod-selection: owner-references` on a Deployment (docs/annotations.md)
   */
  listReplicaSets(namespace: string, labelSelector: string): Promise<ClusterResult<readonly ReplicaSetOwnership[]>>;
  /** PUT of the whole Scale with its resourceVersion (upstream Update) */
  updateScale(target: ScaleTarget, namespace: string, scale: Scale, opts?: WriteOptions): Promise<ClusterResult<Scale>>;
  /** PUT of the HPA status subresource (autoscaling/v2), with the given resourceVersion */
  updateHpaStatus(
    hpa: HorizontalPodAutoscaler,
    status: HorizontalPodAutoscalerStatus,
    opts?: WriteOptions,
  ): Promise<ClusterResult<HorizontalPodAutoscaler>>;
  getHpa(namespace: string, name: string): Promise<ClusterResult<HorizontalPodAutoscaler>>;
  createEvent(event: EventRecord, opts?: WriteOptions): Promise<ClusterResult<void>>;
  /** bumps count and lastTimestamp (and message) of an existing Event */
  patchEvent(event: EventRecord, opts?: WriteOptions): Promise<ClusterResult<void>>;
  getLease(namespace: string, name: string): Promise<ClusterResult<LeaseRecord | null>>;
  createLease(
    namespace: string,
    name: string,
    lease: Omit<LeaseRecord, 'resourceVersion'>,
  ): Promise<ClusterResult<LeaseRecord>>;
  updateLease(namespace: string, name: string, lease: LeaseRecord): Promise<ClusterResult<LeaseRecord>>;
}
