/**
 * The table (app/flags/table.ts) as commander options. Commander only collects text, from the
 * command line or from HPA_TS_<FLAG> (its `.env()`); `readFlags` then parses every value with the
 * table's kinds, so the command line, the environment and scenario files share one parser and one
 * error format.
 */
import { Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { type Result } from '../../algorithms/index.js';
import { describeKind, type FlagError } from './kinds.js';
import { FLAG_TABLE, type CommandName, type FlagSpec } from './table.js';
import { attributeName, envName, flagsOf, parseFlags, type FlagValues } from './values.js';

/** The help line of a flag: its description, then its range or choices, then what unset means. */
export function helpText(f: FlagSpec): string {
  const range = f.kind.type === 'string' || f.kind.type === 'bool' ? '' : ` (${describeKind(f.kind)})`;
  const unset = f.default === undefined && f.unset !== undefined ? ` (default: ${f.unset})` : '';
  return `${f.description}${range}${unset}`;
}

/** `-n, --namespace <namespace>`, `--dry-run [bool]`. */
export function optionFlags(f: FlagSpec): string {
  const value = f.kind.type === 'bool' ? ' [bool]' : ` <${f.value ?? 'value'}>`;
  return `${f.short === undefined ? '' : `-${f.short}, `}--${f.name}${value}`;
}

/** Adds every flag the table gives `command`. */
export function addFlags<C extends CommandUnknownOpts>(cmd: C, command: CommandName): C {
  for (const f of flagsOf(command)) {
    const opt = new Option(optionFlags(f), helpText(f)).env(envName(f.name));
    if (f.default !== undefined) opt.default(f.default, f.default);
    if (f.kind.type === 'bool') opt.preset('true');
    cmd.addOption(opt);
  }
  return cmd;
}

/** The values given on the command line or in the environment, as text (defaults left to the table). */
export function rawFlags(cmd: CommandUnknownOpts, command: CommandName): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const f of flagsOf(command)) {
    const key = attributeName(f.name);
    const source = cmd.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') raw[key] = String(cmd.getOptionValue(key));
  }
  return raw;
}

/** The command's flag values, parsed; an error names the flag, and the variable when it came from one. */
export function readFlags(cmd: CommandUnknownOpts, command: CommandName): Result<FlagValues, FlagError> {
  // defaults are applied (and parsed) by parseFlags, from the table
  return parseFlags(command, rawFlags(cmd, command), (key) =>
    cmd.getOptionValueSource(key) === 'env' ? 'env' : 'cli',
  );
}

const BOOL_FLAGS = new Set(
  (FLAG_TABLE as readonly FlagSpec[]).filter((f) => f.kind.type === 'bool').map((f) => `--${f.name}`),
);

/**
 * A bare boolean flag never takes the next argument (pflag's rule, as kube-controller-manager):
 * `--show-query pods x` is `--show-query=true pods x`, and a value is given as `--dry-run=false`.
 * Commander's optional values would otherwise swallow the next word.
 */
export function normalizeBoolFlags(argv: readonly string[]): string[] {
  const dashDash = argv.indexOf('--');
  return argv.map((a, i) => ((dashDash === -1 || i < dashDash) && BOOL_FLAGS.has(a) ? `${a}=true` : a));
}
