import {
  buildQuantity,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  generateScaleDownRules,
  generateScaleUpRules,
  replicasChangePerPeriod,
  scaleDownLimit,
  scaleUpLimit,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  storeScaleEvent,
  type HorizontalPodAutoscalerBehavior,
  type HPAScalingRules,
  type Recommendation,
  type ScaleEvent,
} from '../../algorithms/index.js';
import { CaseError, arr, checkKeys, instant, num, obj, str, type Json, type JsonObject } from './convert.js';
import { expectEqual, expectQuantity, type Mismatch } from './compare.js';

const COMMON = ['id', 'source', 'sourceCommit', 'function', 'now', 'input', 'expect', 'notes', 'upstreamSkipped'];

function events(v: Json | undefined, where: string): ScaleEvent[] {
  if (v === null || v === undefined) return [];
  return arr(v, where).map((e, i) => {
    const o = obj(e, `${where}[${i}]`);
    checkKeys(o, ['time', 'replicaChange', 'outdated'], `${where}[${i}]`);
    return {
      time: instant(o.time, 'time'),
      replicaChange: num(o.replicaChange, 'replicaChange'),
      outdated: o.outdated === true,
    };
  });
}

function recommendations(v: Json | undefined, where: string): Recommendation[] {
  if (v === null || v === undefined) return [];
  return arr(v, where).map((e, i) => {
    const o = obj(e, `${where}[${i}]`);
    checkKeys(o, ['time', 'replicas'], `${where}[${i}]`);
    return { time: instant(o.time, 'time'), replicas: num(o.replicas, 'replicas') };
  });
}

function rules(v: Json | undefined, where: string): HPAScalingRules {
  const o = obj(v, where);
  checkKeys(o, ['stabilizationWindowSeconds', 'selectPolicy', 'policies', 'tolerance'], where);
  return o as unknown as HPAScalingRules;
}

function behavior(v: Json | undefined, where: string): HorizontalPodAutoscalerBehavior | null {
  if (v === null || v === undefined) return null;
  const o = obj(v, where);
  checkKeys(o, ['scaleUp', 'scaleDown'], where);
  return {
    scaleUp: o.scaleUp === null || o.scaleUp === undefined ? null : rules(o.scaleUp, `${where}.scaleUp`),
    scaleDown: o.scaleDown === null || o.scaleDown === undefined ? null : rules(o.scaleDown, `${where}.scaleDown`),
  };
}

