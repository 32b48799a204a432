import { randomUUID } from "node:crypto";

export type IdGenerator = () => string;

/** Deterministic ids (`note_000001`, `note_000002`, ...), handy for tests and fixtures. */
export function createSequentialIdGenerator(prefix = "note", start = 1): IdGenerator {
  let next = start;
  return () => `${prefix}_${String(next++).padStart(6, "0")}`;
}

/** Random, collision-resistant ids for production use. */
export function createRandomIdGenerator(prefix = "note"): IdGenerator {
  return () => `${prefix}_${randomUUID().replaceAll("-", "")}`;
}
