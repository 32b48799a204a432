import { beforeEach, describe, expect, it } from "vitest";
import {
  NoteService,
  NotFoundError,
  ValidationError,
  createAppContext,
  createSequentialIdGenerator,
  type Note,
  type NoteRepository,
} from "../src/index.js";

class MapRepository implements NoteRepository {
  readonly notes = new Map<string, Note>();
  async insert(note: Note) {
    this.notes.set(note.id, note);
  }
  async findById(id: string) {
    return this.notes.get(id);
  }
  async list() {
    return [...this.notes.values()];
  }
  async update(note: Note) {
    this.notes.set(note.id, note);
  }
  async remove(id: string) {
    return this.notes.delete(id);
  }
}

describe("NoteService", () => {
  let repository: MapRepository;
  let service: NoteService;
  let tick: number;

  beforeEach(() => {
    repository = new MapRepository();
    tick = 0;
    service = new NoteService({
      repository,
      idGenerator: createSequentialIdGenerator(),
      clock: () => new Date(Date.UTC(2024, 0, 1, 0, 0, tick++)),
    });
  });

  it("creates, reads and lists notes", async () => {
    const created = await service.create({ title: "First", tags: ["A"] });
    expect(created).toEqual({
      id: "note_000001",
      title: "First",
      body: "",
      tags: ["a"],
      createdAt: "2024-01-01T00:00:00.000Z",
      updatedAt: "2024-01-01T00:00:00.000Z",
    });
    await service.create({ title: "Second" });
    expect(await service.get("note_000001")).toEqual(created);
    expect((await service.list()).map((n) => n.id)).toEqual(["note_000001", "note_000002"]);
    expect((await service.list({ tag: " A " })).map((n) => n.id)).toEqual(["note_000001"]);
  });

  it("updates fields and the timestamp", async () => {
    const { id } = await service.create({ title: "Draft" });
    const updated = await service.update(id, { title: "Final" });
    expect(updated.title).toBe("Final");
    expect(updated.updatedAt).toBe("2024-01-01T00:00:01.000Z");
    expect(repository.notes.get(id)?.title).toBe("Final");
  });

  it("reports missing notes and invalid input", async () => {
    await expect(service.get("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.remove("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.create({ title: "" })).rejects.toBeInstanceOf(ValidationError);
    expect(repository.notes.size).toBe(0);
  });
});

describe("createAppContext", () => {
  it("loads config and a logger at the configured level", () => {
    const { config, logger } = createAppContext("svc", { LOG_LEVEL: "warn", PORT: "4000" }, {
      destination: { write: () => undefined },
    });
    expect(config.port).toBe(4000);
    expect(logger.level).toBe("warn");
  });
});
