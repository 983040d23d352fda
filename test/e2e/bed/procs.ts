/**
 * Child processes of the e2e bed: each runs in its own process group (so a kill reaches whatever
 * it forks), under `setpriv --pdeathsig KILL` (the kernel kills it when this process dies, even by
 * SIGKILL or jest's own SIGINT handling), logs to a file, and is written down in a registry
 * directory until it has stopped. Belt and braces for a crashed or interrupted run: the exit hooks
 * here kill every group this process started, and the jest global setup/teardown
 * (../global-setup.js, ../global-teardown.js) kill the groups of owners that died.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One file per live child: `<ownerPid>-<childPid>.json`. Shared with global-setup.js/global-teardown.js. */
export const REGISTRY_DIR = process.env.HPA_TS_E2E_REGISTRY ?? join(tmpdir(), 'hpa-ts-e2e-procs');

export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** resolves with the exit code (or signal name) once the process has exited */
  readonly exited: Promise<number | string>;
  exitedYet(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when it has exited */
  stop(graceMs?: number): Promise<void>;
}

const live = new Map<number, { name: string; file: string }>();
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
let hooksInstalled = false;

function killGroupSync(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Kills every group this process started (synchronous: usable from 'exit' handlers). */
export function killAllSync(): void {
  for (const [pid, entry] of live) {
    killGroupSync(pid, 'SIGKILL');
    rmSync(entry.file, { force: true });
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllSync();
      process.kill(process.pid, sig);
    });
  }
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export function spawnProc(
  name: string,
  command: string,
  args: readonly string[],
  logFile: string,
  opts: SpawnOptions = {},
): Proc {
  installHooks();
  mkdirSync(REGISTRY_DIR, { recursive: true });
  const fd = openSync(logFile, 'a');
  // setpriv --pdeathsig: the kernel kills the child when this process dies, however it dies
  // (jest's SIGINT handling, SIGKILL, a crash) — exit hooks alone cannot promise that
  const [cmd, argv] =
    SETPRIV !== undefined ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
  const child = spawn(cmd, argv, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: opts.env ?? process.env,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${name}: ${command}`);
  const file = join(REGISTRY_DIR, `${process.pid}-${pid}.json`);
  writeFileSync(file, JSON.stringify({ owner: process.pid, pid, name, command, args }));
  live.set(pid, { name, file });
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(pid);
      rmSync(file, { force: true });
      resolve(code ?? signal ?? 'unknown');
    });
  });
  child.unref();
  return {
    name,
    pid,
    logFile,
    child,
    exited,
    exitedYet: () => done,
    stop: async (graceMs = 5000) => {
      if (done) return;
      killGroupSync(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroupSync(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // children of the group that outlived the leader
      killGroupSync(pid, 'SIGKILL');
    },
  };
}

/**
 * A temp dir of this process: removed by the next run's global setup if this process dies
 * without removing it. Returns the function that forgets it (after removing it yourself).
 */
export function registerDir(dir: string): () => void {
  mkdirSync(REGISTRY_DIR, { recursive: true });
  const file = join(REGISTRY_DIR, `${process.pid}-dir-${dir.replace(/[^A-Za-z0-9]/g, '_')}.json`);
  writeFileSync(file, JSON.stringify({ owner: process.pid, dir }));
  return () => rmSync(file, { force: true });
}

/** Polls `check` until it returns true; fails early when `proc` exits. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  opts: { timeoutMs: number; intervalMs?: number; proc?: Proc },
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (opts.proc?.exitedYet())
      throw new Error(`${what}: ${opts.proc.name} exited (log: ${opts.proc.logFile})\n${tail(opts.proc.logFile, 30)}`);
    let ok: boolean;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    if (ok) return Date.now() - t0;
    if (Date.now() - t0 > opts.timeoutMs) {
      throw new Error(
        `${what}: not after ${opts.timeoutMs} ms${opts.proc !== undefined ? `\n${tail(opts.proc.logFile, 30)}` : ''}`,
      );
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
