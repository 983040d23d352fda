/**
 * `kubectl get hpa` columns: upstream pkg/printers/internalversion/printers.go
 * printHorizontalPodAutoscaler / formatHPAMetrics.
 *
 * TARGETS changed in Kubernetes v1.30.0 (kubernetes/kubernetes#122804, "Added metric name along
 * with the utilization information when running kubectl get hpa", fixing kubernetes/kubectl#1540):
 * Resource and ContainerResource entries gained a `<resource name>: ` prefix (`cpu: 1%/49%`).
 * Servers before 1.30 print the legacy form seen in the seed articles (`1%/49%, 0%/25%`).
 * Pods, Object and External entries are the same in both (`66m/50`, `5/10 (avg)`).
 */
import type { KubeObject } from '../types.js';
import { asArray, asNumber, asObject, asString } from '../json.js';
import { age, col, type PrintContext, type TablePrinter } from './table.js';

/** Go's (*resource.Quantity).String() on a nil pointer prints "<nil>"; a missing quantity field does the same. */
function q(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return '<nil>';
}

function at(statuses: readonly unknown[], i: number, member: string): Record<string, unknown> | undefined {
  return i < statuses.length ? asObject(asObject(statuses[i])?.[member]) : undefined;
}

function resourceEntry(
  spec: Record<string, unknown> | undefined,
  st: Record<string, unknown> | undefined,
  ctx: PrintContext,
): string {
  const name = asString(spec?.name) ?? '';
  const target = asObject(spec?.target);
  const prefix = ctx.hpaTargetsStyle === 'modern' ? `${name}: ` : '';
  const current = asObject(st?.current);
  if (target?.averageValue !== undefined && target.averageValue !== null) {
    const cur = st !== undefined ? q(current?.averageValue) : '<unknown>';
    return `${prefix}${cur}/${q(target.averageValue)}`;
  }
  const curUtil = asNumber(current?.averageUtilization);
  const cur = st !== undefined && curUtil !== undefined ? `${curUtil}%` : '<unknown>';
  const targetUtil = asNumber(target?.averageUtilization);
  const tgt = targetUtil !== undefined ? `${targetUtil}%` : '<auto>';
  return `${prefix}${cur}/${tgt}`;
}

/** formatHPAMetrics: one entry per spec metric, current taken from status.currentMetrics[i]. */
export function formatHpaMetrics(specs: readonly unknown[], statuses: readonly unknown[], ctx: PrintContext): string {
  if (specs.length === 0) return '<none>';
  const list: string[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = asObject(specs[i]) ?? {};
    switch (spec.type) {
      case 'External':
      case 'Object': {
        const member = spec.type === 'External' ? 'external' : 'object';
        const target = asObject(asObject(spec[member])?.target);
        const st = at(statuses, i, member);
        const current = asObject(st?.current);
        if (target?.averageValue !== undefined && target.averageValue !== null) {
          const cur =
            st !== undefined && current?.averageValue !== undefined && current.averageValue !== null
              ? q(current.averageValue)
              : '<unknown>';
          list.push(`${cur}/${q(target.averageValue)} (avg)`);
        } else {
          const cur = st !== undefined ? q(current?.value) : '<unknown>';
          list.push(`${cur}/${q(target?.value)}`);
        }
        break;
      }
      case 'Pods': {
        const target = asObject(asObject(spec.pods)?.target);
        const st = at(statuses, i, 'pods');
        const cur = st !== undefined ? q(asObject(st.current)?.averageValue) : '<unknown>';
        list.push(`${cur}/${q(target?.averageValue)}`);
        break;
      }
      case 'Resource':
        list.push(resourceEntry(asObject(spec.resource), at(statuses, i, 'resource'), ctx));
        break;
      case 'ContainerResource':
        list.push(resourceEntry(asObject(spec.containerResource), at(statuses, i, 'containerResource'), ctx));
        break;
      default:
        list.push('<unknown type>');
    }
  }
  const maximum = 2;
  if (list.length > maximum) return `${list.slice(0, maximum).join(', ')} + ${list.length - maximum} more...`;
  return list.join(', ');
}

export const hpaPrinter: TablePrinter = {
  columns: [
    col('Name'),
    col(
      'Reference',
      'string',
      0,
      'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
    ),
    col(
      'Targets',
      'string',
      0,
      'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).',
    ),
    col(
      'MinPods',
      'string',
      0,
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    ),
    col(
      'MaxPods',
      'integer',
      0,
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.',
    ),
    col(
      'Replicas',
      'integer',
      0,
      'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
    ),
    col('Age'),
  ],
  cells(obj: KubeObject, ctx: PrintContext) {
    const spec = asObject(obj.spec) ?? {};
    const status = asObject(obj.status) ?? {};
    const ref = asObject(spec.scaleTargetRef) ?? {};
    const reference = `${asString(ref.kind) ?? ''}/${asString(ref.name) ?? ''}`;
    const min = asNumber(spec.minReplicas);
    return [
      obj.metadata.name ?? '',
      reference,
      formatHpaMetrics(asArray(spec.metrics), asArray(status.currentMetrics), ctx),
      min === undefined ? '<unset>' : String(min),
      asNumber(spec.maxReplicas) ?? 0,
      asNumber(status.currentReplicas) ?? 0,
      age(obj, ctx),
    ];
  },
};
