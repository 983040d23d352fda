/**
 * Field errors as the API server reports them (apimachinery `field.Error`): a JSON field path, a
 * type, the offending value and the body of the message, e.g. field `spec.maxReplicas`, message
 * `Invalid value: 2: must be greater than or equal to \`minReplicas\``.
 */
import { goQuote } from './go-quote.js';

export type FieldErrorType =
  'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueForbidden';

export interface FieldError {
  readonly field: string;
  readonly type: FieldErrorType;
  readonly value?: unknown;
  /** field.Error.ErrorBody(): "Invalid value: …: detail", "Required value: detail", … */
  readonly message: string;
}

/**
 * How Go prints a bad value: numbers plainly, strings (and string-typed enums) quoted with %q,
 * null as "null". Quantities are printed by the caller (canonical, unquoted, via their String()).
 */
export function formatGoValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Collects errors in the order upstream appends them. */
export class FieldErrors {
  private readonly list: FieldError[] = [];

  invalid(field: string, value: unknown, detail: string, shown: string = formatGoValue(value)): void {
    this.list.push({ field, type: 'FieldValueInvalid', value, message: `Invalid value: ${shown}: ${detail}` });
  }

  required(field: string, detail: string): void {
    this.list.push({
      field,
      type: 'FieldValueRequired',
      message: detail === '' ? 'Required value' : `Required value: ${detail}`,
    });
  }

  notSupported(field: string, value: unknown, supported: readonly string[]): void {
    this.list.push({
      field,
      type: 'FieldValueNotSupported',
      value,
      message: `Unsupported value: ${formatGoValue(value)}: supported values: ${supported.map(goQuote).join(', ')}`,
    });
  }

  forbidden(field: string, detail: string): void {
    this.list.push({ field, type: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
  }

  /**
   * The errors, without exact repeats: upstream can report the same error twice (an unknown
   * metric type is "not supported" by two checks); its aggregated message drops the repeat too.
   */
  result(): readonly FieldError[] {
    const seen = new Set<string>();
    return this.list.filter((e) => {
      const key = `${e.field}\u0000${e.type}\u0000${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
