/**
 * docs/cli.md is the flag reference, generated from the flag table (app/flags/table.ts): it must be
 * exactly what `npm run docs:cli` writes, and every command's flags must be in it.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from '@commander-js/extra-typings';
import { renderCliDocs } from '../../app/flags/docs.js';
import { registerDemoCommand } from '../../app/demo-command.js';
import { registerExplainCommand } from '../../app/explain-command.js';
import { registerMetricsCommand } from '../../app/metrics-command.js';
import { registerRunCommand } from '../../app/run-command.js';
import { registerSimulateCommand } from '../../app/simulate-command.js';

const DOCS = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));

describe('docs/cli.md', () => {
  it('is what `npm run docs:cli` generates from the flag table (run it after changing a flag)', () => {
    expect(readFileSync(DOCS, 'utf8')).toBe(renderCliDocs());
  });

  it('has a section for every command and documents every option of it, with its variable', () => {
    const program = new Command('hpa-ts');
    registerRunCommand(program);
    registerExplainCommand(program);
    registerMetricsCommand(program);
    registerSimulateCommand(program);
    registerDemoCommand(program);
    const docs = readFileSync(DOCS, 'utf8');
    const commands = [...program.commands, ...program.commands.flatMap((c) => c.commands)];
    for (const c of commands.filter((c) => c.options.length > 0)) {
      const path = c.parent?.name() === 'hpa-ts' ? c.name() : `${c.parent?.name() ?? ''} ${c.name()}`;
      expect([path, docs.includes(`## \`hpa-ts ${path}\``)]).toEqual([path, true]);
    }
    const options = commands.flatMap((c) => c.options);
    expect(options.length).toBeGreaterThan(80);
    for (const o of options) {
      expect([o.long, docs.includes(`\`${o.long}`)]).toEqual([o.long, true]);
      expect([o.envVar, docs.includes(`\`${o.envVar}\``)]).toEqual([o.envVar, true]);
    }
  });
});
