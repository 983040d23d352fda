/** The built-in kinds this server serves, assembled into a registry. */
import { ResourceRegistry } from '../registry.js';
import { appsKinds } from './apps.js';
import { horizontalPodAutoscalers } from './autoscaling.js';
import { leases } from './coordination.js';
import { coreKinds } from './core.js';
import { customResourceDefinitions } from './crd.js';

export interface BuiltinOptions {
  /** Serve autoscaling/v2beta2 and v2beta1 (removed in Kubernetes 1.26/1.25) as views of v2. */
  readonly legacyHpaVersions: boolean;
  /** the release (minor) served */
  readonly release: number;
}

export function builtinRegistry(opts: BuiltinOptions): ResourceRegistry {
  const r = new ResourceRegistry();
  r.setVersionPriority('autoscaling', ['v2', 'v1', 'v2beta2', 'v2beta1']);
  for (const k of coreKinds) r.add(k);
  for (const k of appsKinds) r.add(k);
  r.add(horizontalPodAutoscalers({ legacyVersions: opts.legacyHpaVersions, release: opts.release }));
  r.add(leases);
  r.add(customResourceDefinitions);
  return r;
}

export { serveCustomResources } from './crd.js';
