import { describe, expect, it } from "vitest";
import { childLogger, createLogger } from "../src/index.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk)) },
  };
}

describe("createLogger", () => {
  it("writes JSON lines with the logger name and a textual level", () => {
    const { lines, destination } = capture();
    const log = createLogger("orders", { destination });
    log.info({ orderId: 7 }, "created");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: "orders", level: "info", orderId: 7, msg: "created" });
    expect(typeof lines[0]?.time).toBe("string");
  });

  it("filters below the configured level", () => {
    const { lines, destination } = capture();
    const log = createLogger("quiet", { level: "warn", destination });
    log.info("hidden");
    log.debug("hidden too");
    log.warn("shown");
    expect(lines.map((l) => l.msg)).toEqual(["shown"]);
  });

  it("binds extra fields and component names on children", () => {
    const { lines, destination } = capture();
    const log = createLogger("api", { destination, bindings: { region: "eu" } });
    childLogger(log, "http").error("boom");
    expect(lines[0]).toMatchObject({ name: "api", region: "eu", component: "http", level: "error" });
  });
});
