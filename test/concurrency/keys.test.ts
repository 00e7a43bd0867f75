import { describe, expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import { type ConsoleSession, createKeyOverHttp } from "../scale/cluster.js";
import { seedAdministrators, setUpTwoInstances, signInOn, simultaneously } from "./support/two-instances.js";

// On SQLite every write transaction begins IMMEDIATE, so these pass there by construction; on
// PostgreSQL an edit that read the key before a revoke committed used to write after it.
const trials = 30;
const instances = setUpTwoInstances();

async function keyEvents(ctx: Context, keyId: string) {
  const rows = await ctx.db
    .selectFrom("audit_events")
    .select(["action", "details"])
    .where("target_id", "=", keyId)
    .execute();
  return rows.map((row) => ({ action: row.action, details: JSON.parse(row.details) as { name?: string } }));
}

async function twoAdministratorsOnTwoInstances(): Promise<[ConsoleSession, ConsoleSession]> {
  const { urls, ctx } = instances();
  const { administrators } = await seedAdministrators(ctx, 2);
  const [a, b] = administrators;
  if (!a || !b) throw new Error("two administrators expected");
  return Promise.all([signInOn(urls[0], a.email), signInOn(urls[1], b.email)]);
}

describe("Revoked is final under concurrent requests on two instances", { timeout: 120_000 }, () => {
  it("never changes a revoked key when edits race its revocation", async () => {
    const { ctx } = instances();
    const [first, second] = await twoAdministratorsOnTwoInstances();
    for (let trial = 0; trial < trials; trial++) {
      const key = await createKeyOverHttp(first);
      const edit = (session: ConsoleSession, label: string) => () =>
        session.request("PATCH", `/console/api/keys/${key.id}`, {
          name: `${label} ${trial}`,
          permissions: { all: false, sections: { orders: "read" } },
        });
      const statuses = await simultaneously([
        edit(first, "Edited on A"),
        () => second.request("POST", `/console/api/keys/${key.id}/revoke`),
        edit(second, "Edited on B"),
        edit(first, "Edited again on A"),
      ]);

      expect(statuses[1], `trial ${trial}`).toBe(200);
      for (const status of [statuses[0], statuses[2], statuses[3]]) expect([200, 409]).toContain(status);
      const row = await ctx.db
        .selectFrom("api_keys")
        .select(["name", "revoked_at"])
        .where("id", "=", key.id)
        .executeTakeFirstOrThrow();
      expect(row.revoked_at).not.toBeNull();
      // The revocation recorded the key as it was then; nothing may have changed it since.
      const revoked = (await keyEvents(ctx, key.id)).filter((event) => event.action === "api_key.revoked");
      expect(revoked).toHaveLength(1);
      expect(row.name, `trial ${trial}: ${statuses}`).toBe(revoked[0]?.details.name);
    }
  });

  it("revokes once when two Administrators revoke the same key at once", async () => {
    const { ctx } = instances();
    const [first, second] = await twoAdministratorsOnTwoInstances();
    for (let trial = 0; trial < trials / 3; trial++) {
      const key = await createKeyOverHttp(first);
      const statuses = await simultaneously([
        () => first.request("POST", `/console/api/keys/${key.id}/revoke`),
        () => second.request("POST", `/console/api/keys/${key.id}/revoke`),
      ]);
      expect(statuses.sort(), `trial ${trial}`).toEqual([200, 409]);
      const events = await keyEvents(ctx, key.id);
      expect(events.filter((event) => event.action === "api_key.revoked")).toHaveLength(1);
    }
  });
});
