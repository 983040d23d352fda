import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { HPAScalingRules, HorizontalPodAutoscaler, MetricSpec } from '../../algorithms/api-types.js';
import {
  type FieldError,
  type ValidationOptions,
  defaultHorizontalPodAutoscaler,
  generateScaleDownRules,
  generateScaleUpRules,
  validateHorizontalPodAutoscaler,
} from '../../algorithms/validation.js';

interface GenerateRulesCase {
  readonly id: string;
  readonly function: 'GenerateHPAScaleUpRules' | 'GenerateHPAScaleDownRules';
  readonly input: { readonly scalingRules: HPAScalingRules | null };
  readonly expect: HPAScalingRules;
}

function loadCases(name: string): GenerateRulesCase[] {
  const url = new URL(`../conformance/cases/behavior/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as GenerateRulesCase[];
}

describe('conformance: API defaulting of scaling rules', () => {
  const cases = [...loadCases('TestGenerateScaleUpRules'), ...loadCases('TestGenerateScaleDownRules')];

  it('has cases for both directions', () => {
    expect(cases.filter((c) => c.function === 'GenerateHPAScaleUpRules').length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.function === 'GenerateHPAScaleDownRules').length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const generate = c.function === 'GenerateHPAScaleUpRules' ? generateScaleUpRules : generateScaleDownRules;
    const rules = generate(c.input.scalingRules);
    expect(rules.policies).toEqual(c.expect.policies);
    expect(rules.stabilizationWindowSeconds).toEqual(c.expect.stabilizationWindowSeconds);
    expect(rules.selectPolicy).toEqual(c.expect.selectPolicy);
  });
});

describe('generateScaleUpRules / generateScaleDownRules', () => {
  it('fill a missing direction completely', () => {
    expect(generateScaleUpRules(null)).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    expect(generateScaleDownRules(undefined)).toEqual({
      stabilizationWindowSeconds: null,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
  });

  it('replace the default policies as a whole, even with an empty list', () => {
    expect(generateScaleUpRules({ policies: [] }).policies).toEqual([]);
    expect(generateScaleDownRules({ policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }).policies).toEqual([
      { type: 'Pods', value: 1, periodSeconds: 60 },
    ]);
  });

  it('copy a tolerance when set and add none otherwise', () => {
    expect(generateScaleUpRules({ tolerance: '50m' }).tolerance).toBe('50m');
    expect('tolerance' in generateScaleDownRules({ stabilizationWindowSeconds: 60 })).toBe(false);
    expect(generateScaleDownRules({ stabilizationWindowSeconds: 60 }).stabilizationWindowSeconds).toBe(60);
  });

  it('do not share default policy lists between calls', () => {
    const a = generateScaleUpRules(null);
    const b = generateScaleUpRules(null);
    expect(a.policies).not.toBe(b.policies);
  });
});

function hpa(spec: Partial<HorizontalPodAutoscaler['spec']> = {}, name = 'web'): HorizontalPodAutoscaler {
  return {
    metadata: { name, namespace: 'shop' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
      ...spec,
    },
  };
}

const defaultOpts: ValidationOptions = { scaleToZero: false, configurableTolerance: true };

function validate(h: HorizontalPodAutoscaler, opts: ValidationOptions = defaultOpts): readonly FieldError[] {
  return validateHorizontalPodAutoscaler(h, opts);
}

function only(h: HorizontalPodAutoscaler, opts: ValidationOptions = defaultOpts): FieldError {
  const errs = validate(h, opts);
  expect(errs).toHaveLength(1);
  return errs[0];
}

describe('defaultHorizontalPodAutoscaler (§8.1)', () => {
  it('sets minReplicas 1 and a cpu 80 % metric, leaving a null behavior null', () => {
    const defaulted = defaultHorizontalPodAutoscaler(hpa({ minReplicas: null, metrics: null, behavior: null }));
    expect(defaulted.spec.minReplicas).toBe(1);
    expect(defaulted.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(defaulted.spec.behavior).toBeNull();
    expect(defaultHorizontalPodAutoscaler(hpa({ metrics: [] })).spec.metrics).toHaveLength(1);
  });

  it('keeps what is set', () => {
    const h = hpa({ minReplicas: 3 });
    const defaulted = defaultHorizontalPodAutoscaler(h);
    expect(defaulted.spec.minReplicas).toBe(3);
    expect(defaulted.spec.metrics).toBe(h.spec.metrics);
    expect(defaulted.metadata).toBe(h.metadata);
    expect(defaulted).not.toBe(h);
    expect(h.spec.behavior).toBeUndefined();
    expect('behavior' in defaulted.spec).toBe(false);
  });

  it('fills every direction of a non-null behavior', () => {
    const defaulted = defaultHorizontalPodAutoscaler(
      hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }),
    );
    expect(defaulted.spec.behavior).toEqual({
      scaleUp: generateScaleUpRules(null),
      scaleDown: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
  });

  it('produces a valid object from a minimal one', () => {
    const minimal: HorizontalPodAutoscaler = {
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, behavior: {} },
    };
    expect(validate(defaultHorizontalPodAutoscaler(minimal))).toEqual([]);
  });
});

describe('validateHorizontalPodAutoscaler (§8.2): replicas and target', () => {
  it('accepts a well-formed HPA', () => {
    expect(validate(hpa())).toEqual([]);
  });

  it('requires maxReplicas ≥ minReplicas', () => {
    expect(only(hpa({ minReplicas: 3, maxReplicas: 2 }))).toEqual({
      field: 'spec.maxReplicas',
      type: 'FieldValueInvalid',
      value: 2,
      message: 'Invalid value: 2: must be greater than or equal to `minReplicas`',
    });
  });

  it('requires maxReplicas > 0', () => {
    const errs = validate(hpa({ minReplicas: 1, maxReplicas: 0 }));
    expect(errs.map((e) => [e.field, e.message])).toEqual([
      ['spec.maxReplicas', 'Invalid value: 0: must be greater than 0'],
      ['spec.maxReplicas', 'Invalid value: 0: must be greater than or equal to `minReplicas`'],
    ]);
  });

  it('requires minReplicas ≥ 1 without scale to zero (and still asks for an Object or External metric)', () => {
    const errs = validate(hpa({ minReplicas: 0 }), { scaleToZero: false, configurableTolerance: true });
    expect(errs.map((e) => [e.field, e.type, e.message])).toEqual([
      ['spec.minReplicas', 'FieldValueInvalid', 'Invalid value: 0: must be greater than or equal to 1'],
      [
        'spec.metrics',
        'FieldValueForbidden',
        'Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
      ],
    ]);
  });

  it('allows minReplicas 0 with scale to zero only with an Object or External metric', () => {
    const opts = { scaleToZero: true, configurableTolerance: true };
    expect(only(hpa({ minReplicas: 0 }), opts)).toEqual({
      field: 'spec.metrics',
      type: 'FieldValueForbidden',
      message: 'Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
    });
    const external: MetricSpec = {
      type: 'External',
      external: { metric: { name: 'queue' }, target: { type: 'Value', value: '10' } },
    };
    expect(validate(hpa({ minReplicas: 0, metrics: [external] }), opts)).toEqual([]);
    expect(only(hpa({ minReplicas: -1 }), opts).message).toBe('Invalid value: -1: must be greater than or equal to 0');
  });

  it('requires the scale target kind and name as path segments', () => {
    const errs = validate(hpa({ scaleTargetRef: { kind: '', name: 'a/b%c' } }));
    expect(errs.map((e) => [e.field, e.type, e.message])).toEqual([
      ['spec.scaleTargetRef.kind', 'FieldValueRequired', 'Required value'],
      ['spec.scaleTargetRef.name', 'FieldValueInvalid', 'Invalid value: "a/b%c": may not contain \'/\''],
      ['spec.scaleTargetRef.name', 'FieldValueInvalid', 'Invalid value: "a/b%c": may not contain \'%\''],
    ]);
    expect(only(hpa({ scaleTargetRef: { kind: 'Deployment', name: '..' } })).message).toBe(
      'Invalid value: "..": may not be \'..\'',
    );
  });

  it('validates the object name and namespace', () => {
    expect(only(hpa({}, ''))).toMatchObject({
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    });
    expect(only(hpa({}, 'Web')).field).toBe('metadata.name');
    const badNamespace = { ...hpa(), metadata: { name: 'web', namespace: 'a.b' } };
    expect(only(badNamespace)).toMatchObject({
      field: 'metadata.namespace',
      message: 'Invalid value: "a.b": must not contain dots',
    });
  });
});

describe('validateHorizontalPodAutoscaler (§8.2): metrics', () => {
  const metric = (m: unknown): HorizontalPodAutoscaler => hpa({ metrics: [m as MetricSpec] });

  it('rejects an unknown metric type once, listing the supported ones', () => {
    expect(only(metric({ type: 'CheddarCheese' }))).toEqual({
      field: 'spec.metrics[0].type',
      type: 'FieldValueNotSupported',
      value: 'CheddarCheese',
      message:
        'Unsupported value: "CheddarCheese": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    });
  });

  it('requires a type and the member of that type, and only that member', () => {
    const errs = validate(metric({}));
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['spec.metrics[0].type', 'FieldValueRequired'],
      ['spec.metrics[0].type', 'FieldValueNotSupported'],
    ]);
    expect(only(metric({ type: 'Pods' }))).toMatchObject({
      field: 'spec.metrics[0].pods',
      message: 'Required value: must populate information for the given metric source',
    });
    const both = metric({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1' } },
    });
    expect(only(both)).toEqual({
      field: 'spec.metrics[0].pods',
      type: 'FieldValueForbidden',
      message: 'Forbidden: must populate the given metric source only',
    });
  });

  it('checks resource targets: one of utilization or average value, positive', () => {
    const resource = (target: unknown, name = 'cpu'): HorizontalPodAutoscaler =>
      metric({ type: 'Resource', resource: { name, target } });
    expect(only(resource({ type: 'Utilization' }))).toMatchObject({
      field: 'spec.metrics[0].resource.target.averageUtilization',
      type: 'FieldValueRequired',
      message: 'Required value: must set either a target raw value or a target utilization',
    });
    expect(only(resource({ type: 'Utilization', averageUtilization: 50, averageValue: '100m' }))).toMatchObject({
      field: 'spec.metrics[0].resource.target.averageValue',
      type: 'FieldValueForbidden',
      message: 'Forbidden: may not set both a target raw value and a target utilization',
    });
    expect(only(resource({ type: 'Utilization', averageUtilization: 0 }))).toMatchObject({
      field: 'spec.metrics[0].resource.target.averageUtilization',
      message: 'Invalid value: 0: must be greater than 0',
    });
    expect(only(resource({ type: 'AverageValue', averageValue: '-100m' }))).toEqual({
      field: 'spec.metrics[0].resource.target.averageValue',
      type: 'FieldValueInvalid',
      value: '-100m',
      message: 'Invalid value: -100m: must be positive',
    });
    expect(only(resource({ type: 'AverageValue', averageValue: '0.0' })).message).toBe(
      'Invalid value: 0: must be positive',
    );
    expect(only(resource({ type: 'Utilization', averageUtilization: 50 }, '')).message).toBe(
      'Required value: must specify a resource name',
    );
  });

  it('checks the target type', () => {
    const errs = validate(metric({ type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 50 } } }));
    expect(errs.map((e) => [e.field, e.type, e.message])).toEqual([
      [
        'spec.metrics[0].resource.target.type',
        'FieldValueRequired',
        'Required value: must specify a metric target type',
      ],
      [
        'spec.metrics[0].resource.target.type',
        'FieldValueInvalid',
        'Invalid value: "": must be either Utilization, Value, or AverageValue',
      ],
    ]);
    expect(
      only(metric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Percent', averageUtilization: 5 } } }))
        .message,
    ).toBe('Invalid value: "Percent": must be either Utilization, Value, or AverageValue');
  });

  it('reports a quantity the API server could not decode', () => {
    const e = only(
      metric({
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '12Q' } },
      }),
    );
    expect(e.field).toBe('spec.metrics[0].pods.target.averageValue');
    expect(e.message).toBe(
      'Invalid value: "12Q": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    );
    const suffix = only(
      metric({
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1Qi' } },
      }),
    );
    expect(suffix.message).toBe(
      'Invalid value: "1Qi": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    );
    const badSuffix = only(
      metric({
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1mi' } },
      }),
    );
    expect(badSuffix.message).toBe('Invalid value: "1mi": unable to parse quantity\'s suffix');
  });

  it('requires a Pods averageValue and a metric name', () => {
    expect(
      only(metric({ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'Value', value: '1' } } })),
    ).toMatchObject({
      field: 'spec.metrics[0].pods.target.averageValue',
      message: 'Required value: must specify a positive target averageValue',
    });
    expect(
      only(
        metric({ type: 'Pods', pods: { metric: { name: '' }, target: { type: 'AverageValue', averageValue: '1' } } }),
      ),
    ).toMatchObject({
      field: 'spec.metrics[0].pods.metric.name',
      message: 'Required value: must specify a metric name',
    });
    expect(
      only(
        metric({
          type: 'Pods',
          pods: { metric: { name: 'a/b' }, target: { type: 'AverageValue', averageValue: '1' } },
        }),
      ).message,
    ).toBe('Invalid value: "a/b": may not contain \'/\'');
  });

  it('checks Object metrics: described object and at least one target value', () => {
    const object = (
      target: unknown,
      describedObject: unknown = { kind: 'Service', name: 'front' },
    ): HorizontalPodAutoscaler =>
      metric({ type: 'Object', object: { describedObject, metric: { name: 'qps' }, target } });
    expect(validate(object({ type: 'Value', value: '10', averageValue: '1' }))).toEqual([]);
    expect(only(object({ type: 'Value' }))).toMatchObject({
      field: 'spec.metrics[0].object.target.averageValue',
      message: 'Required value: must set either a target value or averageValue',
    });
    expect(only(object({ type: 'Value', value: '10' }, { kind: 'Service' }))).toMatchObject({
      field: 'spec.metrics[0].object.describedObject.name',
      type: 'FieldValueRequired',
    });
  });

  it('checks External metrics: exactly one of value and averageValue', () => {
    const external = (target: unknown): HorizontalPodAutoscaler =>
      metric({ type: 'External', external: { metric: { name: 'queue' }, target } });
    expect(only(external({ type: 'Value' }))).toMatchObject({
      field: 'spec.metrics[0].external.target.averageValue',
      message: 'Required value: must set either a target value for metric or a per-pod target',
    });
    expect(only(external({ type: 'Value', value: '10', averageValue: '1' }))).toMatchObject({
      field: 'spec.metrics[0].external.target.value',
      type: 'FieldValueForbidden',
      message: 'Forbidden: may not set both a target value for metric and a per-pod target',
    });
  });

  it('checks ContainerResource: resource name, container DNS label, target', () => {
    const container = (name: string, c: string): HorizontalPodAutoscaler =>
      metric({
        type: 'ContainerResource',
        containerResource: { name, container: c, target: { type: 'Utilization', averageUtilization: 60 } },
      });
    expect(validate(container('cpu', 'app'))).toEqual([]);
    expect(validate(container('example.com/gpu', 'app'))).toEqual([]);
    expect(only(container('cpu', ''))).toMatchObject({
      field: 'spec.metrics[0].containerResource.container',
      message: 'Required value: must specify a container',
    });
    expect(only(container('cpu', 'App_1'))).toMatchObject({
      field: 'spec.metrics[0].containerResource.container',
      message:
        "Invalid value: \"App_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    });
    expect(only(container('pods', 'app')).message).toBe(
      'Invalid value: "pods": must be a standard resource for containers',
    );
    expect(only(container('', 'app')).message).toBe('Required value: must specify a resource name');
  });
});

describe('validateHorizontalPodAutoscaler (§8.2): behavior', () => {
  const rules = (r: unknown, direction: 'scaleUp' | 'scaleDown' = 'scaleUp'): HorizontalPodAutoscaler =>
    hpa({ behavior: { [direction]: r } as HorizontalPodAutoscaler['spec']['behavior'] });
  const policies = [{ type: 'Pods', value: 4, periodSeconds: 15 }];

  it('accepts defaulted behavior', () => {
    expect(validate(defaultHorizontalPodAutoscaler(hpa({ behavior: {} })))).toEqual([]);
  });

  it('requires at least one policy, even when Disabled', () => {
    expect(only(rules({ selectPolicy: 'Disabled', policies: [] }, 'scaleDown'))).toEqual({
      field: 'spec.behavior.scaleDown.policies',
      type: 'FieldValueRequired',
      message: 'Required value: must specify at least one Policy',
    });
  });

  it('bounds the stabilization window to [0, 3600]', () => {
    expect(only(rules({ stabilizationWindowSeconds: -1, policies }))).toMatchObject({
      field: 'spec.behavior.scaleUp.stabilizationWindowSeconds',
      message: 'Invalid value: -1: must be greater than or equal to zero',
    });
    expect(only(rules({ stabilizationWindowSeconds: 3601, policies })).message).toBe(
      'Invalid value: 3601: must be less than or equal to 3600',
    );
    expect(validate(rules({ stabilizationWindowSeconds: 3600, policies }))).toEqual([]);
  });

  it('knows the select policies', () => {
    expect(only(rules({ selectPolicy: 'Avg', policies }))).toEqual({
      field: 'spec.behavior.scaleUp.selectPolicy',
      type: 'FieldValueNotSupported',
      value: 'Avg',
      message: 'Unsupported value: "Avg": supported values: "Disabled", "Max", "Min"',
    });
  });

  it('checks each policy: type, value > 0 (no upper bound), period in (0, 1800]', () => {
    const errs = validate(
      rules({
        policies: [
          { type: 'Pods', value: 1, periodSeconds: 15 },
          { type: 'Ratio', value: 0, periodSeconds: 1801 },
        ],
      }),
    );
    expect(errs.map((e) => [e.field, e.message])).toEqual([
      ['spec.behavior.scaleUp.policies[1].type', 'Unsupported value: "Ratio": supported values: "Percent", "Pods"'],
      ['spec.behavior.scaleUp.policies[1].value', 'Invalid value: 0: must be greater than zero'],
      ['spec.behavior.scaleUp.policies[1].periodSeconds', 'Invalid value: 1801: must be less than or equal to 1800'],
    ]);
    expect(only(rules({ policies: [{ type: 'Percent', value: 10, periodSeconds: 0 }] })).message).toBe(
      'Invalid value: 0: must be greater than zero',
    );
    expect(validate(rules({ policies: [{ type: 'Percent', value: 500, periodSeconds: 1800 }] }))).toEqual([]);
  });

  it('requires a tolerance ≥ 0 when configurable tolerance is on, and ignores it when off', () => {
    expect(only(rules({ policies, tolerance: '-0.05' }, 'scaleDown'))).toEqual({
      field: 'spec.behavior.scaleDown.tolerance',
      type: 'FieldValueInvalid',
      value: '-0.05',
      // what kube-apiserver 1.33 … 1.37 answer (test/e2e/suites/simulator-fidelity.e2e.test.ts)
      message: 'Invalid value: "-50m": must be greater than or equal to 0',
    });
    expect(validate(rules({ policies, tolerance: '0' }))).toEqual([]);
    expect(validate(rules({ policies, tolerance: '2' }))).toEqual([]); // no upper bound
    expect(
      validate(rules({ policies, tolerance: '-0.05' }), { scaleToZero: false, configurableTolerance: false }),
    ).toEqual([]);
  });
});
