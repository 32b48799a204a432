import { NotFoundError, ValidationError, type NoteService } from "@acme/core";
import type { Logger } from "@acme/logger";
import { Hono } from "hono";

export interface AppDeps {
  service: NoteService;
  logger: Logger;
}

/** Build the HTTP application without binding a port, so tests can call `app.request()`. */
export function createApp({ service, logger }: AppDeps): Hono {
  const app = new Hono();
  const httpLog = logger.child({ component: "http" });

  app.use(async (c, next) => {
    const startedAt = performance.now();
    await next();
    const fields = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    };
    if (c.req.path === "/health") httpLog.debug(fields, "request");
    else httpLog.info(fields, "request");
  });

  app.get("/health", (c) => c.json({ status: "ok" }));

  app.get("/notes", async (c) => {
    const notes = await service.list({ tag: c.req.query("tag") });
    return c.json({ notes });
  });

  app.post("/notes", async (c) => {
    const note = await service.create(await readJson(c.req.raw));
    return c.json(note, 201, { Location: `/notes/${note.id}` });
  });

  app.get("/notes/:id", async (c) => c.json(await service.get(c.req.param("id"))));

  app.patch("/notes/:id", async (c) => {
    const note = await service.update(c.req.param("id"), await readJson(c.req.raw));
    return c.json(note);
  });

  app.delete("/notes/:id", async (c) => {
    await service.remove(c.req.param("id"));
    return c.body(null, 204);
  });

  app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}` }, 404));

  app.onError((error, c) => {
    if (error instanceof ValidationError) {
      return c.json({ error: "validation_failed", issues: error.issues }, 400);
    }
    if (error instanceof NotFoundError) {
      return c.json({ error: "not_found", message: error.message }, 404);
    }
    httpLog.error({ err: error, path: c.req.path }, "unhandled error");
    return c.json({ error: "internal_error" }, 500);
  });

  return app;
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new ValidationError(["body: must be valid JSON"]);
  }
}
