import { createLogger } from "@acme/logger";
import { describe, expect, it } from "vitest";
import { QueueClosedError, createJobQueue } from "../src/index.js";

function silentLogger() {
  return createLogger("test", { level: "silent" });
}

describe("createJobQueue", () => {
  it("processes jobs in order with concurrency 1", async () => {
    const seen: number[] = [];
    const queue = createJobQueue<number, number>({
      name: "squares",
      logger: silentLogger(),
      handler: async (job) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(job.payload);
        return job.payload * job.payload;
      },
    });
    const jobs = [1, 2, 3].map((n) => queue.enqueue(n));
    expect(jobs.map((j) => j.id)).toEqual(["squares-1", "squares-2", "squares-3"]);
    await queue.drain();
    expect(seen).toEqual([1, 2, 3]);
    expect(queue.stats()).toEqual({ enqueued: 3, processed: 3, failed: 0, pending: 0, waiting: 0 });
  });

  it("counts failures without stopping the queue", async () => {
    const results: string[] = [];
    const queue = createJobQueue<string, string>({
      name: "mixed",
      logger: silentLogger(),
      handler: (job) => {
        if (job.payload === "bad") throw new Error("nope");
        return job.payload.toUpperCase();
      },
      onCompleted: (_job, result) => results.push(result),
    });
    ["a", "bad", "c"].forEach((p) => queue.enqueue(p));
    await queue.drain();
    expect(results).toEqual(["A", "C"]);
    expect(queue.stats()).toMatchObject({ processed: 2, failed: 1 });
  });

  it("drains on close and then rejects new jobs", async () => {
    let done = 0;
    const queue = createJobQueue<null>({
      name: "closing",
      logger: silentLogger(),
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        done++;
      },
    });
    queue.enqueue(null);
    queue.enqueue(null);
    await queue.close();
    expect(done).toBe(2);
    expect(queue.closed).toBe(true);
    expect(() => queue.enqueue(null)).toThrow(QueueClosedError);
  });
});
