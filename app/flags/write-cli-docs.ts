/** `npm run docs:cli`: writes docs/cli.md from the flag table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCliDocs } from './docs.js';

const CLI_DOCS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'cli.md');

mkdirSync(dirname(CLI_DOCS_PATH), { recursive: true });
writeFileSync(CLI_DOCS_PATH, renderCliDocs());
process.stdout.write(`wrote ${CLI_DOCS_PATH}\n`);
