/** The workload model: Deployments, ReplicaSets, StatefulSets and pod lifecycles over the store. */
export { WorkloadController, type WorkloadControllerOptions } from './controller.js';
export { Kubelet, StatusWrite, storeStatusWriter, type KubeletOptions, type PodStatusWriter } from './kubelet.js';
export { SimAnnotation, WORKLOAD_DEFAULTS, numberAnnotation, stringAnnotation } from './annotations.js';
export { podTemplateHash, safeEncodeString, randomSuffix, SAFE_ALPHANUMS } from './names.js';
export { deletionOrder } from './replicaset.js';
export { POD_TEMPLATE_HASH } from './deployment.js';
export { podReady, podPhase, podActive, labelsOf, annotationsOf, controllerUid } from './pods.js';
