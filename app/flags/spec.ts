/** The shape of a flag table entry (app/flags/table.ts) and the commands that take flags. */
import type { FlagKind } from './kinds.js';

export const COMMANDS = ['run', 'explain', 'metrics get', 'simulate', 'demo', 'replay'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** the value's placeholder in help (`<duration>`); booleans take `[bool]` */
  readonly value?: string;
  readonly kind: FlagKind;
  readonly description: string;
  /** text as a user would type it; absent: the flag is unset unless given */
  readonly default?: string;
  /** what an unset flag without a default means */
  readonly unset?: string;
  readonly commands: readonly CommandName[];
  /** also settable in a scenario file's `controller:` section */
  readonly scenario?: boolean;
  /** why the range is what it is (docs/cli.md) */
  readonly why?: string;
  /** a command that reads the flag differently: its own description, default or kind */
  readonly per?: Partial<
    Readonly<Record<CommandName, Partial<Pick<FlagSpec, 'description' | 'default' | 'kind' | 'unset'>>>>
  >;
}
