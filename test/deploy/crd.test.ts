/**
 * The CRD of CRD mode (manifests/crd/): its spec and status mirror autoscaling/v2 field for field
 * (against kubernetes-models' declarations of autoscaling/v2), it defaults like the API server
 * defaults real HPAs (§8.1), and it accepts and rejects what the API server accepts and rejects for
 * real HPAs (§8.2, algorithms/validation.ts): every example HPA of manifests/examples/ (converted
 * to autoscaling.hpa-ts.io/v1) and a table of invalid ones, through the structural schema and the
 * CEL rules (test/deploy/support/crd-validator.ts, cel.ts), with the expected messages.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { HorizontalPodAutoscaler as ModelsHpa } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import {
  defaultHorizontalPodAutoscaler,
  validateHorizontalPodAutoscaler,
  type HorizontalPodAutoscaler,
} from '../../algorithms/index.js';
import { hpaConversions } from '../../simulator/apiserver/kinds/hpa-conversion.js';
import { NEWEST_MINOR } from '../../algorithms/profile.js';
import { evalJsonPath, parseJsonPath } from '../../simulator/apiserver/kinds/jsonpath.js';
import { compile } from './support/cel.js';
import { celRules, validateCel, validateCustomResource } from './support/crd-validator.js';
import { compareSchemaToShape, dtsShape, kubernetesModelsFile } from './support/dts-shape.js';
import { MANIFESTS, readYaml, relPath, yamlFiles } from './support/manifests.js';

type Obj = Record<string, unknown>;
type Schema = Record<string, unknown>;

const CRD_FILE = join(MANIFESTS, 'crd', 'horizontalpodautoscalers.autoscaling.hpa-ts.io.yaml');
const crd = readYaml(CRD_FILE)[0] as {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: Obj & { plural: string; kind: string; shortNames: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: Obj;
      additionalPrinterColumns: Obj[];
      schema: { openAPIV3Schema: Schema };
    }[];
  };
};
const version = crd.spec.versions[0];
const schema = version.schema.openAPIV3Schema;
const API_VERSION = 'autoscaling.hpa-ts.io/v1';

/** What the API server says about a real autoscaling/v2 HPA: default, then validate (§8.1, §8.2). */
function realVerdict(v2: Obj, scaleToZero = false): string[] {
  // a missing spec decodes as the zero value
  const hpa = defaultHorizontalPodAutoscaler({ ...v2, spec: v2.spec ?? {} } as unknown as HorizontalPodAutoscaler);
  return validateHorizontalPodAutoscaler(hpa, { scaleToZero, configurableTolerance: true }).map(
    (e) => `${e.field}: ${e.message}`,
  );
}

function asCr(v2: Obj): Obj {
  return { ...structuredClone(v2), apiVersion: API_VERSION };
}

const props = (s: Schema): Record<string, Schema> => s.properties as Record<string, Schema>;

