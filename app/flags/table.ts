/**
 * Every flag of every `hpa-ts` command, declared once. The commander options (app/flags/commander.ts),
 * the HPA_TS_<FLAG> variables, the defaults of embedded controllers and scenario files
 * (app/settings.ts) and docs/cli.md (`npm run docs:cli`) all come from this table.
 * Flag names and defaults follow kube-controller-manager where it has the flag.
 */
import { CONTROLLER_FLAGS } from './controller-flags.js';
import { SERVING_FLAGS } from './serving-flags.js';
import { TOOL_FLAGS } from './tool-flags.js';

export { COMMANDS, type CommandName, type FlagSpec } from './spec.js';

/** Every flag, in the order help and docs/cli.md list them. */
export const FLAG_TABLE = [...CONTROLLER_FLAGS, ...SERVING_FLAGS, ...TOOL_FLAGS] as const;

export type FlagName = (typeof FLAG_TABLE)[number]['name'];
