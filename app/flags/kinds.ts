/**
 * What a flag's value may be, and the one parser per kind. Every flag of every command, from the
 * command line, from HPA_TS_<FLAG> or from a scenario file's `controller:` section, goes through
 * `parseFlagValue`; an error is a value naming the flag (and the variable), never a stack trace.
 */
import { parseGoDurationMs, parseStrictBool, type Result, err, ok } from '../../algorithms/index.js';

export type FlagKind =
  | { readonly type: 'string' }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly choices: readonly string[] }
  /** a Go duration (time.ParseDuration) within [min, max], both written as Go durations */
  | {
      readonly type: 'duration';
      readonly min: string;
      readonly max: string;
      /** 0 is also accepted (it turns the feature off), below `min` */
      readonly orZero?: boolean;
    }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'number'; readonly min: number; readonly max: number };

export const text = () => ({ type: 'string' }) as const;
export const bool = () => ({ type: 'bool' }) as const;
export const oneOf = (...choices: readonly string[]) => ({ type: 'enum', choices }) as const;
export const duration = (min: string, max: string) => ({ type: 'duration', min, max }) as const;
/** A duration within [min, max], or 0 for off. */
export const durationOrOff = (min: string, max: string) => ({ type: 'duration', min, max, orZero: true }) as const;
export const int = (min: number, max: number) => ({ type: 'int', min, max }) as const;
export const num = (min: number, max: number) => ({ type: 'number', min, max }) as const;

/** The parsed value of a kind: durations in milliseconds. */
export type FlagValue = string | boolean | number;

export const FlagErrorCode = {
  InvalidBool: 'InvalidBool',
  InvalidDuration: 'InvalidDuration',
  InvalidInt: 'InvalidInt',
  InvalidNumber: 'InvalidNumber',
  OutOfRange: 'OutOfRange',
  NotAChoice: 'NotAChoice',
  UnknownFlag: 'UnknownFlag',
  InvalidCombination: 'InvalidCombination',
  InvalidValue: 'InvalidValue',
  InvalidArgument: 'InvalidArgument',
} as const;
export type FlagErrorCode = (typeof FlagErrorCode)[keyof typeof FlagErrorCode];

/** A rejected flag, variable or argument: `message` is the whole one-line explanation. */
export interface FlagError {
  readonly code: FlagErrorCode;
  /** `--dry-run`, or the argument's name */
  readonly flag: string;
  readonly value?: string;
  /** HPA_TS_DRY_RUN when the value came from the environment */
  readonly env?: string;
  readonly message: string;
}

/** What was wrong with a value, before it is attached to a flag. */
interface Problem {
  readonly code: FlagErrorCode;
  readonly detail: string;
}

const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** The strict boolean of every boolean flag and variable: true/false/1/0, any case. */
export function parseBool(raw: string): Result<boolean, Problem> {
  const b = parseStrictBool(raw);
  if (b === null)
    return err({
      code: FlagErrorCode.InvalidBool,
      detail: `${JSON.stringify(raw)} is not a boolean (expected true, false, 1 or 0)`,
    });
  return ok(b);
}

function inRange(raw: string, n: number, min: number, max: number): Result<number, Problem> {
  if (n < min || n > max)
    return err({ code: FlagErrorCode.OutOfRange, detail: `${raw} is out of range: must be between ${min} and ${max}` });
  return ok(n);
}

function parseKind(kind: FlagKind, raw: string): Result<FlagValue, Problem> {
  switch (kind.type) {
    case 'string':
      return ok(raw);
    case 'bool':
      return parseBool(raw);
    case 'enum':
      return kind.choices.includes(raw)
        ? ok(raw)
        : err({
            code: FlagErrorCode.NotAChoice,
            detail: `${JSON.stringify(raw)} is not one of ${kind.choices.join(', ')}`,
          });
    case 'duration': {
      const zero = kind.orZero === true ? parseGoDurationMs(raw) : null;
      if (zero !== null && zero.ok && zero.value === 0) return zero;
      const r = parseGoDurationMs(raw, kind);
      if (r.ok) return r;
      return err({
        code: r.error.code === 'DurationOutOfRange' ? FlagErrorCode.OutOfRange : FlagErrorCode.InvalidDuration,
        detail:
          r.error.code === 'DurationOutOfRange'
            ? `${r.error.message}${kind.orZero === true ? ' (or 0: off)' : ''}`
            : `${r.error.message} (expected a Go duration such as 15s, 5m or 1m30s, between ${kind.min} and ${kind.max}${kind.orZero === true ? ', or 0: off' : ''})`,
      });
    }
    case 'int':
      if (!INTEGER.test(raw.trim()))
        return err({
          code: FlagErrorCode.InvalidInt,
          detail: `${JSON.stringify(raw)} is not an integer (expected ${kind.min} … ${kind.max})`,
        });
      return inRange(raw, Number(raw), kind.min, kind.max);
    case 'number':
      if (!DECIMAL.test(raw.trim()))
        return err({
          code: FlagErrorCode.InvalidNumber,
          detail: `${JSON.stringify(raw)} is not a number (expected ${kind.min} … ${kind.max})`,
        });
      return inRange(raw, Number(raw), kind.min, kind.max);
    default:
      return kind satisfies never;
  }
}

/** `--flag: detail`, or `HPA_TS_FLAG (--flag): detail` when the value came from the environment. */
export function flagError(code: FlagErrorCode, flag: string, detail: string, value?: string, env?: string): FlagError {
  const where = env === undefined ? flag : `${env} (${flag})`;
  return {
    code,
    flag,
    ...(value === undefined ? {} : { value }),
    ...(env === undefined ? {} : { env }),
    message: `${where}: ${detail}`,
  };
}

/** One value of one flag, from text (booleans and numbers from YAML are read as their text). */
export function parseFlagValue(
  kind: FlagKind,
  flag: string,
  raw: FlagValue,
  env?: string,
): Result<FlagValue, FlagError> {
  const r = parseKind(kind, String(raw));
  return r.ok ? r : err(flagError(r.error.code, flag, r.error.detail, String(raw), env));
}

/** The range or choices of a kind, as the help and docs/cli.md print them. */
export function describeKind(kind: FlagKind): string {
  switch (kind.type) {
    case 'string':
      return '';
    case 'bool':
      return 'true|false';
    case 'enum':
      return kind.choices.join('|');
    case 'duration':
      return `${kind.orZero === true ? '0 or ' : ''}${kind.min} … ${kind.max}`;
    case 'int':
    case 'number':
      return `${kind.min} … ${kind.max}`;
    default:
      return kind satisfies never;
  }
}
