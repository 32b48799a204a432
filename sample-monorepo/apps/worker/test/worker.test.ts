import { createLogger } from "@acme/logger";
import { captureLogs, fixedClock, waitFor } from "@acme/testing";
import { describe, expect, it } from "vitest";
import { createWorker } from "../src/worker.js";

describe("worker", () => {
  it("enqueues and processes a digest job every interval", async () => {
    const logs = captureLogs();
    const digests: string[] = [];
    const worker = createWorker({
      intervalMs: 15,
      logger: createLogger("worker-test", { destination: logs.destination }),
      clock: fixedClock(),
      onDigest: (summary) => digests.push(summary.slug),
    });

    worker.start();
    await waitFor(() => worker.stats().processed >= 3);
    const stats = await worker.stop();

    expect(stats.failed).toBe(0);
    expect(stats.processed).toBe(stats.enqueued);
    expect(digests.slice(0, 3)).toEqual(["heartbeat-1", "heartbeat-2", "heartbeat-3"]);
    expect(logs.messages()).toContain("job processed");
    expect(logs.messages().at(-1)).toBe("worker drained");
  });

  it("stops producing after stop()", async () => {
    const worker = createWorker({ intervalMs: 10, logger: createLogger("w", { level: "silent" }) });
    worker.start();
    const { enqueued } = await worker.stop();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(worker.stats().enqueued).toBe(enqueued);
  });
});
