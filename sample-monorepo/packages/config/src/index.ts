import * as v from "valibot";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Integer environment variable with a default, parsed from its string form. */
function intVar(defaultValue: number, min: number, max: number) {
  return v.pipe(
    v.optional(v.string(), String(defaultValue)),
    v.trim(),
    v.regex(/^\d+$/, "must be a whole number"),
    v.transform(Number),
    v.integer(),
    v.minValue(min, `must be >= ${min}`),
    v.maxValue(max, `must be <= ${max}`),
  );
}

export const EnvSchema = v.object({
  PORT: intVar(3000, 1, 65535),
  LOG_LEVEL: v.optional(
    v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(LOG_LEVELS, "must be a pino log level")),
    "info",
  ),
  WORKER_INTERVAL_MS: intVar(1000, 10, 3_600_000),
});

export interface AppConfig {
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly workerIntervalMs: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid configuration: ${issues.join("; ")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/**
 * Parse the relevant environment variables into a typed, frozen config.
 * Empty strings are treated as unset so `PORT=` falls back to the default.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") input[key] = value;
  }

  const result = v.safeParse(EnvSchema, input);
  if (!result.success) {
    throw new ConfigError(
      result.issues.map((issue) => `${v.getDotPath(issue) ?? "env"}: ${issue.message}`),
    );
  }

  return Object.freeze({
    port: result.output.PORT,
    logLevel: result.output.LOG_LEVEL,
    workerIntervalMs: result.output.WORKER_INTERVAL_MS,
  });
}
