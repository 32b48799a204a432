import { describe, expect, it } from "vitest";
import {
  ValidationError,
  countWords,
  createSequentialIdGenerator,
  slugify,
  summarizeNote,
  validateNoteInput,
  validateNotePatch,
} from "../src/index.js";

describe("validateNoteInput", () => {
  it("normalises title, body and tags", () => {
    expect(validateNoteInput({ title: "  Groceries ", tags: ["Home", "home", " errands "] })).toEqual({
      title: "Groceries",
      body: "",
      tags: ["errands", "home"],
    });
  });

  it("collects every issue", () => {
    expect(() => validateNoteInput({ title: " ", body: 42, tags: "x" })).toThrow(ValidationError);
    try {
      validateNoteInput({ title: " ", body: 42, tags: "x" });
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        "title: must not be empty",
        "body: must be a string",
        "tags: must be an array of strings",
      ]);
    }
  });

  it("rejects non-objects and over-long titles", () => {
    expect(() => validateNoteInput(null)).toThrow(/must be an object/);
    expect(() => validateNoteInput({ title: "x".repeat(121) })).toThrow(/at most 120/);
  });
});

describe("validateNotePatch", () => {
  it("returns only provided fields", () => {
    expect(validateNotePatch({ body: "updated" })).toEqual({ body: "updated" });
  });

  it("rejects empty patches", () => {
    expect(() => validateNotePatch({})).toThrow(/nothing to update/);
  });
});

describe("helpers", () => {
  it("generates sequential ids", () => {
    const next = createSequentialIdGenerator("job", 9);
    expect([next(), next()]).toEqual(["job_000009", "job_000010"]);
  });

  it("slugifies and counts words", () => {
    expect(slugify("  Héllo, Wörld! 2024 ")).toBe("hello-world-2024");
    expect(countWords("   ")).toBe(0);
    expect(countWords("one two\nthree")).toBe(3);
  });

  it("summarises a note", () => {
    const summary = summarizeNote({
      id: "note_1",
      title: "Release plan",
      body: "ship it on friday",
      tags: ["work"],
      createdAt: "2024-01-01T00:00:00.000Z",
      updatedAt: "2024-01-01T00:00:00.000Z",
    });
    expect(summary).toEqual({ id: "note_1", slug: "release-plan", words: 6, tags: ["work"] });
  });
});
