/**
 * Prometheus label ↔ Kubernetes group-resource, as prometheus-adapter's resourceConverter does
 * (pkg/naming/resource_converter.go, lbl_res.go): `overrides` map a label to a normalised
 * group-resource (`pod` → pods, `namespace` → namespaces); `template` (`<<.Resource>>`,
 * `kube_<<.Group>>_<<.Resource>>`) names the label of any resource — executed with the group's
 * dots and dashes turned into `_` and the resource singularised — and, turned into a regular
 * expression, recognises resource labels on discovered series.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import { type GroupResource, type RestMapper, qualifiedResource } from '../../transport/index.js';
import type { ResourceMapping } from './adapter-config.js';
import { type GoRegexp, compileGoRegexp, findSubmatch } from './go-regexp.js';
import { GoStruct, type GoTemplate, compileTemplate } from './go-template.js';

export const NAMESPACES: GroupResource = { group: '', resource: 'namespaces' };

function key(gr: GroupResource): string {
  return `${gr.group}/${gr.resource}`;
}

export function sameResource(a: GroupResource, b: GroupResource): boolean {
  return a.group === b.group && a.resource === b.resource;
}

export class ResourceConverter {
  private readonly labelToResource = new Map<string, GroupResource>();
  private readonly resourceToLabel = new Map<string, string>();

  private constructor(
    private readonly mapper: RestMapper,
    private readonly template: GoTemplate | undefined,
    private readonly extractor: { re: GoRegexp; group: boolean } | undefined,
  ) {}

  /** NewResourceConverter: compiles the template and normalises every override through the mapper. */
  static async create(mapping: ResourceMapping, mapper: RestMapper): Promise<Result<ResourceConverter, string>> {
    let template: GoTemplate | undefined;
    let extractor: { re: GoRegexp; group: boolean } | undefined;
    if (mapping.template !== '') {
      const t = compileTemplate('resource-label', mapping.template);
      if (!t.ok) return err(`unable to parse label template ${JSON.stringify(mapping.template)}: ${t.error}`);
      template = t.value;
      const pattern = t.value.execute(
        new GoStruct('schema.GroupResource', { Group: '(?P<group>.+?)', Resource: '(?P<resource>.+?)' }),
      );
      if (!pattern.ok || pattern.value === '')
        return err(`unable to convert label template to matcher: ${pattern.ok ? 'empty template' : pattern.error}`);
      const re = compileGoRegexp(`^${pattern.value}$`);
      if (!re.ok) return err(`unable to convert label template to matcher: ${re.error}`);
      extractor = { re: re.value, group: mapping.template.includes('.Group') };
    }
    const conv = new ResourceConverter(mapper, template, extractor);
    for (const [label, gr] of Object.entries(mapping.overrides)) {
      const norm = await mapper.resourceFor(gr);
      if (!norm.ok)
        return err(
          `unable to normalize group-resource ${qualifiedResource(gr)} (label ${label}): ${norm.error.message}`,
        );
      const full = { group: norm.value.group, resource: norm.value.resource };
      conv.labelToResource.set(label, full);
      conv.resourceToLabel.set(key(full), label);
    }
    return ok(conv);
  }

  /** LabelForResource: the override's label, else the template executed for the resource. */
  async labelForResource(gr: GroupResource): Promise<Result<string, string>> {
    const known = this.resourceToLabel.get(key(gr));
    if (known !== undefined) return ok(known);
    const fail = (why: string): Result<string, string> =>
      err(`unable to convert resource ${qualifiedResource(gr)} into label: ${why}`);
    if (this.template === undefined) return fail('no generic resource label form specified for this metric');
    const info = await this.mapper.resourceFor(gr);
    if (!info.ok) return fail(`unable to singularize resource ${qualifiedResource(gr)}: ${info.error.message}`);
    const out = this.template.execute(
      new GoStruct('schema.GroupResource', { Group: gr.group.replace(/[.-]/g, '_'), Resource: info.value.singular }),
    );
    if (!out.ok) return fail(out.error);
    if (out.value === '') return fail('empty label produced by label template');
    this.resourceToLabel.set(key(gr), out.value);
    this.labelToResource.set(out.value, gr);
    return ok(out.value);
  }

  /**
   * ResourcesForSeries: the resources the series' labels name, and whether one of them is the
   * namespace (which makes the metric namespaced). Labels the mapper cannot normalise are skipped.
   */
  async resourcesForSeries(labels: readonly string[]): Promise<{ resources: GroupResource[]; namespaced: boolean }> {
    const resources: GroupResource[] = [];
    let namespaced = false;
    for (const label of labels) {
      let gr = this.labelToResource.get(label);
      if (gr === undefined && this.extractor !== undefined) {
        const m = findSubmatch(this.extractor.re, label);
        if (m !== null) {
          const partial = {
            group: this.extractor.group ? (m.groups?.group ?? '') : '',
            resource: m.groups?.resource ?? '',
          };
          const norm = await this.mapper.resourceFor(partial);
          if (norm.ok) {
            gr = { group: norm.value.group, resource: norm.value.resource };
            this.labelToResource.set(label, gr);
          }
        }
      }
      if (gr === undefined) continue;
      resources.push(gr);
      if (sameResource(gr, NAMESPACES)) namespaced = true;
    }
    return { resources, namespaced };
  }
}
