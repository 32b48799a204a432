import { NotFoundError, type Note, type NoteRepository } from "@acme/core";

/**
 * Process-local note store. Notes are copied on the way in and out so callers
 * can never mutate stored state by accident. Listing is ordered by creation
 * time, then id, to keep responses deterministic.
 */
export class InMemoryNoteRepository implements NoteRepository {
  readonly #notes = new Map<string, Note>();

  constructor(seed: Iterable<Note> = []) {
    for (const note of seed) this.#notes.set(note.id, structuredClone(note));
  }

  get size(): number {
    return this.#notes.size;
  }

  async insert(note: Note): Promise<void> {
    if (this.#notes.has(note.id)) throw new Error(`note ${note.id} already exists`);
    this.#notes.set(note.id, structuredClone(note));
  }

  async findById(id: string): Promise<Note | undefined> {
    const note = this.#notes.get(id);
    return note && structuredClone(note);
  }

  async list(): Promise<Note[]> {
    return [...this.#notes.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((note) => structuredClone(note));
  }

  async update(note: Note): Promise<void> {
    if (!this.#notes.has(note.id)) throw new NotFoundError("note", note.id);
    this.#notes.set(note.id, structuredClone(note));
  }

  async remove(id: string): Promise<boolean> {
    return this.#notes.delete(id);
  }

  clear(): void {
    this.#notes.clear();
  }
}
