import type { Command } from '@commander-js/extra-typings';
import { addFlags, readFlags } from './flags/commander.js';
import { exitWithError } from './exit.js';
import { controllerFlags } from './settings.js';

/** `hpa-ts run`: the controller. Flag names and defaults follow kube-controller-manager (app/flags/table.ts). */
export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('run the HPA controller against a cluster (kubeconfig, KUBECONFIG or in-cluster service account)');
  addFlags(cmd, 'run');
  cmd.action(async () => {
    const flags = controllerFlags(readFlags(cmd, 'run'));
    if (!flags.ok) exitWithError(flags.error);
    const { runController } = await import('./start.js');
    process.exit(await runController(flags.value.settings, flags.value.metrics));
  });
}
