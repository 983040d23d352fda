/**
 * The one HTTP client (transport/http.ts) against a local keep-alive server: per-request wall and
 * CPU time for a small JSON answer (20 items, concurrency 5, like one sync's metrics calls) and a
 * large one (5,000 items, like a namespace's pod list). Run: node --import tsx test/bench/http-client.bench.ts
 *
 * Why node:http and not axios: measured with this workload when both existed (Node 20, 2 cores,
 * same agent, same session), axios cost 350–580 µs CPU per small answer against 150–270 µs for
 * node:http, and 1,400–2,350 µs against 1,150–1,410 µs per large one, at equal RSS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, createAgent } from '../../transport/index.js';

const small = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ name: `pod-${i}`, value: '250m' })) });
const large = JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => ({ name: `pod-${i}`, value: '250m' })) });

async function main(): Promise<void> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.url === '/large' ? large : small);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new HttpClient(createAgent(base));

  async function measure(path: string, n: number, concurrency: number): Promise<{ wallUs: number; cpuUs: number }> {
    const one = async (): Promise<void> => {
      const r = await client.send({ method: 'GET', url: `${base}${path}`, timeoutMs: 10_000 });
      if (!r.ok || r.status !== 200) throw new Error(`bench request failed: ${JSON.stringify(r)}`);
    };
    for (let i = 0; i < 200; i++) await one(); // warm-up: sockets, JIT
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) await one();
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { wallUs: ((performance.now() - t0) * 1000) / n, cpuUs: (cpu.user + cpu.system) / n };
  }

  const s = await measure('/small', 5000, 5);
  const l = await measure('/large', 300, 5);
  console.log(`BENCH http_small_json_wall ${s.wallUs.toFixed(1)} us`);
  console.log(`BENCH http_small_json_cpu ${s.cpuUs.toFixed(1)} us`);
  console.log(`BENCH http_large_json_wall ${l.wallUs.toFixed(1)} us`);
  console.log(`BENCH http_large_json_cpu ${l.cpuUs.toFixed(1)} us`);
  client.close();
  server.closeAllConnections();
  server.close();
}

await main();
