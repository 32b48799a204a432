import { pino, type DestinationStream, type Level, type Logger } from "pino";

export type { Logger };
export type LogLevel = Level | "silent";

export interface LoggerOptions {
  /** Minimum level to emit; defaults to "info". */
  level?: LogLevel;
  /** Where to write JSON lines; defaults to stdout. */
  destination?: DestinationStream;
  /** Extra fields bound to every line. */
  bindings?: Record<string, unknown>;
}

/** Create a JSON logger whose lines carry `name` (the service or component). */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      name,
      level: options.level ?? "info",
      base: { pid: process.pid, ...options.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return logger;
}

/** Child logger for a sub-component, e.g. `childLogger(log, "http")`. */
export function childLogger(parent: Logger, component: string): Logger {
  return parent.child({ component });
}
