/**
 * Rules shared by many kinds: ObjectMeta validation (apimachinery ValidateObjectMeta), quantity
 * canonicalisation of pod resources, pod-spec defaulting, and a builder with sensible defaults.
 */
import { canonicalQuantityString } from '../../../algorithms/quantity.js';
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelKeyErrors,
  labelValueErrors,
  pathSegmentNameErrors,
} from '../../../algorithms/labels-syntax.js';
import { badRequest, fieldErr, FieldErrorType, type FieldError } from '../errors.js';
import { asArray, asObject, isObject } from '../json.js';
import type { HookContext, KindHooks, MutableObject, ResourceType, VersionConversion } from '../registry.js';
import { defaultPrinter, type TablePrinter } from '../printers/table.js';
import type { KubeObject } from '../types.js';

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const NameRule = { Subdomain: 'subdomain', Label: 'label', Dns1035: 'dns1035', Any: 'any' } as const;
export type NameRule = (typeof NameRule)[keyof typeof NameRule];

/** The validation messages of apimachinery/pkg/util/validation for object names. */
export function nameErrors(name: string, rule: NameRule): string[] {
  switch (rule) {
    case 'any':
      return pathSegmentNameErrors(name);
    case 'label':
      return dns1123LabelErrors(name);
    case 'subdomain':
      return dns1123SubdomainErrors(name);
    case 'dns1035': {
      const out: string[] = [];
      if (name.length > 63) out.push('must be no more than 63 characters');
      if (!DNS1035_LABEL.test(name))
        out.push(
          "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        );
      return out;
    }
  }
}

/** ValidateObjectMeta: name, labels and annotation keys. Namespace existence is the store's job. */
export function validateObjectMeta(obj: KubeObject, rule: NameRule): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  if (name === undefined || name === '') {
    errs.push(fieldErr.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const m of nameErrors(name, rule)) errs.push(fieldErr.invalid('metadata.name', name, m));
  }
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    for (const m of labelKeyErrors(k)) errs.push(fieldErr.invalid('metadata.labels', k, m));
    if (typeof v !== 'string') errs.push(fieldErr.invalid('metadata.labels', v, 'must be a string'));
    else for (const m of labelValueErrors(v)) errs.push(fieldErr.invalid('metadata.labels', v, m));
  }
  const annotations = obj.metadata.annotations ?? {};
  for (const k of Object.keys(annotations)) {
    for (const m of labelKeyErrors(k.toLowerCase())) errs.push(fieldErr.invalid('metadata.annotations', k, m));
  }
  if (annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT_B)
    errs.push({
      type: FieldErrorType.TooLong,
      field: 'metadata.annotations',
      detail: `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes`,
    });
  return errs;
}

/** apimachinery's TotalAnnotationSizeLimitB: 256 KiB of keys and values together, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

/** ValidateAnnotationsSize's sum: len(k) + len(v) in UTF-8 bytes, as Go's len of a string. */
function annotationsSize(annotations: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations))
    total += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  return total;
}

const QUANTITY_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/**
 * Canonical quantity text, or the 400 the real server's decoder answers for an unparsable quantity:
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: quantities must match …`.
 */
export function canonicalQuantity(v: unknown, kind: string, ctx: HookContext): string {
  if (typeof v === 'string' || typeof v === 'number') {
    try {
      return canonicalQuantityString(v);
    } catch {
      // fall through to the decoder error below
    }
  }
  throw badRequest(
    `${kind} in version "${ctx.version}" cannot be handled as a ${kind}: quantities must match the regular expression '${QUANTITY_RE}'`,
  );
}

/** Canonicalises every quantity of a ResourceList map (`{cpu: "0.5"}` → `{cpu: "500m"}`) in place. */
export function canonicalizeResourceList(list: unknown, kind: string, ctx: HookContext): void {
  if (!isObject(list)) return;
  for (const [k, v] of Object.entries(list)) {
    if (v === null || v === undefined) continue;
    list[k] = canonicalQuantity(v, kind, ctx);
  }
}

/** Pod resources: containers, init and ephemeral containers, pod-level resources, overhead. */
export function canonicalizePodSpec(spec: unknown, kind: string, ctx: HookContext): void {
  const s = asObject(spec);
  if (s === undefined) return;
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of asArray(s[field])) {
      const res = asObject(asObject(c)?.resources);
      canonicalizeResourceList(res?.requests, kind, ctx);
      canonicalizeResourceList(res?.limits, kind, ctx);
    }
  }
  const podRes = asObject(s.resources);
  canonicalizeResourceList(podRes?.requests, kind, ctx);
  canonicalizeResourceList(podRes?.limits, kind, ctx);
  canonicalizeResourceList(s.overhead, kind, ctx);
}

