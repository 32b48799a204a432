import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/index.js";

describe("loadConfig", () => {
  it("applies defaults for an empty environment", () => {
    expect(loadConfig({})).toEqual({ port: 3000, logLevel: "info", workerIntervalMs: 1000 });
  });

  it("parses provided values", () => {
    const config = loadConfig({ PORT: "8080", LOG_LEVEL: "DEBUG", WORKER_INTERVAL_MS: " 250 " });
    expect(config).toEqual({ port: 8080, logLevel: "debug", workerIntervalMs: 250 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "", LOG_LEVEL: "" }).port).toBe(3000);
  });

  it("rejects invalid values with every issue listed", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "70000", LOG_LEVEL: "loud", WORKER_INTERVAL_MS: "soon" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^PORT: must be <= 65535/);
    expect(issues[1]).toMatch(/^LOG_LEVEL:/);
    expect(issues[2]).toMatch(/^WORKER_INTERVAL_MS: must be a whole number/);
  });
});
