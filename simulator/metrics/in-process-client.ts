/**
 * A MetricsClient (metrics-clients/port.ts) reading the simulator's MetricsService directly: what
 * the real `apiserver` client would decode from the same answers, without HTTP, so the real
 * HpaController runs in virtual time. Errors are the MetricsApiErrors that client would return
 * for the same Status (503 while a fault is on, 404 for an unknown metric).
 */
import { type MetricsApiError, err, ok, DEFAULT_METRIC_WINDOW_SECONDS } from '../../algorithms/index.js';
import { StaticRestMapper, apiError, kindForStatus, type port } from '../../metrics-clients/index.js';
import { cpuQuantity, memoryQuantity } from './quantities.js';
import type { MetricsFailure, MetricsService } from './service.js';

/** What the apiserver client would return for the same Status. */
function failure(api: MetricsApiError['api'], path: string, f: MetricsFailure): MetricsApiError {
  return apiError(kindForStatus(f.status), api, path, f.message, f.status);
}

export class InProcessMetricsClient implements port.MetricsClient {
  private readonly mapper = new StaticRestMapper();

  constructor(private readonly service: MetricsService) {}

  getResourceMetrics(q: port.ResourceMetricsQuery): Promise<port.MetricsResult<port.PodResourceUsage>> {
    const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${q.namespace}/pods`;
    const r = this.service.podMetrics(q.namespace, q.podSelector);
    if (!r.ok) return Promise.resolve(err(failure('resource', path, r.error)));
    return Promise.resolve(
      ok(
        r.value.map((p) => ({
          pod: p.name,
          namespace: p.namespace,
          labels: p.labels,
          timestamp: Math.floor(p.timestamp / 1000) * 1000,
          windowSeconds: p.windowMs / 1000,
          containers: p.containers.map((c) => ({
            name: c.name,
            usage: { cpu: cpuQuantity(c.cpu), memory: memoryQuantity(c.memoryBytes) },
          })),
        })),
      ),
    );
  }

  async getPodsMetric(q: port.PodsMetricQuery): Promise<port.MetricsResult<port.PodMetricValue>> {
    const path = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${q.namespace}/pods/*/${q.metricName}`;
    const r = await this.service.podsMetric(q.namespace, q.metricName, q.podSelector, q.metricSelector);
    if (!r.ok) return err(failure('custom', path, r.error));
    return ok(
      r.value.map((v) => ({
        pod: v.pod,
        value: v.value,
        timestamp: Math.floor(v.timestamp / 1000) * 1000,
        windowSeconds: DEFAULT_METRIC_WINDOW_SECONDS,
      })),
    );
  }

  async getObjectMetric(q: port.ObjectMetricQuery): Promise<port.MetricsResult<port.ObjectMetricValue>> {
    const ref = q.describedObject;
    const slash = ref.apiVersion?.indexOf('/') ?? -1;
    const group = slash < 0 ? '' : (ref.apiVersion ?? '').slice(0, slash);
    let resource: { group: string; resource: string };
    let names: string[];
    let path: string;
    if (ref.kind === 'Namespace' && group === '') {
      resource = { group: '', resource: 'namespaces' };
      names = [q.namespace];
      path = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${q.namespace}/metrics/${q.metricName}`;
    } else {
      const mapped = await this.mapper.resourceForKind(
        group === 'extensions' && ref.kind === 'Ingress' ? 'networking.k8s.io' : group,
        ref.kind,
      );
      const qualified = group === '' ? ref.kind : `${ref.kind}.${group}`;
      if (!mapped.ok) {
        return err({
          kind: 'NotFound',
          api: 'custom',
          path: qualified,
          message: `unable to map kind ${qualified} to resource: ${mapped.error.message}`,
        });
      }
      resource = { group: mapped.value.group, resource: mapped.value.resource };
      names = [ref.name];
      const qr = resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
      path = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${q.namespace}/${qr}/${ref.name}/${q.metricName}`;
    }
    const r = await this.service.objectsMetric(
      resource.resource === 'namespaces' ? undefined : q.namespace,
      q.metricName,
      resource,
      names,
      q.metricSelector,
    );
    if (!r.ok) return err(failure('custom', path, r.error));
    return ok(
      r.value.map((v) => ({
        value: v.value,
        timestamp: Math.floor(v.timestamp / 1000) * 1000,
        windowSeconds: DEFAULT_METRIC_WINDOW_SECONDS,
      })),
    );
  }

  async getExternalMetric(q: port.ExternalMetricQuery): Promise<port.MetricsResult<port.ExternalMetricValue>> {
    const path = `/apis/external.metrics.k8s.io/v1beta1/namespaces/${q.namespace}/${q.metricName}`;
    const r = await this.service.externalMetric(q.namespace, q.metricName, q.metricSelector);
    if (!r.ok) return err(failure('external', path, r.error));
    return ok(
      r.value.map((v) => ({ value: v.value, timestamp: Math.floor(v.timestamp / 1000) * 1000, labels: v.labels })),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
