/**
 * Go's URL escaping, so requests are byte-for-byte what client-go and prometheus-adapter send:
 * `url.QueryEscape` and `url.Values.Encode` (query strings, keys sorted), and the path escaping of
 * `url.URL.EscapedPath` (client-go sends the `*` segment of pods-by-selector URLs as `%2A`).
 */

const HEX = '0123456789ABCDEF';

function utf8Bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f ||
    c === 0x7e
  );
}

function percent(b: number): string {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

/** url.QueryEscape: everything but [A-Za-z0-9-_.~] is %XX-escaped, space becomes '+'. */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    if (isUnreserved(b)) out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += percent(b);
  }
  return out;
}

/** Path characters url.URL.EscapedPath keeps as they are (RFC 3986 §3.3 minus '?'). */
const PATH_KEEP = new Set([...'$&+,/:;=@'].map((c) => c.charCodeAt(0)));

/** url.PathEscape-like escaping of one path (Go's encodePath mode): `*` → `%2A`, `/` kept. */
export function goPathEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) out += isUnreserved(b) || PATH_KEEP.has(b) ? String.fromCharCode(b) : percent(b);
  return out;
}

/** Query parameters in the order given; a pair whose value is undefined is left out. */
export type QueryParams = ReadonlyArray<readonly [string, string | undefined]>;

/**
 * url.Values.Encode: `k=v` pairs joined by '&', keys sorted (byte order), values of one key in
 * insertion order. Pairs whose value is undefined are left out — callers omit empty parameters
 * before this, as client-go's parameter codec does.
 */
export function goEncodeQuery(params: QueryParams): string {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of params) {
    if (v === undefined) continue;
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [v]);
    else list.push(v);
  }
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  for (const k of keys) for (const v of byKey.get(k) ?? []) parts.push(`${goQueryEscape(k)}=${goQueryEscape(v)}`);
  return parts.join('&');
}

/** A path with its encoded query (`/p?a=1`), or the path alone when no parameter is set. */
export function withQuery(path: string, params: QueryParams = []): string {
  const qs = goEncodeQuery(params);
  return qs === '' ? path : `${path}?${qs}`;
}
