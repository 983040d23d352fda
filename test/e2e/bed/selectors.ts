/**
 * Label selectors as they arrive in query strings (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) — the
 * bed's own small parser, independent of the code under test, so a parsing bug in hpa-ts cannot
 * hide itself by being shared with the bed.
 */
export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

export const matchAll: LabelMatcher = () => true;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function parseLabelSelector(text: string | null | undefined): LabelMatcher {
  if (text === null || text === undefined || text.trim() === '') return matchAll;
  const reqs: LabelMatcher[] = splitTopLevel(text).map((part) => {
    let m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(part);
    if (m) {
      const [, key, op, list] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      return op === 'in'
        ? (l) => l !== undefined && key in l && values.has(l[key])
        : (l) => l === undefined || !(key in l) || !values.has(l[key]);
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (m) {
      const [, key, op, value] = m;
      return op === '!='
        ? (l) => l === undefined || l[key] !== value.trim()
        : (l) => l !== undefined && l[key] === value.trim();
    }
    if (part.startsWith('!')) {
      const key = part.slice(1).trim();
      return (l) => l === undefined || !(key in l);
    }
    return (l) => l !== undefined && part in l;
  });
  return (labels) => reqs.every((r) => r(labels));
}
