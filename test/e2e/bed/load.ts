/**
 * The load model of one scenario: what every pod reports at each epoch. Pure functions over plain
 * data, so a scenario's metric values follow from its seed alone.
 *
 * Per-pod signals (cpu, memory, a custom pods metric) carry a total per epoch that is shared by
 * the pods that serve (Running and Ready), weighted; pods that run but do not serve report
 * `idle`; pods that are not running (or whose metrics are not there yet) report nothing.
 * Object and External signals are one value per epoch.
 */

export interface ContainerSpec {
  readonly name: string;
  readonly cpuRequestMilli: number;
  readonly memoryRequestBytes: number;
  /** share of the pod's cpu/memory use that falls on this container (shares of a pod add up to 1) */
  readonly share: number;
}

export type Signal =
  | {
      readonly kind: 'cpu' | 'memory';
      /** per epoch: the total over serving pods (millicores / bytes) */
      readonly total: readonly number[];
      /** what a running pod that does not serve uses */
      readonly idle: number;
    }
  | {
      readonly kind: 'pods';
      readonly metric: string;
      /** per epoch: the total over serving pods, milli-units */
      readonly total: readonly number[];
      readonly idle: number;
      /** labels of the series (matched against the HPA's metric selector) */
      readonly labels: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'object';
      readonly metric: string;
      /** group-qualified plural and name of the described object (deployments.apps/web, namespaces/ns) */
      readonly resource: string;
      readonly name: string;
      /** per epoch; null: the metric is absent (the metrics API answers 404) */
      readonly values: readonly (number | null)[];
      readonly labels: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'external';
      readonly metric: string;
      /** per epoch, one value per series; null: the metric is absent (the metrics API answers 404) */
      readonly values: readonly (readonly number[] | null)[];
      readonly labels: readonly Readonly<Record<string, string>>[];
    };

export interface PodPattern {
  /** epochs from creation until Running (no metrics while Pending) */
  readonly startDelay: number;
  /** epochs from creation until Ready=True; null: never ready */
  readonly readyDelay: number | null;
  /** epochs after start without metrics */
  readonly metricsDelay: number;
  /** startTime an hour before creation: outside the cpu initialization period all along */
  readonly oldStart: boolean;
  /** weight of this pod in the share of the load */
  readonly weight: number;
}

export interface PodPhase {
  readonly running: boolean;
  readonly ready: boolean;
  readonly hasMetrics: boolean;
}

export function podPhase(p: PodPattern, age: number): PodPhase {
  const running = age >= p.startDelay;
  const ready = running && p.readyDelay !== null && age >= Math.max(p.readyDelay, p.startDelay);
  const hasMetrics = running && age >= p.startDelay + p.metricsDelay;
  return { running, ready, hasMetrics };
}

export interface PodLoadInput {
  readonly name: string;
  readonly phase: PodPhase;
  readonly weight: number;
}

export interface PodValues {
  /** per container: [cpu millicores, memory bytes] */
  readonly containers: readonly { readonly name: string; readonly cpuMilli: number; readonly memoryBytes: number }[];
  /** custom pods metrics by name, milli-units */
  readonly custom: ReadonlyMap<string, number>;
}

export interface EpochValues {
  readonly pods: ReadonlyMap<string, PodValues>;
  readonly objects: ReadonlyMap<string, number>;
  readonly external: ReadonlyMap<string, readonly { labels: Readonly<Record<string, string>>; milli: number }[]>;
}

function at<T>(series: readonly T[], epoch: number): T {
  return series[Math.min(epoch, series.length - 1)];
}

/** Integer shares of `total` by weight (largest remainder), so values stay exact integers. */
export function shares(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let rest = Math.round(total) - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (rest <= 0) break;
    out[i]++;
    rest--;
  }
  return out;
}

/** Every value a scenario's pods and objects report at `epoch`. */
export function epochValues(
  signals: readonly Signal[],
  containers: readonly ContainerSpec[],
  pods: readonly PodLoadInput[],
  epoch: number,
): EpochValues {
  const withMetrics = pods.filter((p) => p.phase.hasMetrics);
  const serving = withMetrics.filter((p) => p.phase.ready);
  const perPod = (total: number, idle: number): Map<string, number> => {
    const m = new Map<string, number>();
    const s = shares(
      total,
      serving.map((p) => p.weight),
    );
    serving.forEach((p, i) => m.set(p.name, s[i]));
    for (const p of withMetrics) if (!m.has(p.name)) m.set(p.name, idle);
    return m;
  };
  const cpu = signals.find((s) => s.kind === 'cpu');
  const memory = signals.find((s) => s.kind === 'memory');
  const cpuBy =
    cpu !== undefined && cpu.kind === 'cpu' ? perPod(at(cpu.total, epoch), cpu.idle) : new Map<string, number>();
  const memBy =
    memory !== undefined && memory.kind === 'memory'
      ? perPod(at(memory.total, epoch), memory.idle)
      : new Map<string, number>();
  const custom = new Map<string, Map<string, number>>();
  const objects = new Map<string, number>();
  const external = new Map<string, { labels: Readonly<Record<string, string>>; milli: number }[]>();
  for (const s of signals) {
    if (s.kind === 'pods') custom.set(s.metric, perPod(at(s.total, epoch), s.idle));
    else if (s.kind === 'object') {
      const v = at(s.values, epoch);
      if (v !== null) objects.set(`${s.resource}/${s.name}/${s.metric}`, v);
    } else if (s.kind === 'external') {
      const series = at(s.values, epoch);
      if (series !== null)
        external.set(
          s.metric,
          series.map((milli, i) => ({ labels: s.labels[i] ?? {}, milli })),
        );
    }
  }
  const podValues = new Map<string, PodValues>();
  for (const p of withMetrics) {
    const podCpu = cpuBy.get(p.name) ?? 0;
    const podMem = memBy.get(p.name) ?? 0;
    const cpuShares = shares(
      podCpu,
      containers.map((c) => c.share),
    );
    const memShares = shares(
      podMem,
      containers.map((c) => c.share),
    );
    podValues.set(p.name, {
      containers: containers.map((c, i) => ({ name: c.name, cpuMilli: cpuShares[i], memoryBytes: memShares[i] })),
      custom: new Map([...custom].filter(([, m]) => m.has(p.name)).map(([metric, m]) => [metric, m.get(p.name) ?? 0])),
    });
  }
  return { pods: podValues, objects, external };
}
