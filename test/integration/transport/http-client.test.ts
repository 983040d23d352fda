/**
 * The one HTTP client over real sockets on 127.0.0.1: answers of any status come back with their
 * body; failures come back as codes with Go's url.Error wording. Deadlines run on an injected
 * timer the tests fire themselves, so nothing here depends on how fast the machine is.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpClient, createAgent, type SetTimer } from '../../../transport/index.js';

let server: http.Server;
let base: string;
/** requests that wait until the test answers them */
const parked: http.ServerResponse[] = [];
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/park') {
      parked.push(res);
      return;
    }
    if (path === '/gzip') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ compressed: true })));
      return;
    }
    if (path === '/big') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('x'.repeat(4096));
      return;
    }
    if (path === '/lines') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"n":1}\n{"n":');
      res.end('2}\n\n{"n":3}\n');
      return;
    }
    res.writeHead(path === '/down' ? 503 : 200, { 'Content-Type': 'text/plain' });
    res.end(`answer to ${req.method ?? ''} ${path}`);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of parked) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A timer the test fires by hand (`fire()`), standing in for the request deadline. */
function manualTimer(): { setTimer: SetTimer; fire: () => void } {
  const pending = new Set<() => void>();
  return {
    setTimer: (_ms, fn) => {
      pending.add(fn);
      return () => pending.delete(fn);
    },
    fire: () => {
      for (const fn of [...pending]) fn();
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('the HTTP client', () => {
  it('returns any status with its body and content type', async () => {
    const client = new HttpClient(createAgent(base));
    const ok = await client.send({ method: 'GET', url: `${base}/x`, timeoutMs: 5000 });
    const down = await client.send({ method: 'GET', url: `${base}/down`, timeoutMs: 5000 });
    client.close();
    expect(ok).toEqual({ ok: true, status: 200, contentType: 'text/plain', text: 'answer to GET /x' });
    expect(down).toMatchObject({ ok: true, status: 503, text: 'answer to GET /down' });
  });

  it('sends every request of a burst over one kept-alive connection', async () => {
    const client = new HttpClient(createAgent(base));
    const before = connections;
    for (let i = 0; i < 10; i++) await client.send({ method: 'GET', url: `${base}/n${i}`, timeoutMs: 5000 });
    client.close();
    expect(connections - before).toBe(1);
  });

  it('reports a passed deadline as Timeout, worded as Go words it', async () => {
    const timer = manualTimer();
    const client = new HttpClient(createAgent(base), { setTimer: timer.setTimer });
    const waiting = parked.length;
    const pending = client.send({ method: 'GET', url: `${base}/park`, timeoutMs: 10 });
    await until(() => parked.length > waiting);
    timer.fire();
    const r = await pending;
    client.close();
    expect(r).toEqual({
      ok: false,
      failure: 'Timeout',
      message: `Get "${base}/park": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it("reports the caller's abort as Cancelled", async () => {
    const client = new HttpClient(createAgent(base));
    const ac = new AbortController();
    const waiting = parked.length;
    const pending = client.send({ method: 'GET', url: `${base}/park`, timeoutMs: 60_000, signal: ac.signal });
    await until(() => parked.length > waiting);
    ac.abort();
    const r = await pending;
    client.close();
    expect(r).toEqual({ ok: false, failure: 'Cancelled', message: `Get "${base}/park": context canceled` });
  });

  it('reports a refused connection as Network, worded as Go words it', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/x`;
    const client = new HttpClient(createAgent(url));
    const r = await client.send({ method: 'POST', url, body: 'a=1', timeoutMs: 5000 });
    client.close();
    expect(r).toEqual({
      ok: false,
      failure: 'Network',
      message: `Post "${url}": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
  });

  it('refuses a body larger than its limit as TooLarge', async () => {
    const client = new HttpClient(createAgent(base), { maxBodyBytes: 1024 });
    const r = await client.send({ method: 'GET', url: `${base}/big`, timeoutMs: 5000 });
    client.close();
    expect(r).toMatchObject({ ok: false, failure: 'TooLarge' });
  });

  it('gunzips a compressed answer', async () => {
    const client = new HttpClient(createAgent(base));
    const r = await client.send({ method: 'GET', url: `${base}/gzip`, timeoutMs: 5000 });
    client.close();
    expect(r).toMatchObject({ ok: true, text: '{"compressed":true}' });
  });

  it('delivers a streamed body line by line, across chunk boundaries, skipping empty lines', async () => {
    const client = new HttpClient(createAgent(base));
    const opened = await client.open({ method: 'GET', url: `${base}/lines`, timeoutMs: 5000 });
    const lines: string[] = [];
    const end = opened.ok ? await opened.lines((l) => lines.push(l) > 0) : opened;
    client.close();
    expect(end).toEqual({ ok: true });
    expect(lines).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });
});
