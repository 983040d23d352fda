/**
 * The bits of Go's text formatting that end up on the wire, so requests are byte-for-byte what
 * client-go and prometheus-adapter send: `strconv.Quote` (label matchers are built with `%q`),
 * `url.QueryEscape` and `url.Values.Encode` (query strings, keys sorted), and the path escaping
 * of `url.URL.EscapedPath` (client-go sends the `*` segment of pods-by-selector URLs as `%2A`).
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

/** url.QueryEscape: everything but [A-Za-z0-9-_.~] is %XX-escaped, space becomes '+'. */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    if (isUnreserved(b)) out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Path characters url.URL.EscapedPath keeps as they are (RFC 3986 §3.3 minus '?'). */
const PATH_KEEP = new Set([...'$&+,/:;=@'].map((c) => c.charCodeAt(0)));

/** url.PathEscape-like escaping of one path (Go's encodePath mode): `*` → `%2A`, `/` kept. */
export function goPathEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    if (isUnreserved(b) || PATH_KEEP.has(b)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/**
 * url.Values.Encode: `k=v` pairs joined by '&', keys sorted (byte order), values of one key in
 * insertion order. Pairs whose value is undefined are left out — callers omit empty parameters
 * before this, as client-go's parameter codec does.
 */
export function goEncodeQuery(params: ReadonlyArray<readonly [string, string | undefined]>): string {
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

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** strconv.Quote: Go-syntax double-quoted string (what `%q` prints). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (r === 0x20 || (r > 0x20 && r !== 0x7f && PRINTABLE.test(ch))) out += ch;
    else if (r === 0x07) out += '\\a';
    else if (r === 0x08) out += '\\b';
    else if (r === 0x0c) out += '\\f';
    else if (r === 0x0a) out += '\\n';
    else if (r === 0x0d) out += '\\r';
    else if (r === 0x09) out += '\\t';
    else if (r === 0x0b) out += '\\v';
    else if (r < 0x80) out += `\\x${HEX[r >> 4].toLowerCase()}${HEX[r & 15].toLowerCase()}`;
    else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
    else out += `\\U${r.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** strconv.FormatFloat(f, 'f', -1, 64) for the finite values Prometheus timestamps take. */
export function formatPromTime(ms: number): string {
  // model.Time is integer milliseconds; its String() prints seconds with up to 3 decimals.
  const t = Math.round(ms);
  const whole = Math.trunc(t / 1000);
  const frac = Math.abs(t - whole * 1000);
  if (frac === 0) return String(whole);
  const sign = t < 0 && whole === 0 ? '-' : '';
  return `${sign}${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}
