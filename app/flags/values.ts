/**
 * Flag values by command: the table's entries as one command reads them, raw text → typed values,
 * and the HPA_TS_<FLAG> names. Keys of value records are commander's attribute names
 * (`horizontalPodAutoscalerSyncPeriod` for `--horizontal-pod-autoscaler-sync-period`), so a record
 * from commander, from a scenario file or from a test reads the same.
 */
import { type Result, err, ok } from '../../algorithms/index.js';
import { FLAG_TABLE, type CommandName, type FlagName, type FlagSpec } from './table.js';
import { FlagErrorCode, flagError, parseFlagValue, type FlagError, type FlagValue } from './kinds.js';

type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
type Spec = (typeof FLAG_TABLE)[number];
type KindOf<N extends FlagName> = Extract<Spec, { readonly name: N }>['kind'];
type ValueOfKind<K> = K extends { readonly type: 'bool' }
  ? boolean
  : K extends { readonly type: 'duration' | 'int' | 'number' }
    ? number
    : string;

/** Parsed values (durations in milliseconds); a flag that is unset and has no default is absent. */
export type FlagValues = { readonly [N in FlagName as CamelCase<N>]?: ValueOfKind<KindOf<N>> };
/** Values as text (or as YAML scalars), keyed like FlagValues. */
export type RawFlags = { readonly [N in FlagName as CamelCase<N>]?: string | boolean | number };

/** `--sync-period` → `syncPeriod`, as commander names option values. */
export function attributeName(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** HPA_TS_<FLAG_NAME_IN_UPPER_SNAKE>: every flag can come from the environment. */
export function envName(flag: string): string {
  return `HPA_TS_${flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

/** A table entry as `command` reads it (its own description, default or kind applied). */
export function flagFor(flag: FlagSpec, command: CommandName): FlagSpec {
  const own = flag.per?.[command];
  return own === undefined ? flag : { ...flag, ...own };
}

/** The flags of one command, in table order. */
export function flagsOf(command: CommandName): readonly FlagSpec[] {
  return (FLAG_TABLE as readonly FlagSpec[])
    .filter((f) => f.commands.includes(command))
    .map((f) => flagFor(f, command));
}

/** Where a raw value came from: the environment is named in errors. */
export type ValueSource = 'cli' | 'env' | 'default' | 'file';

/**
 * Raw values of `command`'s flags → typed values. Unset flags take the table's default; a key that
 * is not one of the command's flags is an error listing the known ones (`prefix` names where the
 * record came from, e.g. a scenario file's `controller.`).
 */
export function parseFlags(
  command: CommandName,
  raw: Readonly<Record<string, string | boolean | number | undefined>>,
  sourceOf: (attribute: string) => ValueSource = () => 'cli',
  only?: readonly FlagSpec[],
): Result<FlagValues, FlagError> {
  const flags = only ?? flagsOf(command);
  const byAttribute = new Map(flags.map((f) => [attributeName(f.name), f]));
  for (const key of Object.keys(raw)) {
    if (raw[key] !== undefined && !byAttribute.has(key))
      return err(
        flagError(
          FlagErrorCode.UnknownFlag,
          `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
          `unknown flag of ${command} (known: ${flags.map((f) => f.name).join(', ')})`,
        ),
      );
  }
  const out: Record<string, FlagValue> = {};
  for (const [key, f] of byAttribute) {
    const given = raw[key];
    const text = given ?? f.default;
    if (text === undefined) continue;
    const source = given === undefined ? 'default' : sourceOf(key);
    const v = parseFlagValue(f.kind, `--${f.name}`, text, source === 'env' ? envName(f.name) : undefined);
    if (!v.ok) return v;
    out[key] = v.value;
  }
  return ok(out as FlagValues);
}

/** The defaults of a command's flags, parsed (for embedded controllers and tests). */
export function defaultFlagValues(command: CommandName): FlagValues {
  const r = parseFlags(command, {});
  if (!r.ok) throw new Error(`flag table default: ${r.error.message}`);
  return r.value;
}