describe('the HorizontalPodAutoscaler CRD', () => {
  it('is horizontalpodautoscalers.autoscaling.hpa-ts.io, namespaced, v1, short name hpats, with a status subresource', () => {
    expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
    expect(crd.metadata.name).toBe('horizontalpodautoscalers.autoscaling.hpa-ts.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      plural: 'horizontalpodautoscalers',
      shortNames: ['hpats'],
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: 'v1', served: true, storage: true, subresources: { status: {} } });
  });

  it.each([
    ['spec', 'autoscaling/v2/HorizontalPodAutoscalerSpec', []],
    // hpa-ts's one addition (docs/recommendation.md): the recommendation before any limit
    ['status', 'autoscaling/v2/HorizontalPodAutoscalerStatus', ['status.unclampedReplicas: not in autoscaling/v2']],
  ])('mirrors autoscaling/v2 in %s: field names, required fields, types', (field, type, extra) => {
    expect(compareSchemaToShape(props(schema)[field], dtsShape(kubernetesModelsFile(type)), field)).toEqual(extra);
  });

  it('would notice a field that autoscaling/v2 does not have, or one it lacks (the comparison works)', () => {
    const spec = structuredClone(props(schema).spec);
    delete props(spec).behavior;
    props(spec).maxReplica = { type: 'integer' };
    expect(
      compareSchemaToShape(spec, dtsShape(kubernetesModelsFile('autoscaling/v2/HorizontalPodAutoscalerSpec')), 'spec'),
    ).toEqual(['spec.behavior: missing', 'spec.maxReplica: not in autoscaling/v2']);
  });

  it('is a structural schema: a type on every node but int-or-string ones, no properties beside additionalProperties', () => {
    const problems: string[] = [];
    const walk = (s: Schema, path: string): void => {
      if (s['x-kubernetes-int-or-string'] === true) {
        if (
          s.type !== undefined ||
          JSON.stringify(s.anyOf) !== JSON.stringify([{ type: 'integer' }, { type: 'string' }])
        )
          problems.push(`${path}: malformed int-or-string`);
      } else if (typeof s.type !== 'string') problems.push(`${path}: no type`);
      if (s.properties !== undefined && s.additionalProperties !== undefined)
        problems.push(`${path}: properties and additionalProperties`);
      if (s.type === 'array' && s.items === undefined) problems.push(`${path}: array without items`);
      for (const [k, v] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {}))
        walk(v, `${path}.${k}`);
      if (typeof s.items === 'object') walk(s.items as Schema, `${path}[]`);
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties as Schema, `${path}{}`);
    };
    walk(schema, '');
    expect(problems).toEqual([]);
  });

  it('prints columns like kubectl get hpa: Reference, Targets, MinPods, MaxPods, Replicas, Age', () => {
    const columns = version.additionalPrinterColumns as { name: string; jsonPath: string; priority?: number }[];
    expect(columns.filter((c) => (c.priority ?? 0) === 0).map((c) => c.name)).toEqual([
      'Reference',
      'Targets',
      'MinPods',
      'MaxPods',
      'Replicas',
      'Age',
    ]);
    const obj = {
      metadata: { creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Pods' }, { type: 'Resource', resource: { target: { averageUtilization: 50 } } }],
      },
      status: {
        currentReplicas: 3,
        desiredReplicas: 4,
        unclampedReplicas: 14,
        currentMetrics: [{ type: 'Pods' }, { type: 'Resource', resource: { current: { averageUtilization: 42 } } }],
      },
    };
    const cell = (name: string): unknown => {
      const c = columns.find((x) => x.name === name);
      const steps = parseJsonPath(c?.jsonPath ?? '');
      expect(steps).toBeDefined();
      return evalJsonPath(obj, steps ?? [])[0]; // the API server prints the first result
    };
    expect([
      cell('Reference'),
      cell('Targets'),
      cell('MinPods'),
      cell('MaxPods'),
      cell('Replicas'),
      cell('Age'),
    ]).toEqual(['web', 42, 2, 10, 3, '2026-01-01T00:00:00Z']);
    expect([cell('Kind'), cell('Target'), cell('Desired'), cell('Unclamped')]).toEqual(['Deployment', 50, 4, 14]);
  });

  it('has CEL rules that all parse, each with a message', () => {
    const rules = celRules(schema);
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const { rule } of rules) {
      expect(() => compile(rule.rule)).not.toThrow();
      expect(rule.message).toEqual(expect.any(String));
    }
  });
});

/** Every HPA manifest of manifests/examples/, as autoscaling/v2 (v2beta1/v2beta2 converted as the API server converts them). */
function exampleHpas(): { file: string; v2: Obj }[] {
  const out: { file: string; v2: Obj }[] = [];
  for (const file of yamlFiles(join(MANIFESTS, 'examples'))) {
    for (const doc of readYaml(file)) {
      const o = doc as Obj;
      if (
        o.kind !== 'HorizontalPodAutoscaler' ||
        typeof o.apiVersion !== 'string' ||
        !o.apiVersion.startsWith('autoscaling/')
      )
        continue;
      const v = o.apiVersion.split('/')[1];
      const v2 =
        v === 'v2'
          ? structuredClone(o)
          : (hpaConversions(NEWEST_MINOR)[v].toStorage(structuredClone(o) as never) as Obj);
      out.push({ file: relPath(file), v2: { ...v2, apiVersion: 'autoscaling/v2' } });
    }
  }
  return out;
}

