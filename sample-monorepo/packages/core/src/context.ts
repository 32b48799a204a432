import { loadConfig, type AppConfig, type Env } from "@acme/config";
import { createLogger, type Logger, type LoggerOptions } from "@acme/logger";

export interface AppContext {
  readonly config: AppConfig;
  readonly logger: Logger;
}

/** Load configuration from the environment and create the service's root logger. */
export function createAppContext(
  name: string,
  env: Env = process.env,
  loggerOptions: Omit<LoggerOptions, "level"> = {},
): AppContext {
  const config = loadConfig(env);
  const logger = createLogger(name, { ...loggerOptions, level: config.logLevel });
  return { config, logger };
}
