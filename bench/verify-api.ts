// `node --import tsx bench/verify-api.ts`: the verification API next to the built-in API's cheapest keyed
// route (GET /api/v1/key), the verify package's cache-hit cost, and revoke-to-rejection at a subscribed
// verifier. Side by side on one machine; not part of `npm run bench`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createKeywardVerifier } from "../packages/verify/src/verifier.js";
import { createAccount } from "../src/accounts/create-account.js";
import { loadConfig } from "../src/config.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { openDatabase } from "../src/db/open-database.js";
import { buildApp } from "../src/http/app.js";
import { createKey } from "../src/keys/create-key.js";
import { revokeKey } from "../src/keys/revoke-key.js";
import { createServiceToken } from "../src/service/service-tokens.js";
import { actorForUser } from "../src/users/user-view.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-verify-bench-"));
const url = join(dir, "keyward.db");
const database = await openDatabase(url);
await migrateToLatest(database);
const { app, ctx } = await buildApp({
  config: loadConfig({ KEYWARD_DATABASE: url, KEYWARD_LOG_LEVEL: "silent" }),
  database,
});
await app.listen({ port: 0, host: "127.0.0.1" });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const { account } = await createAccount(ctx, {
  account: { name: "Bench", adminEmail: "bench@example.test", adminPassword: "correct-horse-battery-staple" },
  demoSeed: 1,
});
const user = await database.db
  .selectFrom("users")
  .selectAll()
  .where("account_id", "=", account.id)
  .executeTakeFirstOrThrow();
const actor = actorForUser(user, null);
const key = await createKey(ctx, { actor, name: "bench", permissions: { all: true } });
const token = await createServiceToken(ctx, { actor, name: "bench" });

async function rps(title: string, options: autocannon.Options): Promise<number> {
  const result = await autocannon({ connections: 10, duration: 5, ...options });
  process.stdout.write(
    `${title}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms\n`,
  );
  return result.requests.average;
}
const builtIn = await rps("built-in GET /api/v1/key", {
  url: `${base}/api/v1/key`,
  headers: { authorization: `Bearer ${key.secret}` },
});
const verify = await rps("POST /service/v1/verify", {
  url: `${base}/service/v1/verify`,
  method: "POST",
  headers: { authorization: `Bearer ${token.secret}`, "content-type": "application/json" },
  body: JSON.stringify({ key: key.secret, permission: "reporting:read", ip: "203.0.113.7" }),
});
process.stdout.write(`verify / built-in: ${(verify / builtIn).toFixed(2)}\n`);

const verifier = createKeywardVerifier({ url: base, serviceToken: token.secret });
await verifier.ready();
await verifier.verify({ key: key.secret, permission: "reporting:read" });
const rounds = 200_000;
const started = performance.now();
for (let i = 0; i < rounds; i++) await verifier.verify({ key: key.secret, permission: "reporting:read" });
process.stdout.write(
  `verifier cache hit: ${(((performance.now() - started) / rounds) * 1000).toFixed(2)} µs per verify\n`,
);

const times: number[] = [];
for (let i = 0; i < 20; i++) {
  const revocable = await createKey(ctx, { actor, name: `revoke ${i}`, permissions: { all: true } });
  await verifier.verify({ key: revocable.secret });
  await verifier.verify({ key: revocable.secret });
  const start = performance.now();
  await revokeKey(ctx, { actor, keyId: revocable.key.id });
  const answer = await verifier.verify({ key: revocable.secret });
  if (answer.valid) throw new Error("a revoked key was accepted after the revoke returned");
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
process.stdout.write(
  `revoke call to rejection at a subscribed verifier: median ${times[10]?.toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms\n`,
);
verifier.close();
await app.close();
await database.close();
rmSync(dir, { recursive: true, force: true });
