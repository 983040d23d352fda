/**
 * encoding/json's refusal of a value of the wrong JSON type for a Go field, as the API server
 * reports it when it decodes an object into Go types: `json: cannot unmarshal <what> into Go
 * struct field <Struct.path> of type <type>`. One builder for the controller (objects from a
 * server without a schema) and the simulator's API server (which refuses them as kube-apiserver does).
 */

/**
 * encoding/json's name for what it found: `string`, `bool`, `array`, `object`, `null` (not an
 * error for Go, but named so a caller can say it), and for a number `number 2.5` where Go quotes
 * the literal (into an integer field) or just `number` (into a string, map or struct).
 */
export function goJsonKind(v: unknown, numberLiteral: boolean): string {
  if (typeof v === 'number') return numberLiteral ? `number ${String(v)}` : 'number';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : 'object';
}

/** The whole message: `field` is `Struct.path.to.field`, `type` the Go type (`int32`, `map[string]string`). */
export function cannotUnmarshal(v: unknown, field: string, type: string, numberLiteral = false): string {
  return `json: cannot unmarshal ${goJsonKind(v, numberLiteral)} into Go struct field ${field} of type ${type}`;
}
