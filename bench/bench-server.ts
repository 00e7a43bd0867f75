// A Keyward app for the "limit" benchmark: the real app (buildApp) plus two identical bench-only routes,
// one behind the production API-key hook and one without it. Prints one JSON line when listening:
// { "port", "secret", "pid" }. Run by bench/run.ts in its own process.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createAccount } from "../src/accounts/create-account.js";
import { loadConfig } from "../src/config.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { changeNotificationsFor } from "../src/db/notifications/change-notifications.js";
import { openDatabase } from "../src/db/open-database.js";
import { registerApiKeyAuth } from "../src/http/api-key-auth.js";
import { buildApp } from "../src/http/app.js";
import { createKey } from "../src/keys/create-key.js";
import type { KeyVerifier } from "../src/keys/verification/verify-key.js";
import { createUser } from "../src/users/create-user.js";
import { findUserByEmail } from "../src/users/list-users.js";
import { grantApiAccess } from "../src/users/set-api-access.js";
import { actorForUser } from "../src/users/user-view.js";

const config = loadConfig({ ...process.env, KEYWARD_LOG_LEVEL: "warn" });
const database = await openDatabase(config.databaseUrl);
await migrateToLatest(database);
const notifications = changeNotificationsFor(database);
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
const admin = await findUserByEmail(keyward.ctx.db, email);
if (!admin) throw new Error("bench administrator missing");
// The key carries every check a verification can make, as production keys now may: its owner is a
// Manager with a permission ceiling, and it has an expiry, a 10-entry IP allowlist and a rate limit
// high enough never to trigger. Usage counting is always on.
const managerEmail = `bench-manager-${randomBytes(4).toString("hex")}@example.test`;
const manager = await createUser(keyward.ctx, {
  actor: actorForUser(admin, null),
  user: {
    email: managerEmail,
    name: "Bench Manager",
    role: "marketplace_manager",
    password: "correct-horse-battery-staple",
    apiAccess: true,
  },
});
await grantApiAccess(keyward.ctx, {
  actor: actorForUser(admin, null),
  userId: manager.id,
  ceiling: { all: false, sections: { reporting: "read", orders: "read" } },
});
const owner = await findUserByEmail(keyward.ctx.db, managerEmail);
if (!owner) throw new Error("bench manager missing");
const allowedIps = ["127.0.0.1", "::1", "10.0.0.0/8", "192.168.1.0/24", "203.0.113.7", "198.51.100.0/24"];
allowedIps.push("2001:db8::/32", "172.16.0.0/12", "100.64.0.0/10", "203.0.113.200");
const { secret } = await createKey(keyward.ctx, {
  actor: actorForUser(owner, null),
  name: "Bench key",
  permissions: { all: false, sections: { reporting: "read" } },
  expiresIn: "30d",
  allowedIps,
  rateLimit: "1000000/s",
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
