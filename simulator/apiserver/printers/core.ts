/** core/v1 and coordination tables (upstream printPod, printEvent, printNamespace, printService, …). */
import { parseInstant } from '../../../algorithms/time.js';
import type { KubeObject } from '../types.js';
import { asArray, asNumber, asObject, asString } from '../json.js';
import { translateTimestampSince } from './duration.js';
import { age, col, type PrintContext, type TableCell, type TablePrinter } from './table.js';

type Obj = Record<string, unknown>;

function isRestartableInit(c: Obj | undefined): boolean {
  return asString(c?.restartPolicy) === 'Always';
}

function hasCondition(status: Obj, type: string): boolean {
  return asArray(status.conditions).some((c) => asObject(c)?.type === type && asObject(c)?.status === 'True');
}

/** printPod: READY, STATUS (the aggregate reason), RESTARTS with the last restart age. */
function podCells(pod: KubeObject, ctx: PrintContext): TableCell[] {
  const spec = asObject(pod.spec) ?? {};
  const status = asObject(pod.status) ?? {};
  const containers = asArray(spec.containers);
  const initSpecs = new Map<string, Obj>();
  let totalContainers = containers.length;
  for (const c of asArray(spec.initContainers)) {
    const o = asObject(c) ?? {};
    initSpecs.set(asString(o.name) ?? '', o);
    if (isRestartableInit(o)) totalContainers++;
  }
  let restarts = 0;
  let restartableRestarts = 0;
  let readyContainers = 0;
  let lastRestart = Number.NEGATIVE_INFINITY;
  let lastRestartableRestart = Number.NEGATIVE_INFINITY;
  const phase = asString(status.phase) ?? '';
  let reason = asString(status.reason) || phase;
  for (const c of asArray(status.conditions)) {
    const o = asObject(c);
    if (o?.type === 'PodScheduled' && o.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const finishedAt = (cs: Obj): number => {
    const t = asString(asObject(asObject(cs.lastState)?.terminated)?.finishedAt);
    return t === undefined ? Number.NEGATIVE_INFINITY : parseInstant(t);
  };
  let initializing = false;
  const initStatuses = asArray(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = asObject(initStatuses[i]) ?? {};
    const rc = asNumber(cs.restartCount) ?? 0;
    restarts += rc;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const restartable = isRestartableInit(initSpecs.get(asString(cs.name) ?? ''));
    if (restartable) {
      restartableRestarts += rc;
      lastRestartableRestart = Math.max(lastRestartableRestart, finishedAt(cs));
    }
    const state = asObject(cs.state) ?? {};
    const terminated = asObject(state.terminated);
    const waiting = asObject(state.waiting);
    if (terminated !== undefined && (asNumber(terminated.exitCode) ?? 0) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      const r = asString(terminated.reason) ?? '';
      const signal = asNumber(terminated.signal) ?? 0;
      reason =
        r !== ''
          ? `Init:${r}`
          : signal !== 0
            ? `Init:Signal:${signal}`
            : `Init:ExitCode:${asNumber(terminated.exitCode) ?? 0}`;
    } else if (
      waiting !== undefined &&
      (asString(waiting.reason) ?? '') !== '' &&
      waiting.reason !== 'PodInitializing'
    ) {
      reason = `Init:${asString(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${asArray(spec.initContainers).length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = asArray(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = asObject(statuses[i]) ?? {};
      restarts += asNumber(cs.restartCount) ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const state = asObject(cs.state) ?? {};
      const waiting = asObject(state.waiting);
      const terminated = asObject(state.terminated);
      if (waiting !== undefined && (asString(waiting.reason) ?? '') !== '') {
        reason = asString(waiting.reason) as string;
      } else if (terminated !== undefined && (asString(terminated.reason) ?? '') !== '') {
        reason = asString(terminated.reason) as string;
      } else if (terminated !== undefined) {
        const signal = asNumber(terminated.signal) ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${asNumber(terminated.exitCode) ?? 0}`;
      } else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp !== undefined) {
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }
  let restartsText = String(restarts);
  if (restarts !== 0 && Number.isFinite(lastRestart))
    restartsText = `${restarts} (${translateTimestampSince(new Date(lastRestart).toISOString(), ctx.now)} ago)`;
  const podIPs = asArray(status.podIPs);
  const podIP = asString(asObject(podIPs[0])?.ip) || '<none>';
  const gates = asArray(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length > 0) {
    const trueCount = gates.filter((g) => {
      const type = asObject(g)?.conditionType;
      return asArray(status.conditions).some((c) => asObject(c)?.type === type && asObject(c)?.status === 'True');
    }).length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [
    pod.metadata.name ?? '',
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsText,
    age(pod, ctx),
    podIP,
    asString(spec.nodeName) || '<none>',
    asString(status.nominatedNodeName) || '<none>',
    readinessGates,
  ];
}

export const podPrinter: TablePrinter = {
  columns: [
    col('Name'),
    col('Ready', 'string', 0, 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 0, 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      0,
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    col('Age'),
    col(
      'IP',
      'string',
      1,
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
    ),
    col('Node', 'string', 1, 'NodeName indicates in which node this pod is scheduled.'),
    col('Nominated Node', 'string', 1, 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    col('Readiness Gates', 'string', 1, 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  cells: podCells,
};

/** printEvent (the core/v1 Event table of `kubectl get events`). */
export const eventPrinter: TablePrinter = {
  columns: [
    col('Last Seen', 'string', 0, 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 0, 'Type of this event (Normal, Warning), new types could be added in the future'),
    col(
      'Reason',
      'string',
      0,
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col('Object', 'string', 0, 'The object that this event is about.'),
    col(
      'Subobject',
      'string',
      1,
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
    ),
    col('Source', 'string', 1, 'The component reporting this event. Should be a short machine understandable string.'),
    col('Message', 'string', 0, 'A human-readable description of the status of this operation.'),
    col(
      'First Seen',
      'string',
      1,
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
    ),
    col('Count', 'string', 1, 'The number of times this event has occurred.'),
    col('Name', 'string', 1),
  ],
  cells(obj: KubeObject, ctx: PrintContext) {
    const e = obj as unknown as Obj;
    const first = asString(e.firstTimestamp)
      ? translateTimestampSince(e.firstTimestamp, ctx.now)
      : translateTimestampSince(e.eventTime, ctx.now);
    let last = asString(e.lastTimestamp) ? translateTimestampSince(e.lastTimestamp, ctx.now) : first;
    let count = asNumber(e.count) ?? 0;
    const series = asObject(e.series);
    if (series !== undefined) {
      last = translateTimestampSince(series.lastObservedTime, ctx.now);
      count = asNumber(series.count) ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    const io = asObject(e.involvedObject) ?? {};
    const kind = (asString(io.kind) ?? '').toLowerCase();
    const name = asString(io.name) ?? '';
    const src = asObject(e.source) ?? {};
    const component = asString(src.component) || asString(e.reportingComponent) || '';
    const host = asString(src.host) || asString(e.reportingInstance) || '';
    return [
      last,
      asString(e.type) ?? '',
      asString(e.reason) ?? '',
      name === '' ? kind : `${kind}/${name}`,
      asString(io.fieldPath) ?? '',
      host === '' ? component : `${component}, ${host}`,
      (asString(e.message) ?? '').trim(),
      first,
      count,
      obj.metadata.name ?? '',
    ];
  },
};

export const namespacePrinter: TablePrinter = {
  columns: [col('Name'), col('Status', 'string', 0, 'The status of the namespace'), col('Age')],
  cells: (obj, ctx) => [obj.metadata.name ?? '', asString(asObject(obj.status)?.phase) ?? '', age(obj, ctx)],
};

export const configMapPrinter: TablePrinter = {
  columns: [col('Name'), col('Data', 'string', 0, 'Data contains the configuration data.'), col('Age')],
  cells: (obj, ctx) => [
    obj.metadata.name ?? '',
    Object.keys(asObject(obj.data) ?? {}).length + Object.keys(asObject(obj.binaryData) ?? {}).length,
    age(obj, ctx),
  ],
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [
    col('Name'),
    col(
      'Secrets',
      'string',
      0,
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    ),
    col('Age'),
  ],
  cells: (obj, ctx) => [obj.metadata.name ?? '', asArray(obj.secrets).length, age(obj, ctx)],
};

function servicePorts(spec: Obj): string {
  const ports = asArray(spec.ports).map((p) => {
    const o = asObject(p) ?? {};
    const proto = asString(o.protocol) ?? 'TCP';
    const nodePort = asNumber(o.nodePort) ?? 0;
    return nodePort > 0 ? `${asNumber(o.port) ?? 0}:${nodePort}/${proto}` : `${asNumber(o.port) ?? 0}/${proto}`;
  });
  return ports.length === 0 ? '<none>' : ports.join(',');
}

function externalIp(spec: Obj, status: Obj): string {
  const ext = asArray(spec.externalIPs).map(String);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
    case undefined:
      return ext.length > 0 ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = asArray(asObject(status.loadBalancer)?.ingress)
        .map((i) => asString(asObject(i)?.ip) || asString(asObject(i)?.hostname) || '')
        .filter((s) => s !== '');
      const all = [...lb, ...ext];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return asString(spec.externalName) ?? '';
    default:
      return '<unknown>';
  }
}

export const servicePrinter: TablePrinter = {
  columns: [
    col('Name'),
    col('Type', 'string', 0, 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', 0, 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col(
      'External-IP',
      'string',
      0,
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    col('Port(s)', 'string', 0, 'The list of ports that are exposed by this service.'),
    col('Age'),
    col('Selector', 'string', 1, 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  cells(obj: KubeObject, ctx: PrintContext) {
    const spec = asObject(obj.spec) ?? {};
    const ips = asArray(spec.clusterIPs);
    const selector = Object.entries(asObject(spec.selector) ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
    return [
      obj.metadata.name ?? '',
      asString(spec.type) ?? '',
      asString(ips[0]) ?? '<none>',
      externalIp(spec, asObject(obj.status) ?? {}),
      servicePorts(spec),
      age(obj, ctx),
      selector === '' ? '<none>' : selector,
    ];
  },
};

export const leasePrinter: TablePrinter = {
  columns: [
    col('Name'),
    col('Holder', 'string', 0, 'holderIdentity contains the identity of the holder of a current lease.'),
    col('Age'),
  ],
  cells: (obj, ctx) => [obj.metadata.name ?? '', asString(asObject(obj.spec)?.holderIdentity) ?? '', age(obj, ctx)],
};
