import type { Clock, Note, NoteInput } from "@acme/core";

/** A clock that starts at `start` and advances `stepMs` on every call. */
export function fixedClock(start = "2024-01-01T00:00:00.000Z", stepMs = 1000): Clock {
  let current = Date.parse(start);
  return () => {
    const now = new Date(current);
    current += stepMs;
    return now;
  };
}

let inputCounter = 0;

/** Valid note input with sensible defaults; override any field. */
export function makeNoteInput(overrides: Partial<NoteInput> = {}): NoteInput {
  inputCounter++;
  return {
    title: `Note ${inputCounter}`,
    body: `Body of note ${inputCounter}`,
    tags: ["sample"],
    ...overrides,
  };
}

/** A fully-formed stored note, for seeding repositories. */
export function makeNote(overrides: Partial<Note> = {}): Note {
  const input = makeNoteInput();
  const timestamp = "2024-01-01T00:00:00.000Z";
  return {
    id: `note_fixture_${inputCounter}`,
    ...input,
    createdAt: timestamp,
    updatedAt: timestamp,
    ...overrides,
  };
}

export interface CapturedLogs {
  /** Pass as `destination` to `createLogger`. */
  readonly destination: { write(chunk: string): void };
  readonly lines: Record<string, unknown>[];
  messages(): string[];
}

/** Collects pino JSON lines in memory so tests can assert on log output. */
export function captureLogs(): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  return {
    destination: {
      write(chunk: string) {
        for (const line of chunk.split("\n")) {
          if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
        }
      },
    },
    lines,
    messages: () => lines.map((line) => String(line.msg)),
  };
}

/** Resolve once `predicate` holds, polling every `intervalMs`, or reject after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2000, intervalMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
