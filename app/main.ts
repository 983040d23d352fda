/**
 * The `hpa-ts` binary, and the only composition root (ARCHITECTURE.md): every command's flags come
 * from the flag table (flags/table.ts) and every controller is wired by buildController. Commands load what they need lazily: `--help` and `explain`-free paths never
 * pay for @kubernetes/client-node's import (~0.35 s).
 */
import { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerDemoCommand } from './demo-command.js';
import { registerExplainCommand } from './explain-command.js';
import { registerMetricsCommand } from './metrics-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSimulateCommand } from './simulate-command.js';
import { normalizeBoolFlags } from './flags/commander.js';

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      dir = dirname(dir);
    }
  }
  return 'unknown';
}

const program = new Command('hpa-ts')
  .description(
    'The Kubernetes HorizontalPodAutoscaler controller in TypeScript: same decisions as upstream, pluggable metrics, dry-run, explain and a simulator.',
  )
  .version(packageVersion())
  .showHelpAfterError();
registerRunCommand(program);
registerExplainCommand(program);
registerMetricsCommand(program);
registerSimulateCommand(program);
registerDemoCommand(program);
registerReplayCommand(program);

await program.parseAsync(normalizeBoolFlags(process.argv));