describe('the example HPAs of manifests/examples/ as autoscaling.hpa-ts.io/v1', () => {
  const examples = exampleHpas();

  it('are all found (seed-000 … seed-004, every apiVersion)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(examples.map((e) => [e.file, e.v2] as const))(
    '%s: accepted by the CRD exactly when a real HPA is',
    (_file, v2) => {
      const real = realVerdict(v2);
      const cr = validateCustomResource(asCr(v2), schema);
      expect(cr.errors.length === 0).toBe(real.length === 0);
      if (real.length === 0) {
        // same defaults as the API server gives the real HPA, and valid for kubernetes-models too
        const defaulted = defaultHorizontalPodAutoscaler(v2 as unknown as HorizontalPodAutoscaler);
        expect(cr.defaulted.spec).toEqual(defaulted.spec);
        expect(() => new ModelsHpa(v2 as never).validate()).not.toThrow();
      }
    },
  );

  it('rejects the article versions that put scaleTargetRef outside spec, as the API server does', () => {
    const verbatim = examples.filter((e) => /seed-004\/article\/hpa-(pods|object)\.yaml$/.test(e.file));
    expect(verbatim).toHaveLength(2);
    for (const e of verbatim) {
      expect(realVerdict(e.v2)).toContain('spec.scaleTargetRef.kind: Required value');
      const errors = validateCustomResource(asCr(e.v2), schema).errors;
      expect(errors).toContain('spec.scaleTargetRef: Required value');
      expect(errors).toContain('scaleTargetRef: Not found: field not declared in schema');
    }
  });
});

const VALID: Obj = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
      },
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    },
  },
};

/** VALID with `spec` changed by `edit`. */
function variant(
  edit: (spec: Obj & { metrics: Obj[]; behavior: { scaleUp: Obj & { policies: Obj[] }; scaleDown: Obj } }) => void,
): Obj {
  const o = structuredClone(VALID);
  edit(o.spec as never);
  return o;
}

const metric =
  (m: Obj): ((s: { metrics: Obj[] }) => void) =>
  (s) => {
    s.metrics = [m];
  };

