/**
 * `npm run bench:shards` (on demand, not in CI): throughput of `hpa-ts run --shards 6` at 1, 2
 * and 3 replicas, each replica its own process, against the simulator's API server with the
 * cluster of `bench:controller` (1,000 HPAs, in a child process too). The sync period is short
 * (250 ms, BENCH_SYNC_MS; 4,000 reconciles/s asked for) so that the replicas are saturated:
 * reconciles per second measure capacity, not the period. Prints, per replica count n, `BENCH shard_scaling_<n> <reconciles/s per replica>` and
 * the total. On a machine with fewer cores than processes the total cannot grow much: the API
 * server and the replicas share them (docs/scaling.md reads the figures); the cores each process
 * used are printed. BENCH_KUBE_API_QPS sets the replicas' --kube-api-qps (-1: no client limit).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHARDS = Number(process.env.BENCH_SHARDS ?? 6);
const SYNC_MS = Number(process.env.BENCH_SYNC_MS ?? 250);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 15_000);
const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2,3').split(',').map(Number);

const here = dirname(fileURLToPath(import.meta.url));
const ts = import.meta.url.endsWith('.ts');
const file = (name: string): string => join(here, `${name}${ts ? '.ts' : '.js'}`);

interface Child {
  readonly proc: ChildProcess;
  next(): Promise<Record<string, unknown>>;
  ask(cmd: string): Promise<Record<string, unknown>>;
}

function start(name: string, args: string[] = []): Child {
  const proc = fork(file(name), args, {
    execArgv: ts ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  proc.on('message', (m) => waiting.shift()?.(m as Record<string, unknown>));
  const next = (): Promise<Record<string, unknown>> => new Promise((r) => waiting.push(r));
  return {
    proc,
    next,
    ask: (cmd) => {
      const p = next();
      proc.send({ cmd });
      return p;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const cluster = start('bench-cluster');
const ready = (await cluster.next()) as { kubeconfig: string };
const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-bench-shards-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, ready.kubeconfig);

for (const n of REPLICAS) {
  const lease = `bench-${n}`;
  const replicas = Array.from({ length: n }, (_, i) =>
    start('shard-replica', [kubeconfig, `replica-${i}`, String(SHARDS), lease, String(SYNC_MS)]),
  );
  await Promise.all(replicas.map((r) => r.next()));
  // until the shards are spread: every replica holds floor or ceil of SHARDS / n
  for (let t = 0; t < 120; t++) {
    const held = await Promise.all(replicas.map(async (r) => Number((await r.ask('count')).held)));
    if (held.reduce((a, b) => a + b, 0) === SHARDS && held.every((h) => h >= Math.floor(SHARDS / n))) break;
    await sleep(500);
  }
  await sleep(3 * SYNC_MS); // warm-up: the first status writes
  const before = await Promise.all(replicas.map(async (r) => Number((await r.ask('count')).reconciles)));
  const cpu0 = [cluster, ...replicas].map((c) => cpuSeconds(c.proc.pid));
  const t0 = Date.now();
  await sleep(MEASURE_MS);
  const after = await Promise.all(replicas.map(async (r) => Number((await r.ask('count')).reconciles)));
  const seconds = (Date.now() - t0) / 1000;
  // where the time goes: the API server's process and each replica's, in cores
  const cores = [cluster, ...replicas].map((c, i) => (cpuSeconds(c.proc.pid) - cpu0[i]) / seconds);
  console.error(
    `bench: ${n} replica(s): cores used: API server ${cores[0].toFixed(2)}, replicas ${cores
      .slice(1)
      .map((c) => c.toFixed(2))
      .join(' + ')}`,
  );
  const perReplica = after.map((a, i) => (a - before[i]) / seconds);
  const total = perReplica.reduce((a, b) => a + b, 0);
  console.error(`bench: ${n} replica(s): ${perReplica.map((r) => r.toFixed(1)).join(' + ')} reconciles/s`);
  console.log(`BENCH shard_scaling_${n} ${(total / n).toFixed(1)} reconciles/s`);
  console.log(`BENCH shard_scaling_total_${n} ${total.toFixed(1)} reconciles/s`);
  await Promise.all(
    replicas.map(async (r) => {
      r.proc.send({ cmd: 'stop' });
      await new Promise((res) => r.proc.once('exit', res));
    }),
  );
}

cluster.proc.send({ cmd: 'exit' });
await sleep(500);
cluster.proc.kill();
