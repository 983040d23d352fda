import { type Result, err } from '../algorithms/index.js';
import type { recorded } from '../metrics-clients/index.js';
import type { FlagValues } from './flags/values.js';

export async function recordFromPrometheus(
  v: FlagValues,
  hpas: readonly Record<string, unknown>[],
): Promise<Result<recorded.Recording, { message: string; exitCode: 1 | 2 }>> {
  await Promise.resolve(hpas);
  return err({ message: `todo ${v.prometheusUrl ?? ''}`, exitCode: 1 });
}