/** [case, HPA, messages the CRD must give (each a substring of one error), the real API server rejects only with fieldValidation=Strict] */
const INVALID: readonly (readonly [string, Obj, readonly string[], boolean?])[] = [
  [
    'minReplicas above maxReplicas',
    variant((s) => Object.assign(s, { minReplicas: 5, maxReplicas: 3 })),
    ['spec.maxReplicas: Invalid value: "object": must be greater than or equal to minReplicas'],
  ],
  [
    'maxReplicas 0',
    variant((s) => Object.assign(s, { minReplicas: undefined, maxReplicas: 0 })),
    ['spec.maxReplicas: Invalid value: 0: spec.maxReplicas in body should be greater than or equal to 1'],
  ],
  [
    'minReplicas 0 (no HPAScaleToZero)',
    variant((s) => Object.assign(s, { minReplicas: 0 })),
    ['spec.minReplicas: Invalid value: 0: spec.minReplicas in body should be greater than or equal to 1'],
  ],
  [
    'scaleTargetRef without name',
    variant((s) => Object.assign(s, { scaleTargetRef: { kind: 'Deployment' } })),
    ['spec.scaleTargetRef.name: Required value'],
  ],
  [
    'scaleTargetRef name with a slash',
    variant((s) => Object.assign(s, { scaleTargetRef: { kind: 'Deployment', name: 'a/b' } })),
    ['spec.scaleTargetRef.name: Invalid value: "a/b": spec.scaleTargetRef.name in body should match'],
  ],
  [
    'unknown metric type',
    variant(
      metric({ type: 'Memory', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 50 } } }),
    ),
    [
      'spec.metrics[0].type: Unsupported value: "Memory": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    ],
  ],
  [
    'type Resource without resource (pods set instead)',
    variant(
      metric({
        type: 'Resource',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
      }),
    ),
    [
      'spec.metrics[0]: Required value: must populate information for the given metric source: type Resource needs resource',
    ],
  ],
  [
    'type Pods with pods and resource',
    variant(
      metric({
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      }),
    ),
    ['spec.metrics[0]: Forbidden: must populate the given metric source only'],
  ],
  [
    'metric type missing',
    variant(metric({ resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } })),
    ['spec.metrics[0].type: Required value'],
  ],
  [
    'averageUtilization 0',
    variant(
      metric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }),
    ),
    [
      'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: spec.metrics[0].resource.target.averageUtilization in body should be greater than or equal to 1',
    ],
  ],
  [
    'Resource target with utilization and value',
    variant(
      metric({
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50, averageValue: '100m' } },
      }),
    ),
    [
      'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    ],
  ],
  [
    'Resource target with neither',
    variant(metric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Value', value: '1' } } })),
    [
      'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    ],
  ],
  [
    'ContainerResource with both',
    variant(
      metric({
        type: 'ContainerResource',
        containerResource: {
          name: 'cpu',
          container: 'app',
          target: { type: 'Utilization', averageUtilization: 50, averageValue: '1' },
        },
      }),
    ),
    [
      'spec.metrics[0].containerResource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    ],
  ],
  [
    'ContainerResource with neither',
    variant(
      metric({
        type: 'ContainerResource',
        containerResource: { name: 'cpu', container: 'app', target: { type: 'Value', value: '1' } },
      }),
    ),
    [
      'spec.metrics[0].containerResource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    ],
  ],
  [
    'ContainerResource container not a DNS label',
    variant(
      metric({
        type: 'ContainerResource',
        containerResource: { name: 'cpu', container: 'App_1', target: { type: 'Utilization', averageUtilization: 50 } },
      }),
    ),
    ['spec.metrics[0].containerResource.container: Invalid value: "App_1"'],
  ],
  [
    'Pods target without averageValue',
    variant(metric({ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'Value', value: '10' } } })),
    ['spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue'],
  ],
  [
    'Pods averageValue 0',
    variant(
      metric({ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '0' } } }),
    ),
    [
      'spec.metrics[0].pods.target.averageValue: Invalid value: "0": spec.metrics[0].pods.target.averageValue in body should match',
    ],
  ],
  [
    'Pods averageValue -5 (integer)',
    variant(
      metric({ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: -5 } } }),
    ),
    [
      'spec.metrics[0].pods.target.averageValue: Invalid value: -5: spec.metrics[0].pods.target.averageValue in body should be greater than or equal to 1',
    ],
  ],
  [
    'a quantity that is no quantity',
    variant(
      metric({
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: 'ten' } },
      }),
    ),
    ['spec.metrics[0].pods.target.averageValue: Invalid value: "ten"'],
  ],
  [
    'metric name "."',
    variant(
      metric({ type: 'Pods', pods: { metric: { name: '.' }, target: { type: 'AverageValue', averageValue: '1' } } }),
    ),
    ['spec.metrics[0].pods.metric.name: Invalid value: "."'],
  ],
  [
    'Object target with neither value nor averageValue',
    variant(
      metric({
        type: 'Object',
        object: {
          describedObject: { kind: 'Ingress', name: 'main' },
          metric: { name: 'rps' },
          target: { type: 'Utilization', averageUtilization: 5 },
        },
      }),
    ),
    ['spec.metrics[0].object.target.averageValue: Required value: must set either a target value or averageValue'],
  ],
  [
    'Object without describedObject',
    variant(metric({ type: 'Object', object: { metric: { name: 'rps' }, target: { type: 'Value', value: '5' } } })),
    ['spec.metrics[0].object.describedObject: Required value'],
  ],
  [
    'External target with value and averageValue',
    variant(
      metric({
        type: 'External',
        external: { metric: { name: 'queue' }, target: { type: 'Value', value: '5', averageValue: '1' } },
      }),
    ),
    [
      'spec.metrics[0].external.target.value: Forbidden: may not set both a target value for metric and a per-pod target',
    ],
  ],
  [
    'External target with neither',
    variant(
      metric({
        type: 'External',
        external: { metric: { name: 'queue' }, target: { type: 'Utilization', averageUtilization: 5 } },
      }),
    ),
    [
      'spec.metrics[0].external.target.averageValue: Required value: must set either a target value for metric or a per-pod target',
    ],
  ],
  [
    'target type not an enum value',
    variant(
      metric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Percent', averageUtilization: 50 } } }),
    ),
    ['spec.metrics[0].resource.target.type: Unsupported value: "Percent"'],
  ],
  [
    'policy periodSeconds 0',
    variant((s) => (s.behavior.scaleUp.policies[0].periodSeconds = 0)),
    [
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 0: spec.behavior.scaleUp.policies[0].periodSeconds in body should be greater than or equal to 1',
    ],
  ],
  [
    'policy periodSeconds 1801',
    variant((s) => (s.behavior.scaleUp.policies[0].periodSeconds = 1801)),
    [
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: spec.behavior.scaleUp.policies[0].periodSeconds in body should be less than or equal to 1800',
    ],
  ],
  [
    'policy value 0',
    variant((s) => (s.behavior.scaleUp.policies[0].value = 0)),
    [
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: spec.behavior.scaleUp.policies[0].value in body should be greater than or equal to 1',
    ],
  ],
  [
    'policy type Replicas',
    variant((s) => (s.behavior.scaleUp.policies[0].type = 'Replicas')),
    ['spec.behavior.scaleUp.policies[0].type: Unsupported value: "Replicas": supported values: "Pods", "Percent"'],
  ],
  [
    'stabilizationWindowSeconds 3601',
    variant((s) => (s.behavior.scaleDown.stabilizationWindowSeconds = 3601)),
    [
      'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: spec.behavior.scaleDown.stabilizationWindowSeconds in body should be less than or equal to 3600',
    ],
  ],
  [
    'stabilizationWindowSeconds -1',
    variant((s) => (s.behavior.scaleDown.stabilizationWindowSeconds = -1)),
    [
      'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: -1: spec.behavior.scaleDown.stabilizationWindowSeconds in body should be greater than or equal to 0',
    ],
  ],
  [
    'selectPolicy Maximum',
    variant((s) => (s.behavior.scaleUp.selectPolicy = 'Maximum')),
    ['spec.behavior.scaleUp.selectPolicy: Unsupported value: "Maximum": supported values: "Max", "Min", "Disabled"'],
  ],
  [
    'no policies (even when Disabled)',
    variant((s) => Object.assign(s.behavior.scaleDown, { selectPolicy: 'Disabled', policies: [] })),
    ['spec.behavior.scaleDown.policies: Required value: must specify at least one Policy'],
  ],
  [
    'negative tolerance',
    variant((s) => (s.behavior.scaleUp.tolerance = '-0.1')),
    ['spec.behavior.scaleUp.tolerance: Invalid value: "-0.1"'],
  ],
  [
    'a misspelt field (averageUtilisation)',
    variant(
      metric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilisation: 50 } } }),
    ),
    ['spec.metrics[0].resource.target.averageUtilisation: Not found: field not declared in schema'],
  ],
  [
    'behaviour instead of behavior',
    variant((s) => Object.assign(s, { behaviour: s.behavior, behavior: undefined })),
    ['spec.behaviour: Not found: field not declared in schema'],
    true,
  ],
  ['no spec', { ...VALID, spec: undefined }, ['spec: Required value']],
];

