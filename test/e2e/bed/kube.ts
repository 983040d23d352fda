/**
 * A small JSON client for the bed's own requests to the real kube-apiserver (creating namespaces,
 * Deployments, HPAs, pod statuses; watching pods and HPAs). Bearer token over TLS with the bed's
 * CA; keep-alive. The code under test uses its own client — this one only drives the cluster.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    ownerReferences?: unknown[];
    [k: string]: unknown;
  };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test driver over arbitrary kinds
  status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  [k: string]: unknown;
}

export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 400)}`);
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchHandle {
  stop(): void;
}

export class Kube {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly server: string,
    private readonly token: string,
    caFile: string,
  ) {
    const u = new URL(server);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new Agent({ ca: readFileSync(caFile), keepAlive: true, maxSockets: 64 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Raw request; resolves with status and body text (never rejects on HTTP errors). */
  raw(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    timeoutMs = 30_000,
  ): Promise<{ status: number; text: string }> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: this.host,
          port: this.port,
          path,
          method,
          agent: this.agent,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: 'application/json',
            'User-Agent': 'hpa-ts-e2e-bed',
            ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  async request<T = KubeObject>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const r = await this.raw(method, path, body, contentType);
    if (r.status < 200 || r.status >= 300) throw new KubeError(r.status, method, path, r.text);
    return (r.text === '' ? {} : JSON.parse(r.text)) as T;
  }

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  async getOrUndefined<T = KubeObject>(path: string): Promise<T | undefined> {
    const r = await this.raw('GET', path);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new KubeError(r.status, 'GET', path, r.text);
    return JSON.parse(r.text) as T;
  }

  create<T = KubeObject>(collectionPath: string, obj: unknown): Promise<T> {
    return this.request<T>('POST', collectionPath, obj);
  }

  /** Create, or replace when it exists (AlreadyExists → GET + PUT with its resourceVersion). */
  async apply<T extends KubeObject = KubeObject>(collectionPath: string, obj: KubeObject): Promise<T> {
    const r = await this.raw('POST', collectionPath, obj);
    if (r.status === 201 || r.status === 200) return JSON.parse(r.text) as T;
    if (r.status !== 409) throw new KubeError(r.status, 'POST', collectionPath, r.text);
    const path = `${collectionPath}/${obj.metadata.name}`;
    const cur = await this.get(path);
    return this.request<T>('PUT', path, {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion },
    });
  }

  mergePatch<T = KubeObject>(path: string, patch: unknown): Promise<T> {
    return this.request<T>('PATCH', path, patch, 'application/merge-patch+json');
  }

  async delete(path: string): Promise<void> {
    const r = await this.raw('DELETE', path, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
    if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw new KubeError(r.status, 'DELETE', path, r.text);
  }

  /**
   * List + watch `collectionPath` (e.g. /api/v1/pods), re-watching from the last resourceVersion
   * (re-listing on 410 Gone). Events arrive in order; the initial list arrives as ADDED.
   */
  watch(
    collectionPath: string,
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    onSynced?: () => void,
  ): WatchHandle {
    let stopped = false;
    let current: { destroy(): void } | undefined;
    const sep = collectionPath.includes('?') ? '&' : '?';
    const loop = async (): Promise<void> => {
      let rv: string | undefined;
      let synced = false;
      while (!stopped) {
        try {
          if (rv === undefined) {
            const list = await this.get<{ metadata: { resourceVersion: string }; items: KubeObject[] }>(collectionPath);
            for (const item of list.items) onEvent('ADDED', item);
            rv = list.metadata.resourceVersion;
            if (!synced) {
              synced = true;
              onSynced?.();
            }
          }
          rv = await this.watchOnce(
            `${collectionPath}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=300`,
            rv,
            onEvent,
            (h) => (current = h),
          );
        } catch (e) {
          if (stopped) return;
          if (e instanceof KubeError && e.status === 410) rv = undefined;
          else if ((e as Error).message === 'gone') rv = undefined;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    void loop();
    return {
      stop: () => {
        stopped = true;
        current?.destroy();
      },
    };
  }

  private watchOnce(
    path: string,
    rv: string,
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    setHandle: (h: { destroy(): void }) => void,
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      let last = rv;
      const req = httpsRequest(
        {
          host: this.host,
          port: this.port,
          path,
          method: 'GET',
          agent: this.agent,
          headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
        },
        (res) => {
          if (res.statusCode !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              reject(new KubeError(res.statusCode ?? 0, 'GET', path, Buffer.concat(chunks).toString())),
            );
            return;
          }
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line.trim() === '') continue;
              const ev = JSON.parse(line) as { type: string; object: KubeObject };
              if (ev.type === 'ERROR') {
                const code = (ev.object as unknown as { code?: number }).code;
                req.destroy();
                reject(code === 410 ? new Error('gone') : new Error(JSON.stringify(ev.object)));
                return;
              }
              last = ev.object.metadata.resourceVersion ?? last;
              if (ev.type === 'BOOKMARK') continue;
              onEvent(ev.type as WatchEventType, ev.object);
            }
          });
          res.on('end', () => resolve(last));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      setHandle(req);
      req.end();
    });
  }
}
