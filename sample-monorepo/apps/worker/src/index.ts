import { createAppContext } from "@acme/core";
import { createWorker } from "./worker.js";

const SHUTDOWN_TIMEOUT_MS = 5000;

const { config, logger } = createAppContext("worker");
const worker = createWorker({ intervalMs: config.workerIntervalMs, logger });

let stopping = false;

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  setTimeout(() => {
    logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, "drain timed out");
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  await worker.stop();
  process.exit(0);
}

process.once("SIGTERM", (signal) => void shutdown(signal));
process.once("SIGINT", (signal) => void shutdown(signal));

worker.start();