describe('invalid HPAs', () => {
  it.each(INVALID.map(([name, hpa, messages, strictOnly]) => [name, hpa, messages, strictOnly ?? false] as const))(
    '%s: rejected by the CRD with the expected message, as the API server rejects the real HPA',
    (_name, hpa, messages, strictOnly) => {
      const errors = validateCustomResource(asCr(JSON.parse(JSON.stringify(hpa)) as Obj), schema).errors;
      for (const m of messages) expect(errors.filter((e) => e.includes(m))).toHaveLength(1);
      // The real HPA: invalid by §8.2 — or, for a misspelt field the decoder drops, rejected by kubectl's
      // default fieldValidation=Strict ("unknown field") and accepted only without it.
      if (!strictOnly) expect(realVerdict(JSON.parse(JSON.stringify(hpa)) as Obj)).not.toEqual([]);
    },
  );

  it('exercise every CEL rule of the CRD', () => {
    const fired = new Set<string>();
    for (const [, hpa] of INVALID) {
      for (const e of validateCustomResource(asCr(JSON.parse(JSON.stringify(hpa)) as Obj), schema).errors) fired.add(e);
    }
    const zero = variant((s) => Object.assign(s, { minReplicas: 0 }));
    for (const e of validateCustomResource(asCr(zero), scaleToZeroSchema()).errors) fired.add(e);
    // every rule guards what it reads with has(): none errs at run time ("no such key")
    expect([...fired].filter((e) => e.includes('internal error'))).toEqual([]);
    const unfired = celRules(schema)
      .map((r) => r.rule.message ?? '')
      .filter((m) => ![...fired].some((e) => e.includes(m)));
    expect(unfired).toEqual([]);
  });

  it('accepts the valid base case, and gives it the same defaults as a real HPA', () => {
    const v = validateCustomResource(asCr(VALID), schema);
    expect(v.errors).toEqual([]);
    expect(realVerdict(VALID)).toEqual([]);
    expect(v.defaulted.spec).toEqual(defaultHorizontalPodAutoscaler(VALID as unknown as HorizontalPodAutoscaler).spec);
  });

  it('defaults like the API server: minReplicas 1, cpu 80% without metrics, each behavior direction filled', () => {
    const bare = {
      ...VALID,
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        maxReplicas: 5,
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    };
    const v = validateCustomResource(asCr(bare), schema);
    expect(v.errors).toEqual([]);
    expect(v.defaulted.spec).toEqual(defaultHorizontalPodAutoscaler(bare as unknown as HorizontalPodAutoscaler).spec);
    expect(v.defaulted.spec).toMatchObject({
      minReplicas: 1,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
  });
});

/** The CRD with minReplicas ≥ 0, as docs/deploy.md (CRD mode) tells users with HPAScaleToZero to patch it. */
function scaleToZeroSchema(): Schema {
  const s = structuredClone(schema);
  props(props(s).spec).minReplicas.minimum = 0;
  return s;
}

describe('scale to zero (CRD patched to minimum 0, controller gate HPAScaleToZero)', () => {
  it('requires an Object or External metric, like the API server with the gate on', () => {
    const cpuOnly = variant((s) => Object.assign(s, { minReplicas: 0 }));
    expect(validateCustomResource(asCr(cpuOnly), scaleToZeroSchema()).errors).toEqual([
      'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
    ]);
    expect(realVerdict(cpuOnly, true)).not.toEqual([]);
    const withExternal = variant((s) => {
      s.minReplicas = 0;
      s.metrics.push({
        type: 'External',
        external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } },
      });
    });
    expect(validateCustomResource(asCr(withExternal), scaleToZeroSchema()).errors).toEqual([]);
    expect(realVerdict(withExternal, true)).toEqual([]);
  });
});

