import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyIdentitySignature } from "../../src/gateway/signature.js";
import { jsonOutput, runCli } from "../support/cli.js";
import { freePort, keywardEnv, type ServerProcess, startServer } from "../support/server-process.js";
import { tempDir } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

const repoRoot = join(import.meta.dirname, "../..");
const bin = join(repoRoot, "bin/keyward.js");
const signingSecret = "example-signing-secret-example-signing-secret";

/** Spawns a process and resolves once its output matches `ready`. */
async function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return child;
}

let keyward: ServerProcess;
let databaseUrl: string;
let drop: () => Promise<void>;
let serviceToken: string;
let apiKey: string;
const children: ChildProcess[] = [];
const dir = tempDir();

beforeAll(async () => {
  ({ url: databaseUrl, drop } = await createTestDatabaseUrl());
  const admin = "ops@example.test";
  // As an operator would: only `migrate` and `serve` change the schema.
  expect((await runCli(databaseUrl, ["migrate"])).exitCode).toBe(0);
  const created = await runCli(
    databaseUrl,
    ["accounts", "create", "--name", "Example Platform", "--admin-email", admin],
    {
      KEYWARD_ADMIN_PASSWORD: "correct-horse-battery-staple",
    },
  );
  expect(created.exitCode, created.stderr).toBe(0);
  const token = await runCli(databaseUrl, [
    "service-tokens",
    "create",
    "--account",
    "Example Platform",
    "--name",
    "examples",
    "--by",
    admin,
    "--json",
  ]);
  expect(token.exitCode, token.stderr).toBe(0);
  serviceToken = jsonOutput<{ secret: string }>(token).secret;
  expect(serviceToken).toMatch(/^kws_[0-9A-Za-z]{36}$/);
  const key = await runCli(databaseUrl, [
    "keys",
    "create",
    "--owner",
    admin,
    "--name",
    "Example client",
    "--permissions",
    "reporting:read",
    "--json",
  ]);
  expect(key.exitCode, key.stderr).toBe(0);
  apiKey = jsonOutput<{ secret: string }>(key).secret;
  keyward = await startServer(databaseUrl);
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await keyward?.stop();
  await drop();
  dir.remove();
});

describe("The examples", () => {
  it("express-service answers a valid key and refuses a missing one in Keyward's shape", async () => {
    const port = await freePort();
    children.push(
      await startProcess(
        ["--import", "tsx", "examples/express-service/server.ts"],
        {
          ...keywardEnv(databaseUrl),
          KEYWARD_URL: keyward.url,
          KEYWARD_SERVICE_TOKEN: serviceToken,
          PORT: String(port),
        },
        /listening on/,
      ),
    );
    const ok = await fetch(`http://127.0.0.1:${port}/reports`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ report: "sales" });
    const refused = await fetch(`http://127.0.0.1:${port}/reports`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "missing_api_key" } });
  }, 120_000);

  it("keyward gateway --config runs the example configuration in front of an upstream", async () => {
    const seen: IncomingHttpHeaders[] = [];
    let signed = false;
    const upstream = createServer((request, response) => {
      seen.push(request.headers);
      signed = verifyIdentitySignature(signingSecret, {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
      });
      response.end("{}");
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const gatewayPort = await freePort();
    const config = readFileSync(join(repoRoot, "examples/gateway/gateway.yaml"), "utf8")
      .replace("http://127.0.0.1:9000", `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)
      .replace("http://127.0.0.1:3000", keyward.url)
      .replace("port: 8080", `port: ${gatewayPort}`);
    const path = join(dir.path, "gateway.yaml");
    writeFileSync(path, config);
    children.push(
      await startProcess(
        [bin, "gateway", "--config", path],
        {
          ...keywardEnv(databaseUrl),
          KEYWARD_SERVICE_TOKEN: serviceToken,
          KEYWARD_GATEWAY_SIGNING_SECRET: signingSecret,
        },
        /Keyward gateway on/,
      ),
    );
    try {
      const ok = await fetch(`http://127.0.0.1:${gatewayPort}/reports/sales`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(ok.status).toBe(200);
      expect(signed).toBe(true);
      const refused = await fetch(`http://127.0.0.1:${gatewayPort}/orders/1`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(refused.status).toBe(403);
      expect(seen).toHaveLength(1);
    } finally {
      upstream.close();
    }
  }, 120_000);
});
