/**
 * Least privilege, checked both ways for every overlay: the real controller runs in the mode the
 * overlay deploys (its own Deployment args) against the simulator, every request the API server
 * receives is authorized against the overlay's RBAC — and every verb the overlay grants must have
 * been used by that run. The RBAC is read from the overlay's files (no kubectl needed);
 * kubectl.test.ts checks that kustomize renders the same RBAC objects.
 *
 * `HPA_TS_RBAC_TABLE=<file>` writes the call → rule table (markdown) of every overlay to <file>.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import type { RecordedRequest } from '../../simulator/apiserver/index.js';
import { OVERLAYS, overlayResources, type OverlayName } from './support/manifests.js';
import {
  DEFAULT_ROLES,
  authorize,
  describeRequest,
  describeRule,
  ruleAllows,
  rulesFor,
  type GrantedRule,
  type RequestAttributes,
} from './support/rbac.js';
import { runScenario, type ScenarioRun } from './support/scenario.js';

const SA = { namespace: 'hpa-ts', name: 'hpa-ts' };
const REVIEWS = ['tokenreviews', 'subjectaccessreviews'];

/**
 * Granted verbs no run uses, each with the reason it is granted anyway. Empty: every overlay's
 * run uses everything its RBAC grants (each overlay runs with the metrics client it deploys).
 */
const UNUSED_BUT_JUSTIFIED: Readonly<Record<string, string>> = {};

function attributes(r: RecordedRequest): RequestAttributes {
  if (r.resource === '') return { kind: 'nonResource', verb: r.method.toLowerCase(), path: r.path };
  return {
    kind: 'resource',
    verb: r.verb,
    apiGroup: r.apiGroup,
    resource: r.resource,
    subresource: r.subresource,
    namespace: r.namespace,
    name: r.name,
  };
}

const grantCache = new Map<OverlayName, GrantedRule[]>();
function grants(overlay: OverlayName): GrantedRule[] {
  let g = grantCache.get(overlay);
  if (g === undefined) {
    g = [...rulesFor(overlayResources(overlay), SA), ...DEFAULT_ROLES];
    grantCache.set(overlay, g);
  }
  return g;
}

const runs = new Map<OverlayName, ScenarioRun>();

beforeAll(async () => {
  const results = await Promise.all(OVERLAYS.map((o) => runScenario(o)));
  for (const r of results) runs.set(r.overlay, r);
  const file = process.env.HPA_TS_RBAC_TABLE;
  if (file !== undefined && file !== '') writeFileSync(file, coverageTables());
});

function coverageTables(): string {
  let out = '';
  for (const overlay of OVERLAYS) {
    const rows = new Map<string, string>();
    for (const r of runs.get(overlay)?.requests ?? []) {
      const req = attributes(r);
      const g = authorize(grants(overlay), req);
      const call = describeRequest({
        ...req,
        ...(req.kind === 'resource' ? { name: req.name === '' || req.name === '*' ? req.name : '{name}' } : {}),
      });
      rows.set(call, g === undefined ? 'DENIED' : `${g.id} (${describeRule(g.rule)})`);
    }
    out += `\n### ${overlay}\n\n| call | allowed by |\n|---|---|\n`;
    for (const [call, rule] of [...rows].sort()) out += `| ${call} | ${rule} |\n`;
  }
  return out;
}

