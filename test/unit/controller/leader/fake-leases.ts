import type { ClusterAccess, ClusterError, ClusterResult, LeaseRecord } from '../../../../controller/ports.js';

export type LeasePort = Pick<ClusterAccess, 'getLease' | 'createLease' | 'updateLease'>;

const path = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hpa-ts';

function fail<T>(
  status: number | undefined,
  reason: string | undefined,
  message: string,
  verb: string,
): ClusterResult<T> {
  const error: ClusterError = { status, reason, message, verb, path };
  return { ok: false, error };
}

/** One Lease in memory with the API server's optimistic concurrency (resourceVersion, 409). */
export class LeaseStore {
  lease: LeaseRecord | null = null;
  private rv = 0;
  readonly writes: LeaseRecord[] = [];

  get(): ClusterResult<LeaseRecord | null> {
    return { ok: true, value: this.lease };
  }

  create(rec: Omit<LeaseRecord, 'resourceVersion'>): ClusterResult<LeaseRecord> {
    if (this.lease !== null)
      return fail(409, 'AlreadyExists', 'leases.coordination.k8s.io "hpa-ts" already exists', 'POST');
    return this.store(rec);
  }

  update(rec: LeaseRecord): ClusterResult<LeaseRecord> {
    if (this.lease === null) return fail(404, 'NotFound', 'leases.coordination.k8s.io "hpa-ts" not found', 'PUT');
    if (rec.resourceVersion !== this.lease.resourceVersion) {
      return fail(
        409,
        'Conflict',
        'Operation cannot be fulfilled on leases.coordination.k8s.io "hpa-ts": the object has been modified',
        'PUT',
      );
    }
    return this.store(rec);
  }

  /** Writes as some other client would (no concurrency check). */
  force(rec: Omit<LeaseRecord, 'resourceVersion'>): void {
    this.store(rec);
  }

  private store(rec: Omit<LeaseRecord, 'resourceVersion'>): ClusterResult<LeaseRecord> {
    const stored: LeaseRecord = { ...rec, resourceVersion: String(++this.rv) };
    this.lease = stored;
    this.writes.push(stored);
    return { ok: true, value: stored };
  }
}

/** One candidate's connection to the store; `down` makes every call fail in transport (a partition). */
export class LeaseConnection implements LeasePort {
  down = false;

  /** `latency` models a network round trip, so concurrent candidates interleave their calls */
  constructor(
    private readonly store: LeaseStore,
    private readonly latency?: () => Promise<void>,
  ) {}

  getLease(): Promise<ClusterResult<LeaseRecord | null>> {
    return this.answer(() => this.store.get());
  }

  createLease(
    _ns: string,
    _name: string,
    lease: Omit<LeaseRecord, 'resourceVersion'>,
  ): Promise<ClusterResult<LeaseRecord>> {
    return this.answer(() => this.store.create(lease));
  }

  updateLease(_ns: string, _name: string, lease: LeaseRecord): Promise<ClusterResult<LeaseRecord>> {
    return this.answer(() => this.store.update(lease));
  }

  private async answer<T>(f: () => ClusterResult<T>): Promise<ClusterResult<T>> {
    await (this.latency?.() ?? Promise.resolve());
    if (this.down) return fail(undefined, undefined, `GET ${path}: connect ETIMEDOUT`, 'GET');
    return f();
  }
}
