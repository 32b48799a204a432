import { ValidationError } from "./errors.js";

export const MAX_TITLE_LENGTH = 120;
export const MAX_BODY_LENGTH = 10_000;
export const MAX_TAGS = 10;

export interface Note {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NoteInput {
  title: string;
  body: string;
  tags: string[];
}

export type NotePatch = Partial<NoteInput>;

export interface NoteSummary {
  readonly id: string;
  readonly slug: string;
  readonly words: number;
  readonly tags: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkTitle(value: unknown, issues: string[]): string | undefined {
  if (typeof value !== "string") {
    issues.push("title: must be a string");
    return undefined;
  }
  const title = value.trim();
  if (title.length === 0) issues.push("title: must not be empty");
  if (title.length > MAX_TITLE_LENGTH) issues.push(`title: must be at most ${MAX_TITLE_LENGTH} characters`);
  return title;
}

function checkBody(value: unknown, issues: string[]): string | undefined {
  if (typeof value !== "string") {
    issues.push("body: must be a string");
    return undefined;
  }
  if (value.length > MAX_BODY_LENGTH) issues.push(`body: must be at most ${MAX_BODY_LENGTH} characters`);
  return value;
}

function checkTags(value: unknown, issues: string[]): string[] | undefined {
  if (!Array.isArray(value) || value.some((tag) => typeof tag !== "string")) {
    issues.push("tags: must be an array of strings");
    return undefined;
  }
  const tags = [...new Set(value.map((tag: string) => tag.trim().toLowerCase()).filter(Boolean))];
  if (tags.length > MAX_TAGS) issues.push(`tags: at most ${MAX_TAGS} tags allowed`);
  return tags.sort();
}

/** Validate and normalise untrusted input for a new note. */
export function validateNoteInput(input: unknown): NoteInput {
  if (!isRecord(input)) throw new ValidationError(["note: must be an object"]);
  const issues: string[] = [];
  const title = checkTitle(input.title, issues);
  const body = input.body === undefined ? "" : checkBody(input.body, issues);
  const tags = input.tags === undefined ? [] : checkTags(input.tags, issues);
  if (issues.length > 0 || title === undefined || body === undefined || tags === undefined) {
    throw new ValidationError(issues);
  }
  return { title, body, tags };
}

/** Validate a partial update; only the provided fields are checked and returned. */
export function validateNotePatch(input: unknown): NotePatch {
  if (!isRecord(input)) throw new ValidationError(["note: must be an object"]);
  const issues: string[] = [];
  const patch: NotePatch = {};
  if (input.title !== undefined) patch.title = checkTitle(input.title, issues);
  if (input.body !== undefined) patch.body = checkBody(input.body, issues);
  if (input.tags !== undefined) patch.tags = checkTags(input.tags, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  if (Object.keys(patch).length === 0) throw new ValidationError(["note: nothing to update"]);
  return patch;
}

export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function countWords(text: string): number {
  const words = text.trim().split(/\s+/);
  return words[0] === "" ? 0 : words.length;
}

export function summarizeNote(note: Note): NoteSummary {
  return {
    id: note.id,
    slug: slugify(note.title),
    words: countWords(`${note.title} ${note.body}`),
    tags: note.tags,
  };
}