describe('the RBAC authorizer of these tests', () => {
  const scale = { apiGroups: ['*'], resources: ['*/scale'], verbs: ['get', 'update'] };
  const req = (over: Partial<Extract<RequestAttributes, { kind: 'resource' }>>): RequestAttributes => ({
    kind: 'resource',
    verb: 'get',
    apiGroup: 'apps',
    resource: 'deployments',
    subresource: 'scale',
    namespace: 'shop',
    name: 'web',
    ...over,
  });

  it('matches */scale to the scale subresource of any kind, and to nothing else', () => {
    expect(ruleAllows(scale, req({}))).toBe(true);
    expect(ruleAllows(scale, req({ apiGroup: 'argoproj.io', resource: 'rollouts' }))).toBe(true);
    expect(ruleAllows(scale, req({ subresource: '' }))).toBe(false);
    expect(ruleAllows(scale, req({ subresource: 'status' }))).toBe(false);
    expect(ruleAllows(scale, req({ verb: 'patch' }))).toBe(false);
  });

  it('never matches resourceNames to a request without a name (create, list, watch)', () => {
    const own = {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['hpa-ts'],
      verbs: ['get', 'update', 'create'],
    };
    const lease = { apiGroup: 'coordination.k8s.io', resource: 'leases', subresource: '', namespace: 'hpa-ts' };
    expect(ruleAllows(own, req({ ...lease, name: 'hpa-ts' }))).toBe(true);
    expect(ruleAllows(own, req({ ...lease, name: 'other' }))).toBe(false);
    expect(ruleAllows(own, req({ ...lease, verb: 'create', name: '' }))).toBe(false);
  });

  it("confines a RoleBinding's rules to its namespace", () => {
    const g: GrantedRule = {
      id: 'Role/x#0',
      namespace: 'hpa-ts',
      builtin: false,
      rule: { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    };
    expect(
      authorize(
        [g],
        req({ apiGroup: '', resource: 'pods', subresource: '', name: '', verb: 'list', namespace: 'hpa-ts' }),
      ),
    ).toBe(g);
    expect(
      authorize(
        [g],
        req({ apiGroup: '', resource: 'pods', subresource: '', name: '', verb: 'list', namespace: 'shop' }),
      ),
    ).toBeUndefined();
    expect(
      authorize([g], req({ apiGroup: '', resource: 'pods', subresource: '', name: '', verb: 'list', namespace: '' })),
    ).toBeUndefined();
  });

  it('allows discovery to everyone through system:discovery, and no other path', () => {
    for (const path of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/apis/custom.metrics.k8s.io/v1beta2'])
      expect(authorize(DEFAULT_ROLES, { kind: 'nonResource', verb: 'get', path })?.id).toBe(
        'ClusterRole/system:discovery#0',
      );
    expect(authorize(DEFAULT_ROLES, { kind: 'nonResource', verb: 'get', path: '/metrics' })).toBeUndefined();
    expect(authorize(DEFAULT_ROLES, req({}))).toBeUndefined();
  });
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('allows every API call the controller made in its mode', () => {
    const run = runs.get(overlay) as ScenarioRun;
    const denied = [
      ...new Set(
        run.requests
          .map(attributes)
          .filter((r) => authorize(grants(overlay), r) === undefined)
          .map(describeRequest),
      ),
    ];
    expect(denied).toEqual([]);
    expect(run.requests.length).toBeGreaterThan(20);
  });

  it('grants no verb its run did not use', () => {
    const run = runs.get(overlay) as ScenarioRun;
    const reqs = run.requests.map(attributes);
    const unused: string[] = [];
    for (const g of grants(overlay).filter((x) => !x.builtin)) {
      for (const verb of g.rule.verbs) {
        const one: GrantedRule = { ...g, rule: { ...g.rule, verbs: [verb] } };
        if (reqs.some((r) => authorize([one], r) !== undefined)) continue;
        const key = `${overlay}: ${g.id} ${verb}`;
        if (UNUSED_BUT_JUSTIFIED[key] === undefined) unused.push(`${key} (${describeRule(g.rule)})`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('binds only the ClusterRole hpa-ts, the Lease Role and system:auth-delegator (the secure port) to the controller', () => {
    const ids = new Set(rulesFor(overlayResources(overlay), SA).map((g) => g.id.replace(/#\d+$/, '')));
    expect([...ids].sort()).toEqual([
      'ClusterRole/hpa-ts',
      'ClusterRole/system:auth-delegator',
      'Role/hpa-ts/hpa-ts-leader-election',
    ]);
  });
});

describe('what each mode did', () => {
  const writes = (overlay: OverlayName): string[] =>
    [
      ...new Set(
        (runs.get(overlay) as ScenarioRun).requests
          // a token or access review asks a question; it stores nothing
          .filter((r) => !REVIEWS.includes(r.resource))
          .filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb))
          .map((r) => `${r.verb} ${r.resource}${r.subresource === '' ? '' : `/${r.subresource}`}`),
      ),
    ].sort();

  it.each(['builtin', 'crd', 'prometheus-direct', 'servicemonitor'] as const)(
    '%s wrote a scale, an HPA status, events and the Lease',
    (overlay) => {
      expect(writes(overlay)).toEqual([
        'create events',
        'create leases',
        'patch events',
        'update deployments/scale',
        'update horizontalpodautoscalers/status',
        'update leases',
      ]);
      if (overlay !== 'prometheus-direct') expect((runs.get(overlay) as ScenarioRun).webReplicas).toBe(4);
    },
  );

  it.each(OVERLAYS)("%s reviewed the scraper's token and its access to /metrics (the secure port)", (overlay) => {
    const reviews = (runs.get(overlay) as ScenarioRun).requests.filter((r) => REVIEWS.includes(r.resource));
    expect(new Set(reviews.map((r) => `${r.verb} ${r.apiGroup} ${r.resource} ${r.status}`))).toEqual(
      new Set([
        'create authentication.k8s.io tokenreviews 201',
        'create authorization.k8s.io subjectaccessreviews 201',
      ]),
    );
  });

  it.each(['shadow', 'dry-run'] as const)('%s wrote nothing but the Lease', (overlay) => {
    expect(writes(overlay)).toEqual(['create leases', 'update leases']);
  });

  it('got no write rejected by the API server (in CRD mode: the CRD takes the status hpa-ts writes)', () => {
    for (const overlay of OVERLAYS) {
      const rejected = (runs.get(overlay) as ScenarioRun).requests.filter((r) => r.status === 422 || r.status === 400);
      expect([overlay, rejected]).toEqual([overlay, []]);
    }
  });

  it("shadow compared its decision with the built-in controller's status write", () => {
    expect((runs.get('shadow') as ScenarioRun).shadowComparisons).toBeGreaterThan(0);
  });

  it('crd mode used only hpa-ts HPAs, and the others only autoscaling ones', () => {
    const groups = (overlay: OverlayName): string[] => [
      ...new Set(
        (runs.get(overlay) as ScenarioRun).requests
          .filter((r) => r.resource === 'horizontalpodautoscalers')
          .map((r) => r.apiGroup),
      ),
    ];
    expect(groups('crd')).toEqual(['autoscaling.hpa-ts.io']);
    for (const o of OVERLAYS.filter((x) => x !== 'crd')) expect(groups(o)).toEqual(['autoscaling']);
  });

  it('prometheus-direct never called a metrics API', () => {
    const metricsGroups = (runs.get('prometheus-direct') as ScenarioRun).requests.filter((r) =>
      r.apiGroup.endsWith('metrics.k8s.io'),
    );
    expect(metricsGroups).toEqual([]);
  });
});
