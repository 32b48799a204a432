import { NoteService, createAppContext } from "@acme/core";
import { InMemoryNoteRepository } from "@acme/db";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";

const SHUTDOWN_GRACE_MS = 500;

const { config, logger } = createAppContext("api");
const service = new NoteService({
  repository: new InMemoryNoteRepository(),
  logger: logger.child({ component: "notes" }),
});
const app = createApp({ service, logger });

const server = serve({ fetch: app.fetch, port: config.port, hostname: "0.0.0.0" }, (info) => {
  logger.info({ address: info.address, port: info.port }, "api listening");
});

server.on("error", (error) => {
  logger.fatal({ err: error }, "server error");
  process.exit(1);
});

let shuttingDown = false;

function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "shutting down");

  // Stop accepting connections; idle keep-alive sockets are closed right away.
  server.close((error) => {
    if (error) logger.warn({ err: error }, "error while closing server");
    logger.info("server closed");
    process.exit(0);
  });
  if ("closeIdleConnections" in server) server.closeIdleConnections();

  // Do not let slow clients hold the process hostage.
  setTimeout(() => {
    logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, "forcing open connections closed");
    if ("closeAllConnections" in server) server.closeAllConnections();
    process.exit(0);
  }, SHUTDOWN_GRACE_MS).unref();
}

process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
