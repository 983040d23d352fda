/**
 * metrics.k8s.io from `resourceRules`, as the adapter's resource provider builds PodMetrics
 * (pkg/resourceprovider/provider.go): for the listed pods of one namespace, the cpu and the memory
 * containerQuery (Series empty, LabelMatchers `namespace="ns",pod=~"a|b"`, GroupBy
 * `pod,<containerLabel>`) run at the same instant; samples are grouped by the pod label and named
 * by the container label; a pod missing from either answer is left out; a container with only one
 * of the two gets 0 for the other; NaN and negative samples count as 0; the pod's timestamp is its
 * earliest sample and its window the configured one. cpu is DecimalSI, memory BinarySI.
 */
import {
  type ContainerUsage,
  type MetricsResult,
  type PodResourceUsage,
  Quantity,
  type Result,
  Selector,
  err,
  ok,
} from '../../algorithms/index.js';
import { apiError } from '../shared/errors.js';
import type { ListedPod } from '../shared/pod-lister.js';
import type { GroupResource, RestMapper } from '../../transport/index.js';
import type { ResourceRule, ResourceRules } from './adapter-config.js';
import { type GoTemplate, compileTemplate } from './go-template.js';
import type { PromSample, PrometheusQueryApi } from './http-api.js';
import { buildQuery } from './query-builder.js';
import { ResourceConverter } from './resource-converter.js';
import { milliOf } from './values.js';

const PODS: GroupResource = { group: '', resource: 'pods' };

interface Compiled {
  readonly rule: ResourceRule;
  readonly template: GoTemplate;
  readonly converter: ResourceConverter;
}

export class ResourceMetricsReader {
  private constructor(
    private readonly cpu: Compiled,
    private readonly memory: Compiled,
    private readonly windowSeconds: number,
    private readonly api: PrometheusQueryApi,
    private readonly nanAsZero: boolean,
  ) {}

  static async create(
    rules: ResourceRules,
    api: PrometheusQueryApi,
    mapper: RestMapper,
    adapterParity: boolean,
  ): Promise<Result<ResourceMetricsReader, string>> {
    const compile = async (rule: ResourceRule): Promise<Result<Compiled, string>> => {
      const converter = await ResourceConverter.create(rule.resources, mapper);
      if (!converter.ok) return err(`${rule.at}: unable to construct label-resource converter: ${converter.error}`);
      const template = compileTemplate('metrics-query', rule.containerQuery);
      if (!template.ok) return err(`${rule.at}: unable to construct container metrics query: ${template.error}`);
      return ok({ rule, template: template.value, converter: converter.value });
    };
    const cpu = await compile(rules.cpu);
    if (!cpu.ok) return cpu;
    const memory = await compile(rules.memory);
    if (!memory.ok) return memory;
    // the adapter always zeroes NaN here; without parity a NaN is still zeroed only when asked
    return ok(new ResourceMetricsReader(cpu.value, memory.value, rules.windowMs / 1000, api, adapterParity));
  }

  /** The PromQL for one resource and set of pods (exported for the CLI's --show-query and tests). */
  query(which: 'cpu' | 'memory', namespace: string, pods: readonly string[]): Promise<Result<string, string>> {
    const c = which === 'cpu' ? this.cpu : this.memory;
    return buildQuery(
      c.template,
      c.converter,
      '',
      PODS,
      namespace,
      [c.rule.containerLabel],
      Selector.everything(),
      pods,
    );
  }

