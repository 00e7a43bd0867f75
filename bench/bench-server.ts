// A Keyward app for the "limit" benchmark: the real app (buildApp) plus two identical bench-only routes,
// one behind the production API-key hook and one without it. Prints one JSON line when listening:
// { "port", "secret", "pid" }. Run by bench/run.ts in its own process.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createAccount } from "../src/accounts/create-account.js";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { ChangeNotifications } from "../src/db/notifications.js";
import { registerApiKeyAuth } from "../src/http/api-key-auth.js";
import { buildApp } from "../src/http/app.js";
import { createKey } from "../src/keys/create-key.js";
import type { KeyVerifier } from "../src/keys/verify-key.js";
import { findUserByEmail } from "../src/users/list-users.js";
import { actorForUser } from "../src/users/user-view.js";

const config = loadConfig({ ...process.env, KEYWARD_LOG_LEVEL: "warn" });
const database = await openDatabase(config.databaseUrl);
await migrateToLatest(database);
const notifications = database.notifications ? new ChangeNotifications({ database }) : undefined;
const keyward = await buildApp({
  config,
  database,
  ...(notifications ? { publishChanges: notifications.publishChanges } : {}),
});
notifications?.start();
await notifications?.waitUntilSubscribed(10_000);
await registerPingRoutes(keyward.app, keyward.verifier);

const email = `bench-${randomBytes(4).toString("hex")}@example.test`;
await createAccount(keyward.ctx, {
  account: { name: "Bench Marketplace", adminEmail: email, adminPassword: "correct-horse-battery-staple" },
});
const user = await findUserByEmail(keyward.ctx.db, email);
if (!user) throw new Error("bench administrator missing");
const { secret } = await createKey(keyward.ctx, {
  actor: actorForUser(user, null),
  name: "Bench key",
  permissions: { all: true },
});

await keyward.app.listen({ port: 0, host: "127.0.0.1" });
const address = keyward.app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, secret, pid: process.pid })}\n`);
process.on("SIGTERM", () => {
  void keyward.app
    .close()
    .then(() => notifications?.close())
    .then(() => database.close())
    .then(() => process.exit(0));
});

/** The same handler twice: `/bench/ping` (no authentication) and `/api/v1/bench/ping` (API key). */
async function registerPingRoutes(app: FastifyInstance, verifier: KeyVerifier): Promise<void> {
  // Declares a permission like every marketplace route, so the permission check runs too.
  const options = { config: { permission: { section: "reporting", access: "read" } } } as const;
  const handler = async () => ({ ok: true });
  app.get("/bench/ping", options, handler);
  await app.register(
    async (scope) => {
      registerApiKeyAuth(scope, verifier);
      scope.get("/bench/ping", options, handler);
    },
    { prefix: "/api/v1" },
  );
}
