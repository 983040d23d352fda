/**
 * Offline validation of a Kubernetes object, by kind:
 *  - built-in kinds: kubernetes-models' `validate()` (the Kubernetes OpenAPI schemas, compiled by
 *    ajv; it ignores unknown fields) plus an unknown-field check against kubernetes-models' type
 *    declarations of the same schemas (./dts-shape.ts), which catches a misspelt
 *    `readOnlyRootFileSystem` that the API server would drop or kubectl reject;
 *  - ServiceMonitor (not in kubernetes-models): a transcription of prometheus-operator's schema for
 *    the fields used (./servicemonitor-schema.ts);
 *  - autoscaling.hpa-ts.io HorizontalPodAutoscalers: our own CRD's schema and CEL rules.
 * Returns the problems found, empty when the object is valid.
 */
import { join } from 'node:path';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { validateCustomResource } from './crd-validator.js';
import { dtsShape, kubernetesModelsFile, unknownFieldsByShape } from './dts-shape.js';
import { MANIFESTS, readYaml, type KubeObject } from './manifests.js';
import { SERVICE_MONITOR_SCHEMA } from './servicemonitor-schema.js';

type ModelClass = new (data: never) => { validate(): void };

/** apiVersion/kind → the kubernetes-models class and its declaration file. */
export const BUILTIN_KINDS: Readonly<Record<string, { readonly model: ModelClass; readonly dts: string }>> = {
  'v1/Namespace': { model: Namespace as unknown as ModelClass, dts: 'v1/Namespace' },
  'v1/ServiceAccount': { model: ServiceAccount as unknown as ModelClass, dts: 'v1/ServiceAccount' },
  'v1/Service': { model: Service as unknown as ModelClass, dts: 'v1/Service' },
  'v1/ConfigMap': { model: ConfigMap as unknown as ModelClass, dts: 'v1/ConfigMap' },
  'apps/v1/Deployment': { model: Deployment as unknown as ModelClass, dts: 'apps/v1/Deployment' },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget as unknown as ModelClass,
    dts: 'policy/v1/PodDisruptionBudget',
  },
  'rbac.authorization.k8s.io/v1/Role': {
    model: Role as unknown as ModelClass,
    dts: 'rbac.authorization.k8s.io/v1/Role',
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    model: RoleBinding as unknown as ModelClass,
    dts: 'rbac.authorization.k8s.io/v1/RoleBinding',
  },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    model: ClusterRole as unknown as ModelClass,
    dts: 'rbac.authorization.k8s.io/v1/ClusterRole',
  },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    model: ClusterRoleBinding as unknown as ModelClass,
    dts: 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': {
    model: CustomResourceDefinition as unknown as ModelClass,
    dts: 'apiextensions.k8s.io/v1/CustomResourceDefinition',
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler as unknown as ModelClass,
    dts: 'autoscaling/v2/HorizontalPodAutoscaler',
  },
};

let hpaTsSchema: Record<string, unknown> | undefined;
function crdSchema(): Record<string, unknown> {
  hpaTsSchema ??= (
    readYaml(join(MANIFESTS, 'crd', 'horizontalpodautoscalers.autoscaling.hpa-ts.io.yaml'))[0] as {
      spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    }
  ).spec.versions[0].schema.openAPIV3Schema;
  return hpaTsSchema;
}

export function validateObject(o: KubeObject): string[] {
  const gvk = `${o.apiVersion}/${o.kind}`;
  const builtin = BUILTIN_KINDS[gvk];
  if (builtin !== undefined) {
    const problems: string[] = [];
    try {
      new builtin.model(o as never).validate();
    } catch (e) {
      problems.push((e as Error).message);
    }
    for (const f of unknownFieldsByShape(o, dtsShape(kubernetesModelsFile(builtin.dts)), o.kind))
      problems.push(`unknown field ${f}`);
    return problems;
  }
  if (gvk === 'monitoring.coreos.com/v1/ServiceMonitor')
    return [...validateCustomResource(o, SERVICE_MONITOR_SCHEMA).errors];
  if (gvk === 'autoscaling.hpa-ts.io/v1/HorizontalPodAutoscaler')
    return [...validateCustomResource(o, crdSchema()).errors];
  return [`no validator for ${gvk}`];
}
