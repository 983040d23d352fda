/** Quantities as the metrics servers print them: metrics-server's cpu in `n`, memory in `Ki`. */
import { Quantity } from '../../algorithms/index.js';

/** cores → nanocores (metrics-server: resource.NewScaledQuantity(nanos, -9)). */
export function cpuQuantity(cores: number): Quantity {
  return Quantity.fromScaled(BigInt(Math.max(0, Math.round(cores * 1e9))), -9);
}

/** bytes → a whole number of KiB (metrics-server rounds the working set to Ki). */
export function memoryQuantity(bytes: number): Quantity {
  const kib = Math.max(0, Math.round(bytes / 1024));
  return Quantity.fromValue(BigInt(kib) * 1024n, 'BinarySI');
}
