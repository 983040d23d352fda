import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'text';

/**
 * One logger for the process: JSON, one line per event (default), or human-readable text.
 * Synchronous destinations so a crash or a SIGTERM never loses the last lines.
 */
export function createLogger(opts: { level: string; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const base = { level: opts.level, base: { component: 'hpa-ts' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (opts.format === 'text') {
    return pino(
      base,
      pretty({
        sync: true,
        colorize: false,
        translateTime: 'SYS:standard',
        ignore: 'pid,hostname,component',
        destination: opts.destination ?? process.stderr,
      }),
    );
  }
  return pino(base, opts.destination ?? pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything (tests, simulate). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
