import { NoteService, createSequentialIdGenerator } from "@acme/core";
import { InMemoryNoteRepository } from "@acme/db";
import { createLogger } from "@acme/logger";
import { captureLogs, fixedClock, makeNoteInput } from "@acme/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";

function jsonRequest(method: string, body: unknown): RequestInit {
  return { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

describe("api", () => {
  let app: ReturnType<typeof createApp>;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    logs = captureLogs();
    const logger = createLogger("api-test", { destination: logs.destination });
    const service = new NoteService({
      repository: new InMemoryNoteRepository(),
      idGenerator: createSequentialIdGenerator(),
      clock: fixedClock(),
    });
    app = createApp({ service, logger });
  });

  it("GET /health returns ok", async () => {
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("creates, reads, updates, lists and deletes a note", async () => {
    const input = makeNoteInput({ title: "Ship v1", tags: ["Release"] });
    const created = await app.request("/notes", jsonRequest("POST", input));
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/notes/note_000001");
    expect(await created.json()).toMatchObject({ id: "note_000001", title: "Ship v1", tags: ["release"] });

    const patched = await app.request("/notes/note_000001", jsonRequest("PATCH", { body: "done" }));
    expect(await patched.json()).toMatchObject({ body: "done", updatedAt: "2024-01-01T00:00:01.000Z" });

    const listed = await app.request("/notes?tag=release");
    expect(((await listed.json()) as { notes: unknown[] }).notes).toHaveLength(1);

    expect((await app.request("/notes/note_000001", { method: "DELETE" })).status).toBe(204);
    expect((await app.request("/notes/note_000001")).status).toBe(404);
    expect(logs.lines.some((l) => l.msg === "request" && l.path === "/notes")).toBe(true);
  });

  it("maps validation errors and bad JSON to 400", async () => {
    const invalid = await app.request("/notes", jsonRequest("POST", { title: "" }));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: "validation_failed", issues: ["title: must not be empty"] });

    const malformed = await app.request("/notes", { method: "POST", body: "{nope" });
    expect(malformed.status).toBe(400);
  });

  it("returns JSON 404 for unknown routes", async () => {
    const res = await app.request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "not_found" });
  });
});
