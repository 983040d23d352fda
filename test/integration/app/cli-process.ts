/**
 * The real CLI as a child process (`node --import tsx app/main.ts`, what `bin/hpa-ts.js` runs from
 * a checkout), for tests that need its exit code, its output and its signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Date.now() when the process exited */
  readonly at: number;
}

export interface Cli {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<Exit>;
}

/** `hpa-ts ARGS`, with no kubeconfig from the environment unless `env` gives one. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', KUBECONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr, at: Date.now() })),
  );
  return { child, output: () => stdout + stderr, exited };
}
