/**
 * Plain records of the two API objects the controller writes besides HPAs and scales: core/v1
 * Event and coordination.k8s.io/v1 Lease. The ClusterAccess port (controller/ports.ts) speaks
 * them; their wire bodies (bodies.ts, lease-body.ts) and converters (convert.ts) are beside them.
 */
export interface EventRecord {
  readonly namespace: string;
  /** the involved object */
  readonly involvedObject: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    readonly namespace: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
  };
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly component: string;
  readonly count: number;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  /** name of the Event object (to patch its count on repeats) */
  readonly name: string;
}

export interface LeaseRecord {
  readonly holderIdentity: string | null;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string | null;
  readonly renewTime: string | null;
  readonly leaseTransitions: number;
  readonly resourceVersion: string;
}
