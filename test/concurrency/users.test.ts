import { describe, expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import { createUser } from "../../src/users/create-user.js";
import { clusterPassword } from "../scale/cluster.js";
import { uniqueEmail } from "../support/test-app.js";
import { seedAdministrators, setUpTwoInstances, signInOn, simultaneously } from "./support/two-instances.js";

// Each race is repeated: one lucky interleaving proves nothing. On SQLite every write transaction
// begins IMMEDIATE, so these pass there by construction; on PostgreSQL they need the row locks.
const trials = 12;
const instances = setUpTwoInstances();

async function activeAdministrators(ctx: Context, accountId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("users")
    .select("id")
    .where("account_id", "=", accountId)
    .where("role", "=", "administrator")
    .where("deactivated_at", "is", null)
    .execute();
  return rows.map((row) => row.id);
}

async function countEvents(ctx: Context, accountId: string, action: string): Promise<number> {
  const rows = await ctx.db
    .selectFrom("audit_events")
    .select("id")
    .where("account_id", "=", accountId)
    .where("action", "=", action)
    .execute();
  return rows.length;
}

describe("'At least one active Administrator' under concurrent requests on two instances", {
  timeout: 120_000,
}, () => {
  it("leaves exactly one active when the last two Administrators deactivate each other at once", async () => {
    const { urls, ctx } = instances();
    for (let trial = 0; trial < trials; trial++) {
      const { accountId, administrators } = await seedAdministrators(ctx, 2);
      const [a, b] = administrators;
      if (!a || !b) throw new Error("two administrators expected");
      const [onFirst, onSecond] = await Promise.all([signInOn(urls[0], a.email), signInOn(urls[1], b.email)]);

      const statuses = await simultaneously([
        () => onFirst.request("POST", `/console/api/users/${b.userId}/deactivate`),
        () => onSecond.request("POST", `/console/api/users/${a.userId}/deactivate`),
      ]);

      expect(await activeAdministrators(ctx, accountId), `trial ${trial}: ${statuses}`).toHaveLength(1);
      expect(
        statuses.filter((status) => status === 200),
        `trial ${trial}`,
      ).toHaveLength(1);
      // The loser is refused (409), or finds its session already ended with its deactivation (401).
      expect([401, 409]).toContain(statuses.find((status) => status !== 200));
      expect(await countEvents(ctx, accountId, "user.deactivated")).toBe(1);
    }
  });

  it("keeps one active when three Administrators deactivate each other in a ring at once", async () => {
    const { urls, ctx } = instances();
    for (let trial = 0; trial < trials; trial++) {
      const { accountId, administrators } = await seedAdministrators(ctx, 3);
      const sessions = await Promise.all(
        administrators.map((admin, index) => signInOn(urls[index % 2] as string, admin.email)),
      );
      const statuses = await simultaneously(
        sessions.map((session, index) => {
          const target = administrators[(index + 1) % administrators.length];
          return () => session.request("POST", `/console/api/users/${target?.userId}/deactivate`);
        }),
      );
      const active = await activeAdministrators(ctx, accountId);
      expect(active.length, `trial ${trial}: ${statuses}`).toBeGreaterThanOrEqual(1);
      expect(await countEvents(ctx, accountId, "user.deactivated")).toBe(3 - active.length);
    }
  });

  it("deactivates a user once when two Administrators deactivate them at once", async () => {
    const { urls, ctx } = instances();
    for (let trial = 0; trial < trials; trial++) {
      const { accountId, administrators } = await seedAdministrators(ctx, 2);
      const manager = await createUser(ctx, {
        actor: { type: "operator", accountId, ip: null },
        user: {
          email: uniqueEmail("manager"),
          name: "M",
          role: "marketplace_manager",
          password: clusterPassword,
        },
      });
      const sessions = await Promise.all(
        administrators.map((admin, index) => signInOn(urls[index] as string, admin.email)),
      );
      const statuses = await simultaneously(
        sessions.map(
          (session) => () => session.request("POST", `/console/api/users/${manager.id}/deactivate`),
        ),
      );
      expect(statuses.sort(), `trial ${trial}`).toEqual([200, 409]);
      expect(await countEvents(ctx, accountId, "user.deactivated")).toBe(1);
    }
  });

  it("records one change when two Administrators remove a Manager's API access at once", async () => {
    // No "at least one" rule applies to API access (Administrators always have it; a Manager may lose
    // it), but the same check-then-write must not record the removal twice or from a stale "before".
    const { urls, ctx } = instances();
    for (let trial = 0; trial < trials; trial++) {
      const { accountId, administrators } = await seedAdministrators(ctx, 2);
      const manager = await createUser(ctx, {
        actor: { type: "operator", accountId, ip: null },
        user: {
          email: uniqueEmail("manager"),
          name: "M",
          role: "marketplace_manager",
          password: clusterPassword,
          apiAccess: true,
        },
      });
      const sessions = await Promise.all(
        administrators.map((admin, index) => signInOn(urls[index] as string, admin.email)),
      );
      const statuses = await simultaneously(
        sessions.map(
          (session) => () => session.request("DELETE", `/console/api/users/${manager.id}/api-access`),
        ),
      );
      expect(statuses, `trial ${trial}`).toEqual([200, 200]);
      expect(await countEvents(ctx, accountId, "user.api_access_removed"), `trial ${trial}`).toBe(1);
    }
  });
});