export function runBehaviorCase(c: JsonObject): Mismatch[] {
  checkKeys(c, COMMON, 'case');
  const fn = str(c.function, 'function');
  const now = instant(c.now, 'now');
  const i = obj(c.input, 'input');
  const e = obj(c.expect, 'expect');
  const n = (k: string): number => num(i[k], `input.${k}`);
  switch (fn) {
    case 'convertDesiredReplicasWithRules': {
      checkKeys(
        i,
        [
          'currentReplicas',
          'prenormalizedDesiredReplicas',
          'minReplicas',
          'maxReplicas',
          'scaleUpLimitFactor',
          'scaleUpLimitMinimum',
        ],
        'input',
      );
      checkKeys(e, ['replicas', 'reason'], 'expect');
      const r = convertDesiredReplicasWithRules({
        currentReplicas: n('currentReplicas'),
        desiredReplicas: n('prenormalizedDesiredReplicas'),
        minReplicas: n('minReplicas'),
        maxReplicas: n('maxReplicas'),
        scaleUpLimitFactor: n('scaleUpLimitFactor'),
        scaleUpLimitMinimum: n('scaleUpLimitMinimum'),
      });
      return [...expectEqual('replicas', e.replicas, r.replicas), ...expectEqual('reason', e.reason, r.reason)];
    }
    case 'convertDesiredReplicasWithBehaviorRate': {
      checkKeys(
        i,
        [
          'key',
          'scaleUpEvents',
          'scaleDownEvents',
          'minReplicas',
          'maxReplicas',
          'behavior',
          'currentReplicas',
          'prenormalizedDesiredReplicas',
        ],
        'input',
      );
      checkKeys(e, ['replicas', 'reason'], 'expect');
      const b = behavior(i.behavior, 'input.behavior');
      if (b === null) throw new CaseError('input.behavior: required');
      const r = convertDesiredReplicasWithBehaviorRate({
        currentReplicas: n('currentReplicas'),
        desiredReplicas: n('prenormalizedDesiredReplicas'),
        minReplicas: n('minReplicas'),
        maxReplicas: n('maxReplicas'),
        behavior: b,
        scaleUpEvents: events(i.scaleUpEvents, 'scaleUpEvents'),
        scaleDownEvents: events(i.scaleDownEvents, 'scaleDownEvents'),
        now,
      });
      return [...expectEqual('replicas', e.replicas, r.replicas), ...expectEqual('reason', e.reason, r.reason)];
    }
    case 'calculateScaleUpLimitWithScalingRules':
    case 'calculateScaleDownLimitWithBehaviors': {
      checkKeys(i, ['currentReplicas', 'scaleUpEvents', 'scaleDownEvents', 'scalingRules'], 'input');
      checkKeys(e, ['limit'], 'expect');
      const f = fn === 'calculateScaleUpLimitWithScalingRules' ? scaleUpLimit : scaleDownLimit;
      const limit = f(rules(i.scalingRules, 'scalingRules'), {
        currentReplicas: n('currentReplicas'),
        scaleUpEvents: events(i.scaleUpEvents, 'scaleUpEvents'),
        scaleDownEvents: events(i.scaleDownEvents, 'scaleDownEvents'),
        now,
      });
      return expectEqual('limit', e.limit, limit);
    }
    case 'stabilizeRecommendation': {
      checkKeys(
        i,
        ['key', 'recommendations', 'prenormalizedDesiredReplicas', 'downscaleStabilizationWindowSeconds'],
        'input',
      );
      checkKeys(e, ['replicas', 'recommendationsLength'], 'expect');
      const r = stabilizeRecommendation({
        recommendations: recommendations(i.recommendations, 'recommendations'),
        desiredReplicas: n('prenormalizedDesiredReplicas'),
        windowSeconds: n('downscaleStabilizationWindowSeconds'),
        now,
      });
      return [
        ...expectEqual('replicas', e.replicas, r.replicas),
        ...expectEqual('recommendationsLength', e.recommendationsLength, r.recommendations.length),
      ];
    }
    case 'stabilizeRecommendationWithBehaviors': {
      checkKeys(i, ['key', 'recommendations', 'currentReplicas', 'prenormalizedDesiredReplicas', 'behavior'], 'input');
      checkKeys(e, ['replicas', 'recommendations'], 'expect');
      const b = behavior(i.behavior, 'input.behavior');
      const r = stabilizeRecommendationWithBehaviors({
        recommendations: recommendations(i.recommendations, 'recommendations'),
        currentReplicas: n('currentReplicas'),
        desiredReplicas: n('prenormalizedDesiredReplicas'),
        scaleUpWindowSeconds: b?.scaleUp?.stabilizationWindowSeconds ?? 0,
        scaleDownWindowSeconds: b?.scaleDown?.stabilizationWindowSeconds ?? 0,
        now,
      });
      const out = expectEqual('replicas', e.replicas, r.replicas);
      if (e.recommendations !== undefined)
        out.push(
          ...expectEqual(
            'recommendations',
            e.recommendations,
            r.recommendations.map((x) => x.replicas),
          ),
        );
      return out;
    }
    case 'storeScaleEvent': {
      checkKeys(
        i,
        ['direction', 'key', 'behavior', 'prevReplicas', 'newReplicas', 'scaleUpEvents', 'scaleDownEvents'],
        'input',
      );
      checkKeys(e, ['replicasChangePerPeriodBeforeStore', 'scaleUpEvents', 'scaleDownEvents'], 'expect');
      const history = {
        recommendations: null,
        scaleUpEvents: events(i.scaleUpEvents, 'scaleUpEvents'),
        scaleDownEvents: events(i.scaleDownEvents, 'scaleDownEvents'),
      };
      const out: Mismatch[] = [];
      const before = obj(e.replicasChangePerPeriodBeforeStore, 'replicasChangePerPeriodBeforeStore');
      checkKeys(before, ['periodSeconds', 'events', 'value'], 'replicasChangePerPeriodBeforeStore');
      const list = before.events === 'scaleUpEvents' ? history.scaleUpEvents : history.scaleDownEvents;
      out.push(
        ...expectEqual(
          'replicasChangePerPeriodBeforeStore',
          before.value,
          replicasChangePerPeriod(num(before.periodSeconds, 'periodSeconds'), list, now),
        ),
      );
      const after = storeScaleEvent(history, behavior(i.behavior, 'input.behavior'), {
        prevReplicas: n('prevReplicas'),
        newReplicas: n('newReplicas'),
        now,
      });
      for (const k of ['scaleUpEvents', 'scaleDownEvents'] as const) {
        if (e[k] !== undefined)
          out.push(
            ...expectEqual(
              k,
              e[k],
              after[k].map((x) => ({ replicaChange: x.replicaChange, outdated: x.outdated })),
            ),
          );
      }
      return out;
    }
    case 'GenerateHPAScaleUpRules':
    case 'GenerateHPAScaleDownRules': {
      checkKeys(i, ['scalingRules'], 'input');
      checkKeys(e, ['policies', 'stabilizationWindowSeconds', 'selectPolicy'], 'expect');
      const raw = i.scalingRules === null ? null : rules(i.scalingRules, 'scalingRules');
      const r = fn === 'GenerateHPAScaleUpRules' ? generateScaleUpRules(raw) : generateScaleDownRules(raw);
      return [
        ...expectEqual('policies', e.policies, r.policies),
        ...expectEqual(
          'stabilizationWindowSeconds',
          e.stabilizationWindowSeconds,
          r.stabilizationWindowSeconds ?? null,
        ),
        ...expectEqual('selectPolicy', e.selectPolicy, r.selectPolicy),
      ];
    }
    case 'buildQuantity': {
      checkKeys(i, ['resourceName', 'rawProposalMilli'], 'input');
      checkKeys(e, ['quantity', 'format'], 'expect');
      // TestBuildQuantity comes from the newest upstream, where memory is BinarySI (V10).
      const q = buildQuantity(str(i.resourceName, 'resourceName'), BigInt(n('rawProposalMilli')), 'BinarySI');
      return [...expectQuantity('quantity', e.quantity, q), ...expectEqual('format', e.format, q.format)];
    }
    default:
      throw new CaseError(`unsupported behavior function "${fn}"`);
  }
}
