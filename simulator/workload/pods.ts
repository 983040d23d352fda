/**
 * Pods as kube-controller-manager creates them and as a kubelet reports them: the object built
 * from a pod template (controller.GetPodFromTemplate) and the status of each lifecycle stage.
 */
import { formatInstant } from '../../algorithms/index.js';
import { asArray, asObject, asString, cloneJson } from '../apiserver/json.js';
import type { KubeObject, OwnerReference } from '../apiserver/types.js';

type Obj = Record<string, unknown>;

export function labelsOf(obj: KubeObject | undefined): Readonly<Record<string, string>> {
  return (obj?.metadata.labels ?? {}) as Readonly<Record<string, string>>;
}

export function annotationsOf(obj: KubeObject | undefined): Readonly<Record<string, string>> {
  return (obj?.metadata.annotations ?? {}) as Readonly<Record<string, string>>;
}

export function ownerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller owner's uid (the ownerReference with controller: true). */
export function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
}

/** GetPodFromTemplate: labels, annotations and spec of the template, the owner as controller. */
export function podFromTemplate(
  template: unknown,
  name: string,
  namespace: string,
  owner: OwnerReference,
  extraLabels: Readonly<Record<string, string>> = {},
): Obj {
  const t = asObject(template) ?? {};
  const meta = asObject(t.metadata) ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { ...(asObject(meta.labels) ?? {}), ...extraLabels },
      ...(asObject(meta.annotations) !== undefined ? { annotations: cloneJson(meta.annotations) } : {}),
      ownerReferences: [owner],
    },
    spec: cloneJson(asObject(t.spec) ?? {}),
  };
}

export const PodStage = { Scheduled: 'Scheduled', Running: 'Running', Ready: 'Ready' } as const;
export type PodStage = (typeof PodStage)[keyof typeof PodStage];

/** A stable fake IP per pod name, so `kubectl get pods -o wide` shows something plausible. */
function podIp(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `10.244.${(h >>> 8) % 250}.${(h % 250) + 2}`;
}

function containerNames(pod: KubeObject): string[] {
  return asArray(asObject(pod.spec)?.containers).map((c, i) => asString(asObject(c)?.name) ?? `c${i}`);
}

function images(pod: KubeObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of asArray(asObject(pod.spec)?.containers)) {
    const o = asObject(c) ?? {};
    out.set(asString(o.name) ?? '', asString(o.image) ?? '');
  }
  return out;
}

function condition(type: string, status: boolean, at: string, reason?: string): Obj {
  return {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(reason !== undefined && !status ? { reason } : {}),
  };
}

export interface PodTimes {
  /** when the kubelet accepted the pod (status.startTime) */
  readonly startedAt: number;
  /** when the containers started (Running) */
  readonly runningAt?: number;
  /** when the readiness probe first passed */
  readonly readyAt?: number;
}

/**
 * The pod's status at a lifecycle stage, as a kubelet writes it: Pending with containers
 * `ContainerCreating`; Running with containers started but not ready; Running and Ready. The
 * Ready condition's lastTransitionTime is what the HPA reads for its readiness logic.
 */
export function podStatus(pod: KubeObject, stage: PodStage, t: PodTimes): Obj {
  const start = formatInstant(t.startedAt);
  const running = stage !== PodStage.Scheduled && t.runningAt !== undefined;
  const ready = stage === PodStage.Ready && t.readyAt !== undefined;
  const readyAt = formatInstant(ready ? (t.readyAt as number) : (t.runningAt ?? t.startedAt));
  const img = images(pod);
  const name = pod.metadata.name ?? '';
  return {
    phase: running ? 'Running' : 'Pending',
    conditions: [
      condition('PodReadyToStartContainers', running, formatInstant(t.runningAt ?? t.startedAt)),
      condition('Initialized', true, start),
      condition('Ready', ready, readyAt, 'ContainersNotReady'),
      condition('ContainersReady', ready, readyAt, 'ContainersNotReady'),
      condition('PodScheduled', true, start),
    ],
    hostIP: '172.18.0.2',
    hostIPs: [{ ip: '172.18.0.2' }],
    ...(running ? { podIP: podIp(name), podIPs: [{ ip: podIp(name) }] } : {}),
    startTime: start,
    containerStatuses: containerNames(pod).map((c) => ({
      name: c,
      image: img.get(c) ?? '',
      imageID: '',
      ready,
      restartCount: 0,
      started: running,
      state: running
        ? { running: { startedAt: formatInstant(t.runningAt as number) } }
        : { waiting: { reason: 'ContainerCreating' } },
      ...(running ? { containerID: `containerd://${name}-${c}` } : {}),
    })),
    qosClass: asString(asObject(pod.status)?.qosClass) ?? 'BestEffort',
  };
}

export function podPhase(pod: KubeObject): string {
  return asString(asObject(pod.status)?.phase) ?? '';
}

export function podReady(pod: KubeObject): boolean {
  return asArray(asObject(pod.status)?.conditions).some((c) => {
    const o = asObject(c);
    return o?.type === 'Ready' && o.status === 'True';
  });
}

/** ReplicaSet "available": ready (minReadySeconds is not modelled, so ready = available). */
export function podActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}
