/**
 * `npm run conformance -- [DIR]`: runs every case of the conformance corpus (default: the copy
 * vendored in test/conformance/cases, see docs/VENDORED.md), prints a diff per failure and
 * `N passed, M failed`.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failed, formatFailure, runCorpus } from './runner.js';

const vendoredCorpus = resolve(dirname(fileURLToPath(import.meta.url)), 'cases');
const args = process.argv.slice(2).filter((a) => a !== '--');
const verbose = args.includes('--verbose');
const dirArg = args.find((a) => !a.startsWith('--'));
const dir = dirArg !== undefined ? resolve(process.cwd(), dirArg) : vendoredCorpus;

if (!existsSync(dir)) {
  console.error(`conformance: no corpus at ${dir}`);
  process.exit(2);
}
const results = runCorpus(dir);
const failures = results.filter(failed);
for (const f of failures) console.log(formatFailure(f) + '\n');
if (verbose) for (const r of results) if (!failed(r)) console.log(`ok   ${r.id}`);
console.log(`${results.length - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length > 0 ? 1 : 0);