function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > lastSlash ? noDigest.slice(colon + 1) : undefined;
}

function defaultContainer(c: Record<string, unknown>): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const tag = imageTag(c.image);
    c.imagePullPolicy = tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  for (const p of asArray(c.ports)) {
    const port = asObject(p);
    if (port !== undefined) port.protocol ??= 'TCP';
  }
}

/** core/v1 SetDefaults_PodSpec and SetDefaults_Container, the subset kubectl users see. */
export function defaultPodSpec(spec: unknown): void {
  const s = asObject(spec);
  if (s === undefined) return;
  s.restartPolicy ??= 'Always';
  s.terminationGracePeriodSeconds ??= 30;
  s.dnsPolicy ??= 'ClusterFirst';
  s.securityContext ??= {};
  s.schedulerName ??= 'default-scheduler';
  for (const field of ['containers', 'initContainers']) {
    for (const c of asArray(s[field])) if (isObject(c)) defaultContainer(c);
  }
}

/** Containers need a name and an image (ValidatePodSpec, the parts that catch typos). */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const s = asObject(spec);
  if (s === undefined) return [fieldErr.required(path, '')];
  const containers = asArray(s.containers);
  if (containers.length === 0) errs.push(fieldErr.required(`${path}.containers`, ''));
  const seen = new Set<string>();
  containers.forEach((raw, i) => {
    const c = asObject(raw) ?? {};
    const p = `${path}.containers[${i}]`;
    if (typeof c.name !== 'string' || c.name === '') errs.push(fieldErr.required(`${p}.name`, ''));
    else {
      for (const m of nameErrors(c.name, 'label')) errs.push(fieldErr.invalid(`${p}.name`, c.name, m));
      if (seen.has(c.name)) errs.push(fieldErr.duplicate(`${p}.name`, c.name));
      seen.add(c.name);
    }
    if (typeof c.image !== 'string' || c.image.trim() === '') errs.push(fieldErr.required(`${p}.image`, ''));
  });
  return errs;
}

export interface KindDefinition {
  readonly group: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced?: boolean;
  readonly singular?: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly versions?: readonly string[];
  readonly storageVersion?: string;
  readonly hasStatus?: boolean;
  readonly scale?: ResourceType['scale'];
  readonly tracksGeneration?: boolean;
  readonly resetStatusOnCreate?: boolean;
  readonly strategicMerge?: boolean;
  readonly fieldLabels?: readonly string[];
  readonly printer?: TablePrinter;
  readonly hooks?: KindHooks;
  readonly conversions?: Readonly<Record<string, VersionConversion>>;
  readonly undeletable?: ResourceType['undeletable'];
  readonly deprecationWarnings?: ResourceType['deprecationWarnings'];
  readonly nameRule?: NameRule;
}

/** A ResourceType with the defaults of a plain built-in kind; ObjectMeta validation is always included. */
export function defineKind(def: KindDefinition): ResourceType {
  const versions = def.versions ?? ['v1'];
  const nameRule = def.nameRule ?? NameRule.Subdomain;
  const own = def.hooks ?? {};
  const hooks: KindHooks = {
    ...own,
    validate: (obj, old, ctx) => [...validateObjectMeta(obj, nameRule), ...(own.validate?.(obj, old, ctx) ?? [])],
  };
  return {
    group: def.group,
    resource: def.resource,
    kind: def.kind,
    listKind: `${def.kind}List`,
    singular: def.singular ?? def.kind.toLowerCase(),
    namespaced: def.namespaced ?? true,
    shortNames: def.shortNames ?? [],
    categories: def.categories ?? [],
    versions,
    storageVersion: def.storageVersion ?? versions[0],
    hasStatus: def.hasStatus ?? false,
    scale: def.scale,
    tracksGeneration: def.tracksGeneration ?? false,
    resetStatusOnCreate: def.resetStatusOnCreate ?? def.hasStatus ?? false,
    strategicMerge: def.strategicMerge ?? true,
    typeMetaInListItems: false,
    fieldLabels: def.fieldLabels ?? [],
    printer: def.printer ?? defaultPrinter,
    hooks,
    conversions: def.conversions ?? {},
    undeletable: def.undeletable,
    deprecationWarnings: def.deprecationWarnings,
  };
}

export type { MutableObject };
