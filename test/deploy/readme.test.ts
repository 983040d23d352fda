/**
 * The README is the user's manual: its two command lines, and every flag of every command, as
 * `hpa-ts <command> --help` lists them (what a user reads first), must be documented in it.
 */
import { describe, expect, it } from '@jest/globals';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerDemoCommand } from '../../app/demo-command.js';
import { registerExplainCommand } from '../../app/explain-command.js';
import { registerMetricsCommand } from '../../app/metrics-command.js';
import { registerRunCommand } from '../../app/run-command.js';
import { registerSimulateCommand } from '../../app/simulate-command.js';
import { ROOT } from './support/manifests.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function program(): Command {
  const p = new Command('hpa-ts');
  registerRunCommand(p);
  registerExplainCommand(p);
  registerMetricsCommand(p);
  registerSimulateCommand(p);
  registerDemoCommand(p);
  return p;
}

function commands(c: CommandUnknownOpts, path: string[] = []): { path: string; cmd: CommandUnknownOpts }[] {
  return c.commands.flatMap((sub) => [
    { path: [...path, sub.name()].join(' '), cmd: sub },
    ...commands(sub, [...path, sub.name()]),
  ]);
}

describe('README.md', () => {
  it('states the two command lines that work on a fresh clone', () => {
    expect(README).toContain('npm install && npm start');
    expect(README).toContain('npm install && npm test');
  });

  const all = commands(program());
  it('has a section or example for every command', () => {
    for (const { path } of all)
      expect({ command: path, documented: README.includes(`hpa-ts ${path}`) }).toEqual({
        command: path,
        documented: true,
      });
  });

  it.each(all.map((c) => [c.path, c.cmd] as const))('documents every flag of `hpa-ts %s`', (_path, cmd) => {
    const flags = cmd.options.map((o) => o.long).filter((f): f is string => f !== undefined && f !== '--help');
    // a flag is documented by name, or in a family row such as `--leader-elect-renew-deadline` as `-renew-deadline`
    const missing = flags.filter(
      (f) => !README.includes(f) && !README.includes(`\`-${f.split('-').slice(-2).join('-')}\``),
    );
    expect(missing).toEqual([]);
  });
});
