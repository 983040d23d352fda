/**
 * What the adapter learns from series discovery (pkg/custom-provider/series_registry.go,
 * pkg/external-provider/external_series_registry.go): for custom metrics, one entry per
 * (group-resource, namespaced, API metric name) → the series and rule that answer it; for external
 * metrics, one entry per API metric name. Later series overwrite earlier ones, as in the adapter's
 * map. Namespaces, nodes and persistent volumes are never namespaced.
 */
import { type GroupResource, qualifiedResource } from '../../transport/index.js';
import type { MetricNamer, Series } from './namer.js';
import { NAMESPACES, sameResource } from './resource-converter.js';

export interface SeriesInfo {
  readonly seriesName: string;
  readonly namer: MetricNamer;
}

/** One metric the custom metrics API would list (`pods/http_requests_qps`). */
export interface CustomMetricInfo {
  readonly resource: GroupResource;
  readonly namespaced: boolean;
  readonly metric: string;
}

const ROOT_SCOPED: readonly GroupResource[] = [
  NAMESPACES,
  { group: '', resource: 'nodes' },
  { group: '', resource: 'persistentvolumes' },
];

/** Whether the adapter registers metrics of this resource as root-scoped (never namespaced). */
export function isRootScoped(gr: GroupResource): boolean {
  return ROOT_SCOPED.some((r) => sameResource(r, gr));
}

function infoKey(i: CustomMetricInfo): string {
  return `${i.resource.group}/${i.resource.resource}|${i.namespaced}|${i.metric}`;
}

export class SeriesRegistry {
  private constructor(
    private readonly custom: ReadonlyMap<string, SeriesInfo & { info: CustomMetricInfo }>,
    private readonly external: ReadonlyMap<string, SeriesInfo>,
    /** names that did not fit their rule, for explaining a miss */
    readonly skipped: readonly string[],
  ) {}

  static empty(): SeriesRegistry {
    return new SeriesRegistry(new Map(), new Map(), []);
  }

  /** SetSeries for both APIs; `series[i]` holds the (already filtered) series of `namers[i]`. */
  static async build(
    custom: ReadonlyArray<readonly [MetricNamer, readonly Series[]]>,
    external: ReadonlyArray<readonly [MetricNamer, readonly Series[]]>,
  ): Promise<SeriesRegistry> {
    const customMap = new Map<string, SeriesInfo & { info: CustomMetricInfo }>();
    const skipped: string[] = [];
    for (const [namer, list] of custom) {
      for (const s of list) {
        const { resources, namespaced } = await namer.converter.resourcesForSeries(s.labels);
        const name = namer.metricNameForSeries(s.name);
        if (!name.ok) {
          skipped.push(`unable to name series ${JSON.stringify(s.name)}, skipping: ${name.error}`);
          continue;
        }
        for (const resource of resources) {
          const info = {
            resource,
            namespaced: isRootScoped(resource) ? false : namespaced,
            metric: name.value,
          };
          customMap.set(infoKey(info), { seriesName: s.name, namer, info });
        }
      }
    }
    const externalMap = new Map<string, SeriesInfo>();
    for (const [namer, list] of external) {
      for (const s of list) {
        const name = namer.metricNameForSeries(s.name);
        if (!name.ok) {
          skipped.push(`unable to name series ${JSON.stringify(s.name)}, skipping: ${name.error}`);
          continue;
        }
        externalMap.set(name.value, { seriesName: s.name, namer });
      }
    }
    return new SeriesRegistry(customMap, externalMap, skipped);
  }

  lookupCustom(info: CustomMetricInfo): SeriesInfo | undefined {
    return this.custom.get(infoKey(info));
  }

  lookupExternal(metric: string): SeriesInfo | undefined {
    return this.external.get(metric);
  }

  /** ListAllMetrics of custom.metrics.k8s.io, as `resource/metric` (for the CLI and errors). */
  listCustom(): string[] {
    return [...this.custom.values()].map((v) => `${qualifiedResource(v.info.resource)}/${v.info.metric}`).sort();
  }

  listExternal(): string[] {
    return [...this.external.keys()].sort();
  }
}
