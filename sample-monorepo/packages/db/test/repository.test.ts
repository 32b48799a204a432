import { NotFoundError, type Note } from "@acme/core";
import { describe, expect, it } from "vitest";
import { InMemoryNoteRepository } from "../src/index.js";

function note(id: string, createdAt: string, title = id): Note {
  return { id, title, body: "", tags: [], createdAt, updatedAt: createdAt };
}

describe("InMemoryNoteRepository", () => {
  it("stores copies and lists in creation order", async () => {
    const repo = new InMemoryNoteRepository([note("b", "2024-01-02T00:00:00.000Z")]);
    const a = note("a", "2024-01-01T00:00:00.000Z");
    await repo.insert(a);
    (a as { title: string }).title = "mutated";
    expect((await repo.findById("a"))?.title).toBe("a");
    expect((await repo.list()).map((n) => n.id)).toEqual(["a", "b"]);
    expect(repo.size).toBe(2);
  });

  it("rejects duplicate inserts and updates of unknown notes", async () => {
    const repo = new InMemoryNoteRepository();
    await repo.insert(note("a", "2024-01-01T00:00:00.000Z"));
    await expect(repo.insert(note("a", "2024-01-01T00:00:00.000Z"))).rejects.toThrow(/already exists/);
    await expect(repo.update(note("zzz", "2024-01-01T00:00:00.000Z"))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("removes notes", async () => {
    const repo = new InMemoryNoteRepository([note("a", "2024-01-01T00:00:00.000Z")]);
    expect(await repo.remove("a")).toBe(true);
    expect(await repo.remove("a")).toBe(false);
    expect(await repo.findById("a")).toBeUndefined();
  });
});
