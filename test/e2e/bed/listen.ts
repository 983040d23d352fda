/**
 * The bed's own servers (metrics APIs, their front, the Prometheus exporter and proxy) listen on
 * 127.0.0.1 at a free port and close by dropping their keep-alive connections first (a closing
 * server otherwise waits for idle clients).
 */
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer, ServerOptions } from 'node:https';

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

export async function listen(server: HttpServer | HttpsServer): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('no address');
  return {
    port: a.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * TLS serving that asks for a client certificate signed by the front-proxy CA without requiring
 * one: the handler tells the aggregator (which presents it) from everyone else.
 */
export function clientCertServing(files: { cert: string; key: string; frontProxyCa: string }): ServerOptions {
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ca: readFileSync(files.frontProxyCa),
    requestCert: true,
    rejectUnauthorized: false,
  };
}
