/** apps/v1 tables (upstream printDeployment, printReplicaSet, printStatefulSet). */
import type { KubeObject } from '../types.js';
import { asArray, asNumber, asObject, asString } from '../json.js';
import { labelSelectorFromObject } from '../selectors.js';
import { age, col, type PrintContext, type TablePrinter } from './table.js';

function num(v: unknown): number {
  return asNumber(v) ?? 0;
}

/** layoutContainerCells: container names and images, comma-joined. */
function containerCells(obj: KubeObject): [string, string] {
  const containers = asArray(asObject(asObject(asObject(obj.spec)?.template)?.spec)?.containers);
  const names = containers.map((c) => asString(asObject(c)?.name) ?? '');
  const images = containers.map((c) => asString(asObject(c)?.image) ?? '');
  return [names.join(','), images.join(',')];
}

/** metav1.LabelSelectorAsSelector(..).String(), `<invalid>` on error as printDeployment does. */
function selectorText(obj: KubeObject, none: string): string {
  const sel = asObject(obj.spec)?.selector;
  const m = labelSelectorFromObject(sel);
  if (!m.ok) return '<invalid>';
  const s = m.value.toString();
  return s === '' ? none : s;
}

const CONTAINERS = col('Containers', 'string', 1, 'Names of each container in the template.');
const IMAGES = col('Images', 'string', 1, 'Images referenced by each container in the template.');

export const deploymentPrinter: TablePrinter = {
  columns: [
    col('Name'),
    col('Ready', 'string', 0, 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'string',
      0,
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    col(
      'Available',
      'string',
      0,
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    col('Age'),
    CONTAINERS,
    IMAGES,
    col(
      'Selector',
      'string',
      1,
      'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
    ),
  ],
  cells(obj: KubeObject, ctx: PrintContext) {
    const status = asObject(obj.status) ?? {};
    const [names, images] = containerCells(obj);
    return [
      obj.metadata.name ?? '',
      `${num(status.readyReplicas)}/${num(asObject(obj.spec)?.replicas)}`,
      num(status.updatedReplicas),
      num(status.availableReplicas),
      age(obj, ctx),
      names,
      images,
      selectorText(obj, ''),
    ];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    col('Name'),
    col('Desired', 'integer', 0, 'Replicas is the number of desired pods.'),
    col('Current', 'integer', 0, 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 0, 'The number of ready replicas for this replica set.'),
    col('Age'),
    CONTAINERS,
    IMAGES,
    col('Selector', 'string', 1, 'Selector is a label query over pods that should match the replica count.'),
  ],
  cells(obj: KubeObject, ctx: PrintContext) {
    const status = asObject(obj.status) ?? {};
    const [names, images] = containerCells(obj);
    return [
      obj.metadata.name ?? '',
      num(asObject(obj.spec)?.replicas),
      num(status.replicas),
      num(status.readyReplicas),
      age(obj, ctx),
      names,
      images,
      selectorText(obj, '<none>'),
    ];
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [
    col('Name'),
    col('Ready', 'string', 0, 'Number of the pod with ready state'),
    col('Age'),
    CONTAINERS,
    IMAGES,
  ],
  cells(obj: KubeObject, ctx: PrintContext) {
    const [names, images] = containerCells(obj);
    return [
      obj.metadata.name ?? '',
      `${num(asObject(obj.status)?.readyReplicas)}/${num(asObject(obj.spec)?.replicas)}`,
      age(obj, ctx),
      names,
      images,
    ];
  },
};
