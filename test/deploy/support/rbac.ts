/**
 * A small RBAC authorizer with the rule semantics of kube-apiserver's (plugin/pkg/auth/
 * authorizer/rbac: RuleAllows, VerbMatches, APIGroupMatches, ResourceMatches,
 * ResourceNameMatches, NonResourceURLMatches): verbs and apiGroups with "*"; resources "*",
 * "resource", "resource/subresource" and "*\/subresource"; resourceNames (never matching a
 * request without a name: create, list, watch); nonResourceURLs exact or with a trailing "*";
 * a Role's rules only in its RoleBinding's namespace. Discovery (/api, /apis, …) is allowed to
 * every authenticated user by the default ClusterRole system:discovery (bound to
 * system:authenticated), which `DEFAULT_ROLES` models so that it is accounted for explicitly.
 */
import type { KubeObject } from './manifests.js';

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs: readonly string[];
}

/** What the API server authorizes: a resource request or a non-resource one (a path). */
export type RequestAttributes =
  | {
      readonly kind: 'resource';
      readonly verb: string;
      readonly apiGroup: string;
      readonly resource: string;
      readonly subresource: string;
      readonly namespace: string;
      readonly name: string;
    }
  | { readonly kind: 'nonResource'; readonly verb: string; readonly path: string };

/** A rule together with where it comes from, so a decision can name it. */
export interface GrantedRule {
  /** `ClusterRole/hpa-ts#2`, `Role/hpa-ts/hpa-ts-leader-election#0`, `ClusterRole/system:discovery#0` */
  readonly id: string;
  readonly rule: PolicyRule;
  /** only for requests in this namespace (a RoleBinding); undefined: cluster-wide */
  readonly namespace?: string;
  /** a default role of every cluster, not one of ours */
  readonly builtin: boolean;
}

/** system:discovery, as kube-apiserver bootstraps it (plugin/pkg/auth/authorizer/rbac/bootstrappolicy). */
export const DEFAULT_ROLES: readonly GrantedRule[] = [
  {
    id: 'ClusterRole/system:discovery#0',
    builtin: true,
    rule: {
      verbs: ['get'],
      nonResourceURLs: [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/',
      ],
    },
  },
];

/**
 * Default ClusterRoles an overlay binds without defining them, as kube-apiserver bootstraps them:
 * system:auth-delegator lets the secure port review tokens and access. Counted as the overlay's
 * own grants (the runs must use them), not as DEFAULT_ROLES.
 */
export const BOOTSTRAP_CLUSTER_ROLES: Readonly<Record<string, readonly PolicyRule[]>> = {
  'system:auth-delegator': [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ],
};

const has = (list: readonly string[] | undefined, v: string): boolean => (list ?? []).some((x) => x === '*' || x === v);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

export function ruleAllows(rule: PolicyRule, req: RequestAttributes): boolean {
  if (!has(rule.verbs, req.verb)) return false;
  if (req.kind === 'nonResource') {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === req.path || (u.endsWith('*') && req.path.startsWith(u.slice(0, -1))),
    );
  }
  if (rule.nonResourceURLs !== undefined && rule.resources === undefined) return false;
  if (!has(rule.apiGroups, req.apiGroup)) return false;
  if (!resourceMatches(rule, req.resource, req.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (req.name !== '' && names.includes(req.name));
}

/** The first rule that allows the request, or undefined (denied). */
export function authorize(rules: readonly GrantedRule[], req: RequestAttributes): GrantedRule | undefined {
  return rules.find((g) => {
    if (g.namespace !== undefined && (req.kind !== 'resource' || req.namespace !== g.namespace)) return false;
    return ruleAllows(g.rule, req);
  });
}

/**
 * The rules a ServiceAccount gets from the RBAC objects of a manifest set: ClusterRoles through
 * ClusterRoleBindings (cluster-wide) and through RoleBindings (in that namespace), Roles through
 * RoleBindings. Bindings to other subjects and unbound roles give nothing.
 */
export function rulesFor(objects: readonly KubeObject[], sa: { namespace: string; name: string }): GrantedRule[] {
  const isSubject = (b: KubeObject): boolean =>
    ((b.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? []).some(
      (s) => s.kind === 'ServiceAccount' && s.name === sa.name && s.namespace === sa.namespace,
    );
  const role = (kind: string, name: string, namespace?: string): KubeObject | undefined =>
    objects.find(
      (o) =>
        o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace),
    );
  const out: GrantedRule[] = [];
  for (const b of objects) {
    if ((b.kind !== 'ClusterRoleBinding' && b.kind !== 'RoleBinding') || !isSubject(b)) continue;
    const ref = b.roleRef as { kind: string; name: string };
    const ns = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    const bootstrap = ref.kind === 'ClusterRole' ? BOOTSTRAP_CLUSTER_ROLES[ref.name] : undefined;
    const r =
      role(ref.kind, ref.name, ns) ??
      (bootstrap === undefined
        ? undefined
        : ({
            kind: 'ClusterRole',
            apiVersion: 'rbac.authorization.k8s.io/v1',
            metadata: { name: ref.name },
            rules: bootstrap,
          } as KubeObject));
    if (r === undefined) throw new Error(`${b.kind} ${b.metadata.name} refers to a missing ${ref.kind} ${ref.name}`);
    const roleId =
      ref.kind === 'Role' ? `Role/${r.metadata.namespace ?? ''}/${r.metadata.name}` : `ClusterRole/${r.metadata.name}`;
    ((r.rules as PolicyRule[] | undefined) ?? []).forEach((rule, i) =>
      out.push({ id: `${roleId}#${i}`, rule, builtin: false, ...(ns !== undefined ? { namespace: ns } : {}) }),
    );
  }
  return out;
}

export function describeRequest(req: RequestAttributes): string {
  if (req.kind === 'nonResource') return `${req.verb} ${req.path}`;
  const res = req.subresource === '' ? req.resource : `${req.resource}/${req.subresource}`;
  const group = req.apiGroup === '' ? 'core' : req.apiGroup;
  return `${req.verb} ${group} ${res}${req.namespace !== '' ? ` ns=${req.namespace}` : ''}${req.name !== '' ? ` name=${req.name}` : ''}`;
}

export function describeRule(rule: PolicyRule): string {
  if (rule.nonResourceURLs !== undefined)
    return `nonResourceURLs ${rule.nonResourceURLs.join(',')} [${rule.verbs.join(',')}]`;
  const groups = (rule.apiGroups ?? []).map((g) => (g === '' ? 'core' : g)).join(',');
  const names = rule.resourceNames !== undefined ? ` names=${rule.resourceNames.join(',')}` : '';
  return `${groups} ${(rule.resources ?? []).join(',')}${names} [${rule.verbs.join(',')}]`;
}