describe('the status schema', () => {
  const statusSchema = props(schema).status;

  it('takes the statuses hpa-ts writes, including a failed metric as {type: ""}', () => {
    const status = {
      currentReplicas: 2,
      desiredReplicas: 4,
      lastScaleTime: '2026-01-01T00:00:00Z',
      currentMetrics: [
        { type: '' },
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 99, averageValue: '99m' } } },
      ],
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'SucceededRescale',
          message: 'ok',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    };
    const v = validateCustomResource(
      {
        apiVersion: API_VERSION,
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'x' },
        spec: (VALID as { spec: Obj }).spec,
        status,
      },
      schema,
    );
    expect(v.errors).toEqual([]);
    expect(validateCel(status, statusSchema, 'status')).toEqual([]);
  });

  it('takes status.unclampedReplicas, a non-negative integer', () => {
    const status = (unclampedReplicas: unknown): Obj => ({ desiredReplicas: 4, unclampedReplicas });
    expect(validateCustomResource({ ...asCr(VALID), status: status(14) }, schema).errors).toEqual([]);
    expect(validateCustomResource({ ...asCr(VALID), status: status(-1) }, schema).errors).toEqual([
      'status.unclampedReplicas: Invalid value: -1: status.unclampedReplicas in body should be greater than or equal to 0',
    ]);
  });

  it('rejects negative replica counts, as the API server does on status updates', () => {
    const v = validateCustomResource({ ...asCr(VALID), status: { currentReplicas: -1, desiredReplicas: 0 } }, schema);
    expect(v.errors).toEqual([
      'status.currentReplicas: Invalid value: -1: status.currentReplicas in body should be greater than or equal to 0',
    ]);
  });
});
