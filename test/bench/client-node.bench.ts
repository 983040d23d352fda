/**
 * What hpa-ts asks of @kubernetes/client-node — load a kubeconfig and turn it into TLS options and
 * auth headers (transport/connection.ts; requests go over hpa-ts's own HTTP client) — measured on
 * whatever node runs this, for the installed client-node or another copy:
 *
 *   node --import tsx test/bench/client-node.bench.ts                      # the project's 1.x
 *   HPA_TS_CLIENT_NODE=/tmp/cn2/node_modules/@kubernetes/client-node \
 *     node --import tsx test/bench/client-node.bench.ts                    # another version
 *
 * (.ci/node24.sh prints a Node 24 to run it with.) Prints BENCH lines: the cold import (time and
 * RSS, medians of fresh processes), loadFromFile, applyToHTTPSOptions with a token, and with an
 * exec credential plugin (first call, which runs the plugin, and cached calls).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const MODULE = process.env.HPA_TS_CLIENT_NODE ?? '@kubernetes/client-node';
const SPEC = MODULE.startsWith('/') ? pathToFileURL(join(MODULE, 'dist', 'index.js')).href : MODULE;
const RUNS = Number(process.env.HPA_TS_BENCH_RUNS ?? 7);

interface KubeConfigLike {
  loadFromFile(path: string): void;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** In a fresh process: ms to import the module, and the RSS it added (MB). */
function coldImport(): { ms: number; mb: number } {
  const code = `const r0=process.memoryUsage().rss;const t0=performance.now();await import(${JSON.stringify(SPEC)});const t1=performance.now();console.log(JSON.stringify({ms:t1-t0,mb:(process.memoryUsage().rss-r0)/1048576}))`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: process.cwd() });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { ms: number; mb: number };
}

function fixtures(): { token: string; exec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-cn-bench-'));
  const plugin = join(dir, 'credential.sh');
  const expiry = new Date(Date.now() + 3600_000).toISOString();
  writeFileSync(
    plugin,
    `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec","expirationTimestamp":"${expiry}"}}'\n`,
  );
  chmodSync(plugin, 0o755);
  const kubeconfig = (user: string): string => {
    const file = join(dir, `${user}.kubeconfig`);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]',
        user === 'token'
          ? 'users: [{name: u, user: {token: abc}}]'
          : `users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}}}]`,
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    return file;
  };
  return { token: kubeconfig('token'), exec: kubeconfig('exec') };
}

async function main(): Promise<void> {
  const cold = Array.from({ length: RUNS }, coldImport);
  const mod = (await import(SPEC)) as { KubeConfig: new () => KubeConfigLike };
  const files = fixtures();
  const tag = `node${process.versions.node.split('.')[0]}`;
  const bench = (name: string, value: number, unit: string): void =>
    console.log(`BENCH client_node_${name}_${tag} ${value.toFixed(unit === 'MB' || unit === 'ms' ? 1 : 0)} ${unit}`);
  bench('import', median(cold.map((c) => c.ms)), 'ms');
  bench('import_rss', median(cold.map((c) => c.mb)), 'MB');

  const loads = 200;
  let t = performance.now();
  for (let i = 0; i < loads; i++) new mod.KubeConfig().loadFromFile(files.token);
  bench('load_from_file', ((performance.now() - t) * 1000) / loads, 'us');

  const kc = new mod.KubeConfig();
  kc.loadFromFile(files.token);
  const calls = 2000;
  t = performance.now();
  for (let i = 0; i < calls; i++) await kc.applyToHTTPSOptions({ headers: {} });
  bench('apply_token', ((performance.now() - t) * 1000) / calls, 'us');

  const ex = new mod.KubeConfig();
  ex.loadFromFile(files.exec);
  t = performance.now();
  const first: https.RequestOptions = { headers: {} };
  await ex.applyToHTTPSOptions(first);
  bench('apply_exec_first', performance.now() - t, 'ms');
  if ((first.headers as Record<string, string>).Authorization !== 'Bearer from-exec')
    throw new Error(`exec plugin: unexpected headers ${JSON.stringify(first.headers)}`);
  t = performance.now();
  for (let i = 0; i < calls; i++) await ex.applyToHTTPSOptions({ headers: {} });
  bench('apply_exec_cached', ((performance.now() - t) * 1000) / calls, 'us');
  console.log(`client-node ${MODULE} on node ${process.versions.node}`);
}

await main();
