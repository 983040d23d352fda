/**
 * One story of the extensions suite (extensions.e2e.test.ts): an hpa-ts extension (docs/annotations.md)
 * shown on the real kube-apiserver through `kubectl apply` of an annotated HPA. Every story gets
 * its own namespace and runs concurrently with the others once the bed is up; a failing story
 * fails only its own test.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../bed/hpa-ts.js';
import type { SoloBed } from '../../bed/solo.js';

export interface ExtensionStory {
  readonly title: string;
  /** how long the story may take once the bed is up */
  readonly timeoutMs: number;
  run(bed: SoloBed): Promise<void>;
}

/** `kubectl apply -f` of a manifest from manifests/examples in `namespace` (created first). */
export async function applyExample(bed: SoloBed, namespace: string, path: string): Promise<string> {
  await bed.stack.createNamespace(namespace);
  return bed.stack.kubectl(['apply', '-n', namespace, '-f', join(REPO_ROOT, 'manifests', 'examples', path)]);
}
