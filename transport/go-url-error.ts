/**
 * Failures before a response, worded as Go's net/http words them, because upstream puts that text
 * into HPA conditions and events: `Get "https://host/path?q": dial tcp 10.0.0.1:443: connect:
 * connection refused`.
 */

/** Go's url.Error text: `<Op> "<url>": <cause>`, Op being the method as Go capitalises it (`Get`). */
export function goUrlError(req: { readonly method: string; readonly url: string }, cause: string): string {
  const op = req.method[0] + req.method.slice(1).toLowerCase();
  return `${op} ${JSON.stringify(req.url)}: ${cause}`;
}

interface NodeErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly cause?: unknown;
}

function asErrorLike(v: unknown): NodeErrorLike {
  return (typeof v === 'object' && v !== null ? v : {}) as NodeErrorLike;
}

/** The `<cause>` part for a Node socket error, as Go's dialer and reader word the same failure. */
export function networkCause(e: unknown, url: string): string {
  const outer = asErrorLike(e);
  const inner = typeof outer.cause === 'object' && outer.cause !== null ? asErrorLike(outer.cause) : outer;
  const code = typeof inner.code === 'string' ? inner.code : typeof outer.code === 'string' ? outer.code : '';
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = '';
  }
  const addr =
    typeof inner.address === 'string' && typeof inner.port === 'number' ? `${inner.address}:${inner.port}` : host;
  switch (code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${typeof inner.hostname === 'string' ? inner.hostname : host}: no such host`;
    case 'ECONNRESET':
      return `read tcp ${addr}: read: connection reset by peer`;
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    default: {
      const message = typeof inner.message === 'string' && inner.message !== '' ? inner.message : String(e);
      return message === 'socket hang up' ? 'EOF' : message;
    }
  }
}
