/**
 * What a scenario puts into a simulated cluster, shared by `simulate SCENARIO` (virtual time) and
 * `simulate --serve SCENARIO` (real time over HTTP): the simulation's inputs and the objects.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import { Resources, isStoreError, type ObjectStore } from '../apiserver/index.js';
import type { SimulationOptions } from '../simulation.js';
import type { Scenario } from './types.js';

/** The load, queues, object metrics, adapter rules, scrape timing and pod defaults of a scenario. */
export function simulationInputs(
  s: Scenario,
): Pick<SimulationOptions, 'workloads' | 'queues' | 'objects' | 'adapterConfig' | 'scrape' | 'podDefaults'> {
  return {
    workloads: s.load,
    queues: s.queues,
    objects: s.objectMetrics,
    ...(s.adapterConfig !== undefined ? { adapterConfig: s.adapterConfig } : {}),
    scrape: { scrapeIntervalMs: s.scrapeIntervalSeconds * 1000, resolutionMs: s.resolutionSeconds * 1000 },
    podDefaults: s.podDefaults,
  };
}

/** Creates the scenario's objects (and the namespaces they name) the way `kubectl apply` would. */
export function createObjects(store: ObjectStore, objects: readonly Record<string, unknown>[]): Result<void, string> {
  const namespaces = new Set<string>();
  for (const o of objects) {
    const ns = (o.metadata as { namespace?: unknown } | undefined)?.namespace;
    if (typeof ns === 'string' && ns !== '' && o.kind !== 'Namespace') namespaces.add(ns);
  }
  for (const ns of namespaces) {
    if (!store.namespaceExists(ns)) store.create(Resources.namespaces, undefined, { metadata: { name: ns } });
  }
  for (const [i, o] of objects.entries()) {
    const apiVersion = String(o.apiVersion);
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const rt = store.registry.byKind(group, String(o.kind));
    const name = String((o.metadata as { name?: unknown } | undefined)?.name ?? '');
    if (rt === undefined)
      return err(
        `objects[${i}] ${String(o.kind)}/${name}: no kind "${String(o.kind)}" in version "${apiVersion}" is served by the simulator`,
      );
    try {
      const ns = (o.metadata as { namespace?: string }).namespace;
      store.create({ group, version, resource: rt.resource }, rt.namespaced ? ns : undefined, o);
    } catch (e) {
      if (isStoreError(e)) return err(`objects[${i}] ${String(o.kind)}/${name}: ${e.message}`);
      throw e;
    }
  }
  return ok(undefined);
}
