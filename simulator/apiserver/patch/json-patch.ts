/**
 * JSON patch (RFC 6902), `application/json-patch+json` — what client-node sends by default.
 * Failures carry the evanphx/json-patch wording the real server returns (as 422 Status bodies).
 */
import { err, ok, type Result } from '../../../algorithms/result.js';
import { cloneJson, isObject, jsonEqual } from '../json.js';

function parsePointer(path: string): Result<string[], string> {
  if (path === '') return ok([]);
  if (!path.startsWith('/')) return err(`invalid JSON pointer: "${path}"`);
  return ok(
    path
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
  );
}

type Container = Record<string, unknown> | unknown[];

/** The parent container of the pointer's last token, or an error naming the missing path. */
function parentOf(doc: unknown, tokens: readonly string[], path: string): Result<Container, string> {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!/^\d+$/.test(t) || i >= cur.length) return err(`doc is missing path: "${path}": missing value`);
      cur = cur[i];
    } else if (isObject(cur)) {
      if (!(t in cur)) return err(`doc is missing path: "${path}": missing value`);
      cur = cur[t];
    } else {
      return err(`doc is missing path: "${path}": missing value`);
    }
  }
  if (!Array.isArray(cur) && !isObject(cur)) return err(`doc is missing path: "${path}": missing value`);
  return ok(cur);
}

function getAt(doc: unknown, tokens: readonly string[]): { found: boolean; value?: unknown } {
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(t) || Number(t) >= cur.length) return { found: false };
      cur = cur[Number(t)];
    } else if (isObject(cur)) {
      if (!(t in cur)) return { found: false };
      cur = cur[t];
    } else return { found: false };
  }
  return { found: true, value: cur };
}

function add(doc: unknown, path: string, value: unknown, op: string): Result<unknown, string> {
  const p = parsePointer(path);
  if (!p.ok) return p;
  if (p.value.length === 0) return ok(value);
  const parent = parentOf(doc, p.value, path);
  if (!parent.ok) return err(`${op} operation does not apply: ${parent.error}`);
  const key = p.value[p.value.length - 1];
  if (Array.isArray(parent.value)) {
    const i = key === '-' ? parent.value.length : Number(key);
    if (key !== '-' && (!/^\d+$/.test(key) || i > parent.value.length))
      return err(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    parent.value.splice(i, 0, value);
  } else {
    parent.value[key] = value;
  }
  return ok(doc);
}

function remove(doc: unknown, path: string, op: string): Result<{ doc: unknown; removed: unknown }, string> {
  const p = parsePointer(path);
  if (!p.ok) return p;
  if (p.value.length === 0) return err(`${op} operation does not apply: cannot remove the root`);
  const parent = parentOf(doc, p.value, path);
  if (!parent.ok) return err(`${op} operation does not apply: ${parent.error}`);
  const key = p.value[p.value.length - 1];
  if (Array.isArray(parent.value)) {
    const i = Number(key);
    if (!/^\d+$/.test(key) || i >= parent.value.length)
      return err(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    const [removed] = parent.value.splice(i, 1);
    return ok({ doc, removed });
  }
  if (!(key in parent.value))
    return err(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const removed = parent.value[key];
  delete parent.value[key];
  return ok({ doc, removed });
}

/** Applies the operations in order to a private copy of `target`. */
export function applyJsonPatch(target: unknown, patch: unknown): Result<unknown, string> {
  if (!Array.isArray(patch)) return err('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = cloneJson(target);
  for (const raw of patch) {
    if (!isObject(raw)) return err('invalid JSON patch operation');
    const op = String(raw.op);
    const path = typeof raw.path === 'string' ? raw.path : '';
    switch (op) {
      case 'add': {
        const r = add(doc, path, cloneJson(raw.value), 'add');
        if (!r.ok) return r;
        doc = r.value;
        break;
      }
      case 'remove': {
        const r = remove(doc, path, 'remove');
        if (!r.ok) return r;
        doc = r.value.doc;
        break;
      }
      case 'replace': {
        const p = parsePointer(path);
        if (!p.ok) return p;
        if (p.value.length === 0) {
          doc = cloneJson(raw.value);
          break;
        }
        if (!getAt(doc, p.value).found)
          return err(`replace operation does not apply: doc is missing key: ${path}: missing value`);
        const r = remove(doc, path, 'replace');
        if (!r.ok) return r;
        const a = add(r.value.doc, path, cloneJson(raw.value), 'replace');
        if (!a.ok) return a;
        doc = a.value;
        break;
      }
      case 'move':
      case 'copy': {
        const from = typeof raw.from === 'string' ? raw.from : '';
        const fp = parsePointer(from);
        if (!fp.ok) return fp;
        const got = getAt(doc, fp.value);
        if (!got.found)
          return err(`${op} operation does not apply: doc is missing from path: "${from}": missing value`);
        let value = cloneJson(got.value);
        if (op === 'move') {
          const r = remove(doc, from, 'move');
          if (!r.ok) return r;
          doc = r.value.doc;
          value = r.value.removed;
        }
        const a = add(doc, path, value, op);
        if (!a.ok) return a;
        doc = a.value;
        break;
      }
      case 'test': {
        const p = parsePointer(path);
        if (!p.ok) return p;
        const got = getAt(doc, p.value);
        if (!got.found || !jsonEqual(got.value, raw.value)) return err(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        return err(`Unexpected kind: ${op}`);
    }
  }
  return ok(doc);
}
