import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { createKeyOverHttp } from "../scale/cluster.js";
import { seedAdministrators, setUpTwoInstances, signInOn, simultaneously } from "./support/two-instances.js";

const instances = setUpTwoInstances();

async function countEvents(accountId: string): Promise<number> {
  const rows = await instances()
    .ctx.db.selectFrom("audit_events")
    .select("id")
    .where("account_id", "=", accountId)
    .execute();
  return rows.length;
}

function wrongPasswordOn(url: string, email: string) {
  return () =>
    fetch(`${url}/console/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "not-the-password-at-all" }),
    });
}

describe("The audit chain with two instances writing at once", { timeout: 120_000 }, () => {
  it("keeps one unbroken chain when two instances write an account's events at once", async () => {
    const { urls, ctx } = instances();
    const { accountId, administrators } = await seedAdministrators(ctx, 2);
    const [a, b] = administrators;
    if (!a || !b) throw new Error("two administrators expected");
    const sessions = await Promise.all([signInOn(urls[0], a.email), signInOn(urls[1], b.email)]);
    const keys = await Promise.all(sessions.map((session) => createKeyOverHttp(session)));
    const before = await countEvents(accountId);

    // Key creations, edits and failed sign-ins (recorded outside any other change) on both instances.
    const requests = sessions.flatMap((session, index) => [
      ...Array.from(
        { length: 12 },
        (_, n) => () =>
          session.request("POST", "/console/api/keys", {
            name: `Key ${index}-${n}`,
            permissions: { all: true },
          }),
      ),
      ...Array.from(
        { length: 4 },
        (_, n) => () =>
          session.request("PATCH", `/console/api/keys/${keys[index]?.id}`, { name: `Edited ${index}-${n}` }),
      ),
      wrongPasswordOn(urls[index] as string, a.email),
      wrongPasswordOn(urls[index] as string, b.email),
    ]);
    const statuses = await simultaneously(requests);

    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(await countEvents(accountId)).toBe(before + requests.length);
    expect(await verifyAuditChain(ctx.db, { accountId })).toMatchObject({
      isIntact: true,
      events: before + requests.length,
      head: { seq: before + requests.length },
    });
  });
});
