import { validateNoteInput } from "@acme/core";
import { describe, expect, it } from "vitest";
import { captureLogs, fixedClock, makeNote, makeNoteInput, waitFor } from "../src/index.js";

describe("@acme/testing", () => {
  it("produces valid inputs and notes", () => {
    const input = makeNoteInput({ tags: ["x"] });
    expect(validateNoteInput(input)).toEqual(input);
    expect(makeNote({ id: "fixed" })).toMatchObject({ id: "fixed", tags: ["sample"] });
  });

  it("steps a fixed clock", () => {
    const clock = fixedClock("2024-05-01T00:00:00.000Z", 500);
    expect([clock(), clock()].map((d) => d.toISOString())).toEqual([
      "2024-05-01T00:00:00.000Z",
      "2024-05-01T00:00:00.500Z",
    ]);
  });

  it("captures JSON log lines", () => {
    const logs = captureLogs();
    logs.destination.write('{"msg":"a"}\n{"msg":"b"}\n');
    expect(logs.messages()).toEqual(["a", "b"]);
  });

  it("waits for a condition", async () => {
    let ready = false;
    setTimeout(() => (ready = true), 20);
    await waitFor(() => ready);
    await expect(waitFor(() => false, 30)).rejects.toThrow(/within 30ms/);
  });
});
