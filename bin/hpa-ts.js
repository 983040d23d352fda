#!/usr/bin/env node
// Entry point of the `hpa-ts` binary: the compiled CLI (built by `npm install` via the prepare
// script, or `npm run build`); from a checkout without a build, the TypeScript through tsx.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'app', 'main.js');
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'app', 'main.ts')).href);
}
