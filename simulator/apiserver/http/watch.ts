/**
 * Watch over HTTP: a 200 response with chunked newline-delimited JSON events, replayed from
 * `resourceVersion`, filtered by selectors, optionally as one-row Tables (kubectl get -w), with
 * bookmarks (allowWatchBookmarks) and timeoutSeconds. A too old resourceVersion is answered, as
 * upstream does, with a 200 and a single ERROR event carrying the 410 Expired Status; one this
 * server has not reached yet (store/watch.ts) with a 200 and silence, bookmarks included, until
 * it does, as kube-apiserver's watch cache answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isStoreError, tooOldResourceVersion } from '../errors.js';
import { apiVersionOf, type ResourceType } from '../registry.js';
import { buildTable } from '../printers/table.js';
import type { StoreWatchEvent } from '../store/watch.js';
import type { GroupVersionResource, Status } from '../types.js';
import { printContext, type HttpContext, type OpenWatch } from './context.js';

function errorEvent(status: Status): string {
  return `{"type":"ERROR","object":${JSON.stringify(status)}}\n`;
}

export function handleWatch(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceType,
  gvr: GroupVersionResource,
  namespace: string | undefined,
  query: URLSearchParams,
  rep: 'json' | 'table',
  headers: Readonly<Record<string, string>>,
): void {
  const version = gvr.version;
  const apiVersion = apiVersionOf(rt.group, version);
  const resourceVersion = query.get('resourceVersion') ?? '';
  const allowBookmarks = query.get('allowWatchBookmarks') === 'true';
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
  let closed = false;
  let started = false;
  const pending: string[] = [];
  const start = (): void => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...headers });
    res.flushHeaders();
    started = true;
    for (const text of pending.splice(0)) res.write(text);
  };
  let bookmarkTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let stop: () => void = () => undefined;
  const finish = (abrupt: boolean): void => {
    if (closed) return;
    closed = true;
    stop();
    clearTimeout(bookmarkTimer);
    clearTimeout(timeoutTimer);
    ctx.openWatches.delete(handle);
    if (abrupt) res.destroy();
    else res.end();
  };
  const handle: OpenWatch = { close: finish };
  ctx.openWatches.add(handle);
  req.on('close', () => finish(false));
  res.on('close', () => finish(false));

  // no bookmark before the server has reached the resourceVersion asked for (store/watch.ts)
  const after = /^\d+$/.test(resourceVersion) ? Number(resourceVersion) : 0;
  const bookmarkIfPast = (rv: string): void => {
    if (Number(rv) >= after) write(bookmark(rv));
  };
  const bookmark = (rv: string): string =>
    `{"type":"BOOKMARK","object":{"kind":${JSON.stringify(rt.kind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":{"resourceVersion":"${rv}"}}}\n`;
  const encode = (ev: StoreWatchEvent): string => {
    if (ev.entry === undefined) return bookmark(String(ev.rv));
    if (rep === 'json') return `{"type":"${ev.type}","object":${ev.entry.jsonAt(version)}}\n`;
    const entry = ev.entry;
    const table = buildTable(rt.printer, [entry.obj], printContext(ctx), {
      resourceVersion: String(ev.rv),
      includeObject:
        query.get('includeObject') === 'Object'
          ? 'Object'
          : query.get('includeObject') === 'None'
            ? 'None'
            : 'Metadata',
      fullObject: () => entry.objectAt(version),
    });
    return `{"type":"${ev.type}","object":${JSON.stringify(table)}}\n`;
  };
  // Events replayed while the watch is being set up wait until the 200 is out.
  const write = (text: string): void => {
    if (closed) return;
    if (started) res.write(text);
    else pending.push(text);
  };

  const specific = resourceVersion !== '' && resourceVersion !== '0';
  if (specific && ctx.faults.takeWatchExpiry()) {
    const rv = Number(resourceVersion);
    start();
    write(errorEvent(tooOldResourceVersion(rv, rv + 1).status));
    finish(false);
    return;
  }
  try {
    const w = ctx.store.watchEntries(
      gvr,
      {
        namespace,
        resourceVersion,
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
        allowBookmarks: false,
      },
      (ev) => write(encode(ev)),
    );
    stop = () => w.stop();
    if (closed) w.stop();
  } catch (e) {
    // Bad selectors or versions are plain 400s; an expired resourceVersion is, as upstream sends
    // it from the watch cache, a 200 whose only event is the 410 ERROR.
    if (!isStoreError(e) || e.code !== 410) {
      closed = true;
      ctx.openWatches.delete(handle);
      throw e;
    }
    start();
    write(errorEvent(e.status));
    finish(false);
    return;
  }
  start();
  if (allowBookmarks) {
    // Periodic bookmarks, like the watch cache's ~1/min; events up to the current
    // resourceVersion have already been written synchronously, so it is a safe bookmark.
    const tick = (): void => {
      bookmarkIfPast(ctx.store.currentResourceVersion());
      bookmarkTimer = setTimeout(tick, ctx.bookmarkIntervalMs).unref();
    };
    bookmarkTimer = setTimeout(tick, ctx.bookmarkIntervalMs).unref();
  }
  if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
    timeoutTimer = setTimeout(() => {
      if (allowBookmarks) bookmarkIfPast(ctx.store.currentResourceVersion());
      finish(false);
    }, timeoutSeconds * 1000).unref();
  }
}
