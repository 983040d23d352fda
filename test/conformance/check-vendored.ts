/**
 * `npm run conformance:check-vendored -- DIR`: exits 1, listing them, when the corpus in DIR has
 * cases that the vendored copy (test/conformance/cases) lacks or holds in another version.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusDrift } from './corpus-drift.js';

const vendored = resolve(dirname(fileURLToPath(import.meta.url)), 'cases');
const dirArg = process.argv.slice(2).find((a) => a !== '--');
if (dirArg === undefined || !existsSync(dirArg)) {
  console.error(`check-vendored: no corpus at ${dirArg ?? '(no directory given)'}`);
  process.exit(2);
}
const drift = corpusDrift(vendored, resolve(process.cwd(), dirArg));
for (const id of drift.missing) console.log(`missing from the vendored corpus: ${id}`);
for (const id of drift.changed) console.log(`changed since it was vendored:   ${id}`);
if (drift.missing.length + drift.changed.length > 0) {
  console.log(`refresh test/conformance/cases from ${dirArg} (docs/VENDORED.md)`);
  process.exit(1);
}
console.log(`the vendored corpus has every case of ${dirArg}`);
