/**
 * Which custom.metrics.k8s.io version the cluster serves (k8s.io/metrics custom_metrics/
 * discovery.go): the group's preferredVersion when it is v1beta2 or v1beta1, else the first listed
 * version that is. Read from the shared API discovery (transport/), which caches it until
 * invalidated — upstream invalidates every sync period.
 */
import { type MetricsApiError, type Result, err, ok } from '../../algorithms/index.js';
import type { ApiDiscovery } from '../../transport/index.js';
import { apiError, metricsError } from '../shared/errors.js';

export type CustomMetricsVersion = 'v1beta2' | 'v1beta1';
export const CUSTOM_METRICS_GROUP = 'custom.metrics.k8s.io';

const SUPPORTED: Readonly<Record<string, CustomMetricsVersion>> = { v1beta2: 'v1beta2', v1beta1: 'v1beta1' };

/** The served custom.metrics.k8s.io version, chosen as upstream's apiVersionsFromDiscovery does. */
export async function customMetricsVersion(
  discovery: ApiDiscovery,
): Promise<Result<CustomMetricsVersion, MetricsApiError>> {
  const groups = await discovery.apiGroups();
  if (!groups.ok) return err(metricsError('custom', groups.error));
  const group = groups.value.find((g) => g.name === CUSTOM_METRICS_GROUP);
  if (group === undefined)
    return err(
      apiError('Unregistered', 'custom', '/apis', `no custom metrics API (${CUSTOM_METRICS_GROUP}) registered`),
    );
  const preferred = group.preferred !== '' ? SUPPORTED[group.preferred] : undefined;
  if (preferred !== undefined) return ok(preferred);
  for (const v of group.versions) {
    const known = SUPPORTED[v];
    if (known !== undefined) return ok(known);
  }
  return err(apiError('Unregistered', 'custom', '/apis', 'no known available metric versions found'));
}
