/**
 * The three metrics API answers, narrowed from JSON (HPA-SEMANTICS §6): metrics.k8s.io
 * PodMetricsList (window as Go duration text), custom.metrics.k8s.io MetricValueList in v1beta2 or
 * v1beta1 shape (v1beta1 items converted on receipt: metricName/window/selector), and
 * external.metrics.k8s.io ExternalMetricValueList. Values keep their exact Quantity.
 */
import type {
  ContainerUsage,
  ExternalMetricValue,
  Instant,
  PodResourceUsage,
  Quantity,
  Result,
} from '../../algorithms/index.js';
import { err, ok } from '../../algorithms/index.js';
import { parseGoDurationSeconds } from '../../algorithms/index.js';
import { sharedLabels } from '../../transport/index.js';
import * as d from '../shared/decode.js';
import type { CustomMetricsVersion } from './discovery.js';

/** One custom metrics MetricValue in v1beta2 terms. */
export interface CustomMetricItem {
  readonly describedObject: {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly apiVersion: string;
  };
  readonly metricName: string;
  readonly timestamp: Instant;
  /** windowSeconds when the server sent one */
  readonly windowSeconds?: number;
  readonly value: Quantity;
}

/** The items of a `what` list, each decoded by `item` (which names fields by their path, `items[i]…`). */
function decodeItems<T>(
  what: string,
  text: string,
  item: (o: d.Json, at: string, list: d.Json) => T,
): Result<readonly T[], string> {
  try {
    const list = d.object(d.parseJson(text), '');
    return ok(d.array(list.items, 'items').map((it, i) => item(d.object(it, `items[${i}]`), `items[${i}]`, list)));
  } catch (e) {
    if (e instanceof d.DecodeError) return err(`unable to decode ${what}: ${e.message}`);
    throw e;
  }
}

export function decodePodMetricsList(text: string): Result<readonly PodResourceUsage[], string> {
  return decodeItems('PodMetricsList', text, (item, at): PodResourceUsage => {
    const meta = d.optObject(item.metadata, `${at}.metadata`);
    const windowText = d.optString(item.window, `${at}.window`);
    let windowSeconds = 0;
    if (windowText !== undefined) {
      const w = parseGoDurationSeconds(windowText);
      if (!w.ok) d.fail(`${at}.window`, w.error);
      windowSeconds = w.value;
    }
    const containers = d.array(item.containers, `${at}.containers`).map((c, j): ContainerUsage => {
      const cat = `${at}.containers[${j}]`;
      const container = d.object(c, cat);
      const usage: Record<string, Quantity> = {};
      for (const [res, q] of Object.entries(d.optObject(container.usage, `${cat}.usage`)))
        usage[res] = d.quantity(q, `${cat}.usage.${res}`);
      return { name: d.string(container.name, `${cat}.name`), usage };
    });
    const rawLabels = meta.labels;
    const labels =
      rawLabels === undefined || rawLabels === null
        ? undefined
        : sharedLabels(rawLabels, () => d.stringMap(rawLabels, `${at}.metadata.labels`));
    const base = {
      pod: d.string(meta.name, `${at}.metadata.name`),
      namespace: d.string(meta.namespace, `${at}.metadata.namespace`),
      timestamp: d.instant(item.timestamp, `${at}.timestamp`),
      windowSeconds,
      containers,
    };
    return labels === undefined ? base : { ...base, labels };
  });
}

function apiVersionOf(list: d.Json): CustomMetricsVersion | undefined {
  if (list.apiVersion === 'custom.metrics.k8s.io/v1beta1') return 'v1beta1';
  if (list.apiVersion === 'custom.metrics.k8s.io/v1beta2') return 'v1beta2';
  return undefined;
}

/** A MetricValueList; the shape follows its apiVersion, or the version that was asked for. */
export function decodeMetricValueList(
  text: string,
  requested: CustomMetricsVersion,
): Result<readonly CustomMetricItem[], string> {
  return decodeItems('MetricValueList', text, (item, at, list): CustomMetricItem => {
    const version = apiVersionOf(list) ?? requested;
    const obj = d.optObject(item.describedObject, `${at}.describedObject`);
    const describedObject = {
      kind: d.string(obj.kind, `${at}.describedObject.kind`),
      namespace: d.string(obj.namespace, `${at}.describedObject.namespace`),
      name: d.string(obj.name, `${at}.describedObject.name`),
      apiVersion: d.string(obj.apiVersion, `${at}.describedObject.apiVersion`),
    };
    const metricName =
      version === 'v1beta1'
        ? d.string(item.metricName, `${at}.metricName`)
        : d.string(d.optObject(item.metric, `${at}.metric`).name, `${at}.metric.name`);
    const windowSeconds =
      version === 'v1beta1'
        ? d.optInteger(item.window, `${at}.window`)
        : d.optInteger(item.windowSeconds, `${at}.windowSeconds`);
    const base = {
      describedObject,
      metricName,
      timestamp: d.instant(item.timestamp, `${at}.timestamp`),
      value: d.quantity(item.value, `${at}.value`),
    };
    return windowSeconds === undefined ? base : { ...base, windowSeconds };
  });
}

export function decodeExternalMetricValueList(text: string): Result<readonly ExternalMetricValue[], string> {
  return decodeItems('ExternalMetricValueList', text, (item, at): ExternalMetricValue => {
    const labels = d.stringMap(item.metricLabels, `${at}.metricLabels`);
    const windowSeconds = d.optInteger(item.window, `${at}.window`);
    const base = {
      value: d.quantity(item.value, `${at}.value`),
      timestamp: d.instant(item.timestamp, `${at}.timestamp`),
      labels,
    };
    return windowSeconds === undefined ? base : { ...base, windowSeconds };
  });
}
