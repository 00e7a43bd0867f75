import { createCanary } from "../../../src/leaks/canaries.js";
import { newId } from "../../../src/shared/ids.js";
import { createEndpoint } from "../../../src/webhooks/endpoints.js";
import type { TestApp } from "../../support/test-app.js";

/** A notification in the user's bell, written as the outbox worker writes one. */
export async function inboxIdFor(t: TestApp, accountId: string, userId: string): Promise<string> {
  const id = newId("ntf");
  await t.database.db
    .insertInto("inbox_notifications")
    .values({
      id,
      account_id: accountId,
      user_id: userId,
      event_id: newId("evt"),
      event_type: "key.expiring",
      title: "Probe notification",
      body: "For the hardening suites.",
      created_at: new Date().toISOString(),
    })
    .execute();
  return id;
}

/**
 * Real ids of an account's webhook endpoint, canary and one of the user's notifications, for the routes
 * that name them (Settings > Webhooks, canaries, the bell). The endpoint's URL is a public address literal,
 * so nothing is resolved.
 */
export async function leakIdsOf(
  t: TestApp,
  accountId: string,
  user: { userId: string; email: string },
): Promise<{ webhooks: string; canaries: string; inbox: string }> {
  const operator = { type: "operator" as const, accountId, ip: null };
  const { endpoint } = await createEndpoint(t.ctx, {
    actor: operator,
    input: { url: "https://93.184.215.14/hooks", events: ["key.revoked"] },
    settings: { allowPrivate: false },
  });
  const admin = {
    type: "user" as const,
    userId: user.userId,
    accountId,
    email: user.email,
    role: "administrator" as const,
    hasApiAccess: true,
    ip: null,
  };
  const { canary } = await createCanary(t.ctx, { actor: admin, input: { name: "Hardening canary" } });
  return { webhooks: endpoint.id, canaries: canary.id, inbox: await inboxIdFor(t, accountId, user.userId) };
}