  async read(
    namespace: string,
    pods: readonly ListedPod[],
    now: number,
    signal?: AbortSignal,
  ): Promise<MetricsResult<PodResourceUsage>> {
    if (pods.length === 0) return ok([]);
    const names = pods.map((p) => p.name);
    const [cpu, memory] = await Promise.all([
      this.run('cpu', namespace, names, now, signal),
      this.run('memory', namespace, names, now, signal),
    ]);
    if (!cpu.ok) return cpu;
    if (!memory.ok) return memory;
    const out: PodResourceUsage[] = [];
    for (const pod of pods) {
      const c = cpu.value.get(pod.name);
      const m = memory.value.get(pod.name);
      if (c === undefined || m === undefined) continue;
      const containers = new Map<string, Record<string, Quantity>>();
      let earliest = Number.POSITIVE_INFINITY;
      const add = (samples: readonly PromSample[], resource: 'cpu' | 'memory', label: string): void => {
        for (const s of samples) {
          const name = s.labels[label] ?? '';
          const usage = containers.get(name) ?? {};
          containers.set(name, usage);
          usage[resource] = Quantity.fromMilli(milliOf(s.value) ?? 0n, resource === 'cpu' ? 'DecimalSI' : 'BinarySI');
          earliest = Math.min(earliest, s.timestamp);
        }
      };
      add(c, 'cpu', this.cpu.rule.containerLabel);
      add(m, 'memory', this.memory.rule.containerLabel);
      const list: ContainerUsage[] = [];
      for (const [name, usage] of containers) {
        usage.cpu ??= Quantity.fromMilli(0n, 'BinarySI');
        usage.memory ??= Quantity.fromMilli(0n, 'BinarySI');
        list.push({ name, usage });
      }
      out.push({
        pod: pod.name,
        namespace,
        labels: pod.labels,
        timestamp: Number.isFinite(earliest) ? earliest : now,
        windowSeconds: this.windowSeconds,
        containers: list,
      });
    }
    return ok(out);
  }

  private async run(
    which: 'cpu' | 'memory',
    namespace: string,
    names: readonly string[],
    now: number,
    signal?: AbortSignal,
  ): Promise<Result<Map<string, PromSample[]>, ReturnType<typeof apiError>>> {
    const c = which === 'cpu' ? this.cpu : this.memory;
    const query = await this.query(which, namespace, names);
    if (!query.ok)
      return err(
        apiError(
          'Internal',
          'resource',
          c.rule.at,
          `unable to fetch ${which} metrics: unable to construct query: ${query.error}`,
        ),
      );
    const res = await this.api.query(query.value, now, signal);
    if (!res.ok)
      return err(
        apiError(
          res.error.kind,
          'resource',
          query.value,
          `unable to fetch ${which} metrics: unable to execute query: ${res.error.message}`,
          res.error.status,
        ),
      );
    if (res.value.resultType !== 'vector') {
      return err(
        apiError(
          'Malformed',
          'resource',
          query.value,
          `unable to fetch ${which} metrics: invalid or empty value of non-vector type (${res.value.resultType}) returned`,
        ),
      );
    }
    const label = await c.converter.labelForResource(PODS);
    if (!label.ok)
      return err(
        apiError(
          'Internal',
          'resource',
          query.value,
          `unable to fetch ${which} metrics: unable to find label for resource pods: ${label.error}`,
        ),
      );
    const byPod = new Map<string, PromSample[]>();
    for (const s of res.value.samples) {
      if (Number.isNaN(s.value) && !this.nanAsZero) {
        return err(
          apiError(
            'Malformed',
            'resource',
            query.value,
            `sample value NaN for ${which} of ${s.labels[label.value] ?? '?'} (the adapter would report 0)`,
          ),
        );
      }
      if (!Number.isFinite(s.value) && !Number.isNaN(s.value) && s.value > 0) {
        return err(
          apiError(
            'Malformed',
            'resource',
            query.value,
            `sample value ${s.text} for ${which} of ${s.labels[label.value] ?? '?'}`,
          ),
        );
      }
      // NaN (with parity) and negative values count as zero, as in the adapter
      const fixed = Number.isNaN(s.value) || s.value < 0 ? { ...s, value: 0 } : s;
      const key = s.labels[label.value] ?? '';
      byPod.set(key, [...(byPod.get(key) ?? []), fixed]);
    }
    return ok(byPod);
  }
}
