import type { Logger } from "@acme/logger";
import { NotFoundError } from "./errors.js";
import { createRandomIdGenerator, type IdGenerator } from "./ids.js";
import { validateNoteInput, validateNotePatch, type Note } from "./notes.js";

/** Storage port implemented by @acme/db (and by fakes in tests). */
export interface NoteRepository {
  insert(note: Note): Promise<void>;
  findById(id: string): Promise<Note | undefined>;
  list(): Promise<Note[]>;
  update(note: Note): Promise<void>;
  remove(id: string): Promise<boolean>;
}

export type Clock = () => Date;

export interface NoteServiceDeps {
  repository: NoteRepository;
  logger?: Logger;
  idGenerator?: IdGenerator;
  clock?: Clock;
}

export class NoteService {
  readonly #repository: NoteRepository;
  readonly #logger: Logger | undefined;
  readonly #nextId: IdGenerator;
  readonly #now: Clock;

  constructor(deps: NoteServiceDeps) {
    this.#repository = deps.repository;
    this.#logger = deps.logger;
    this.#nextId = deps.idGenerator ?? createRandomIdGenerator();
    this.#now = deps.clock ?? (() => new Date());
  }

  async create(input: unknown): Promise<Note> {
    const data = validateNoteInput(input);
    const timestamp = this.#now().toISOString();
    const note: Note = { id: this.#nextId(), ...data, createdAt: timestamp, updatedAt: timestamp };
    await this.#repository.insert(note);
    this.#logger?.info({ noteId: note.id }, "note created");
    return note;
  }

  async get(id: string): Promise<Note> {
    const note = await this.#repository.findById(id);
    if (!note) throw new NotFoundError("note", id);
    return note;
  }

  async list(filter: { tag?: string } = {}): Promise<Note[]> {
    const notes = await this.#repository.list();
    const tag = filter.tag?.trim().toLowerCase();
    return tag ? notes.filter((note) => note.tags.includes(tag)) : notes;
  }

  async update(id: string, patch: unknown): Promise<Note> {
    const changes = validateNotePatch(patch);
    const current = await this.get(id);
    const next: Note = { ...current, ...changes, updatedAt: this.#now().toISOString() };
    await this.#repository.update(next);
    this.#logger?.info({ noteId: id, fields: Object.keys(changes) }, "note updated");
    return next;
  }

  async remove(id: string): Promise<void> {
    const removed = await this.#repository.remove(id);
    if (!removed) throw new NotFoundError("note", id);
    this.#logger?.info({ noteId: id }, "note removed");
  }
}
