import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { runCli } from "../support/cli.js";
import { freePort } from "../support/server-process.js";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { logLines, startInstance } from "./support/instance.js";

const root = resolve(import.meta.dirname, "../..");

describe("KEYWARD_DATABASE", () => {
  it("accepts a file path or a postgres:// or postgresql:// URL", () => {
    for (const value of [
      "./data/k.db",
      "/var/lib/keyward/k.db",
      "postgres://u@h/db",
      "postgresql://u@h/db",
    ]) {
      expect(loadConfig({ KEYWARD_DATABASE: value }).databaseUrl).toBe(value);
    }
  });

  it("refuses any other scheme, naming the variable", () => {
    for (const value of ["postgress://u@h/db", "mysql://u@h/db", "sqlite://k.db"]) {
      expect(() => loadConfig({ KEYWARD_DATABASE: value })).toThrow(ConfigError);
      expect(() => loadConfig({ KEYWARD_DATABASE: value })).toThrow(/KEYWARD_DATABASE: must be a file path/);
    }
  });

  it("stops `keyward serve` with one fatal JSON line and creates nothing", { timeout: 120_000 }, async () => {
    const result = await runCli("mysqll://keyward@db.internal/keyward", ["serve"]);
    expect(result.exitCode).toBe(1);
    const lines = logLines(result.stdout.split("\n").filter((line) => line.trim() !== ""));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 60, step: "configuration" });
    expect(lines[0]?.msg).toMatch(/KEYWARD_DATABASE: must be a file path/);
    expect(existsSync(resolve(root, "mysqll:"))).toBe(false);
  });
});

describe("SIGTERM", { timeout: 240_000 }, () => {
  let target: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    target = await createTestDatabaseUrl();
    const migrated = await runCli(target.url, ["migrate"]);
    expect(migrated.exitCode, migrated.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => target.drop());

  it("answers /readyz 503 in the error shape at once, keeps serving with Connection: close, then exits 0", async () => {
    const { instance } = await startInstance(await freePort(), {
      KEYWARD_DATABASE: target.url,
      KEYWARD_DRAIN_SECONDS: "3",
      KEYWARD_LOG_LEVEL: "info",
    });
    const exited = new Promise<number | null>((done) => instance.child.once("exit", (code) => done(code)));
    instance.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));

    const ready = await fetch(`${instance.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("1");
    expect(await ready.json()).toMatchObject({ error: { code: "service_unavailable" }, draining: true });
    const served = await fetch(`${instance.url}/healthz`);
    expect(served.status).toBe(200);
    expect(served.headers.get("connection")).toBe("close");

    expect(await exited).toBe(0);
    const messages = logLines(instance.stdout()).map((line) => line.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^draining/),
        expect.stringMatching(/^no longer accepting/),
        expect.stringMatching(/^stopped/),
      ]),
    );
    // After the drain nothing listens any more.
    await expect(fetch(`${instance.url}/healthz`)).rejects.toThrow();
  });
});
