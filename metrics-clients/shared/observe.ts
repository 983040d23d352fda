/**
 * What adapters report about their own I/O: one event per HTTP request (for the CLI's
 * --show-query, for logs, and for the controller's request counters), and a small logger shape
 * that pino satisfies.
 */
export interface RequestEvent {
  /** which API the request served: a metrics API, discovery, or Prometheus */
  readonly api: 'resource' | 'custom' | 'external' | 'discovery' | 'prometheus' | 'kube';
  readonly method: string;
  /** path and query, without scheme and host */
  readonly path: string;
  /** the PromQL sent, for Prometheus queries */
  readonly query?: string;
  /** HTTP status, 0 when no response arrived */
  readonly status: number;
  readonly durationMs: number;
}

export type RequestObserver = (event: RequestEvent) => void;

export interface MetricsLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const silentLogger: MetricsLogger = {
  debug: () => undefined,
  warn: () => undefined,
};
