/**
 * Content negotiation: which representation the client accepts (plain JSON, a meta.k8s.io Table,
 * PartialObjectMetadata, aggregated discovery) and how to read the request body.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, StoreError, unsupportedMediaType } from '../errors.js';
import { PatchType } from '../types.js';

export type Representation = 'json' | 'table' | 'partial' | 'discovery-v2' | 'discovery-v2beta1';

interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

function parseAccept(accept: string | undefined): MediaRange[] {
  if (accept === undefined || accept.trim() === '') return [{ type: '*/*', params: new Map() }];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    return {
      type: type.toLowerCase(),
      params: new Map(params.map((p) => p.split('=').map((s) => s.trim()) as [string, string])),
    };
  });
}

/** The first acceptable representation in the client's order, or undefined (406). */
export function negotiate(accept: string | undefined, allowed: readonly Representation[]): Representation | undefined {
  for (const m of parseAccept(accept)) {
    const jsonish = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (!jsonish) continue;
    const as = m.params.get('as');
    if (as === undefined) {
      if (allowed.includes('json')) return 'json';
      continue;
    }
    const g = m.params.get('g');
    const v = m.params.get('v');
    if (as === 'Table' && g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1') && allowed.includes('table'))
      return 'table';
    if (
      (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') &&
      g === 'meta.k8s.io' &&
      allowed.includes('partial')
    )
      return 'partial';
    if (as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io') {
      if (v === 'v2' && allowed.includes('discovery-v2')) return 'discovery-v2';
      if (v === 'v2beta1' && allowed.includes('discovery-v2beta1')) return 'discovery-v2beta1';
    }
  }
  return undefined;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** Decodes a POST/PUT body: JSON (also without a Content-Type, like `kubectl scale` PUTs), or YAML. */
export function decodeObjectBody(contentType: string | undefined, text: string): unknown {
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') {
    throw unsupportedMediaType(type, ['application/json', 'application/yaml']);
  }
  if (type === 'application/yaml' || type === 'application/x-yaml') return parseYamlBody(text);
  if (type !== '' && type !== 'application/json' && type !== '*/*' && type !== 'text/plain') {
    throw unsupportedMediaType(type, ['application/json', 'application/yaml']);
  }
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  return parseJson(text);
}

function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text, { version: '1.1' }) as unknown;
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
}

const PATCH_TYPES: readonly string[] = Object.values(PatchType);

export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = mediaType(contentType);
  if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(type, PATCH_TYPES);
  return type as PatchType;
}

export function decodePatchBody(type: PatchType, text: string): unknown {
  if (type === PatchType.ApplyPatch) return parseYamlBody(text);
  return parseJson(text);
}

export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}
