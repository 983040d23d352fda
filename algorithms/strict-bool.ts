/**
 * The project's one strict boolean: true/false/1/0, any case, nothing else (no "yes", no blanks).
 * Every boolean flag and variable (app/flags/kinds.ts) and every boolean annotation
 * (annotations.ts) reads its text through it, so one spelling means the same everywhere.
 */
const BOOL = /^(?:true|false|1|0)$/i;

/** The boolean `raw` spells, or null when it spells none. */
export function parseStrictBool(raw: string): boolean | null {
  if (!BOOL.test(raw)) return null;
  const v = raw.toLowerCase();
  return v === 'true' || v === '1';
}
