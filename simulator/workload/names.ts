/**
 * Names the way kube-controller-manager makes them: `<deployment>-<pod-template-hash>` for
 * ReplicaSets (controller.ComputeHash + rand.SafeEncodeString), `<replicaset>-<5 chars>` for their
 * pods (names.SimpleNameGenerator: the base cut to 58 characters), `<statefulset>-<ordinal>` for
 * StatefulSet pods.
 */

/** k8s.io/apimachinery/pkg/util/rand alphanums: no vowels (no words), no 0/1/3 (no look-alikes). */
export const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: every character mapped onto SAFE_ALPHANUMS by its code point. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHANUMS[(ch.codePointAt(0) ?? 0) % SAFE_ALPHANUMS.length];
  return out;
}

/** 32-bit FNV-1a over the UTF-8 bytes of `text` (hash/fnv New32a, as ComputeHash uses). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

/**
 * controller.ComputeHash: FNV-1a of the pod template (upstream hashes a spew dump; we hash its
 * sorted JSON, so the values differ from a real cluster's but have the same shape and stability)
 * plus the collision count, printed in decimal and safe-encoded — e.g. `6784dcf77c`.
 */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const text = stableJson(template) + (collisionCount > 0 ? String(collisionCount) : '');
  // Ten characters always (upstream prints the uint32 in decimal, so occasionally fewer).
  return safeEncodeString(String(fnv32a(text)).padStart(10, '0'));
}

/**
 * podTemplateHash remembered per object uid and generation: the template is part of the spec, so
 * it cannot change without the generation changing, and status writes (most writes) keep both.
 */
export class TemplateHashes {
  private readonly memo = new Map<string, { generation: number | undefined; collisions: number; hash: string }>();

  of(uid: string | undefined, generation: number | undefined, template: unknown, collisionCount = 0): string {
    const m = uid === undefined ? undefined : this.memo.get(uid);
    if (m !== undefined && m.generation === generation && m.collisions === collisionCount) return m.hash;
    const hash = podTemplateHash(template, collisionCount);
    if (uid !== undefined) this.memo.set(uid, { generation, collisions: collisionCount, hash });
    return hash;
  }

  forget(uid: string | undefined): void {
    if (uid !== undefined) this.memo.delete(uid);
  }
}

/** names.SimpleNameGenerator's suffix: `n` characters of SAFE_ALPHANUMS from `random`. */
export function randomSuffix(random: () => number, n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE_ALPHANUMS[Math.floor(random() * SAFE_ALPHANUMS.length)];
  return s;
}

/** names.SimpleNameGenerator's maxNameLength − randomLength: longer bases are cut to this. */
export const MAX_GENERATED_NAME_LENGTH = 63 - 5;

/**
 * A name as the API server makes it from `metadata.generateName` (SimpleNameGenerator): the base
 * cut to 58 characters, then 5 random ones; e.g. the pods of a ReplicaSet (`<rs>-` as the base).
 */
export function generatedName(base: string, random: () => number): string {
  return base.slice(0, MAX_GENERATED_NAME_LENGTH) + randomSuffix(random);
}
