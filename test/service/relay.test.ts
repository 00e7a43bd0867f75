import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeywardVerifier } from "../../packages/verify/src/verifier.js";
import { ChangeNotifications } from "../../src/db/notifications/change-notifications.js";
import { openDatabase } from "../../src/db/open-database.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { createServiceToken, listen } from "./support.js";

const isPostgres = process.env.KEYWARD_TEST_POSTGRES !== undefined;

describe.skipIf(!isPostgres)("A verifier subscribed to another instance (PostgreSQL)", () => {
  const closers: (() => Promise<void>)[] = [];
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const { url, drop } = await createTestDatabaseUrl();
    closers.push(drop);
    const start = async () => {
      const database = await openDatabase(url);
      const notifications = new ChangeNotifications({
        database: {
          ...database,
          notifications: database.notifications as NonNullable<typeof database.notifications>,
        },
      });
      const t = await createTestApp({ databaseUrl: url, publishChanges: notifications.publishChanges });
      notifications.start();
      await notifications.waitUntilSubscribed(5_000);
      closers.unshift(async () => {
        await t.close();
        await notifications.close();
        await database.close();
      });
      return t;
    };
    first = await start();
    second = await start();
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it("rejects a key revoked on the first instance on the very next request, 5 of 5 rounds", async () => {
    const account = await createTestAccount(first);
    const token = await createServiceToken(account.admin);
    const verifier = createKeywardVerifier({ url: await listen(second), serviceToken: token.secret });
    await verifier.ready();
    try {
      for (let round = 1; round <= 5; round++) {
        const key = await generateKey(account.admin, { all: true });
        await verifier.verify({ key: key.secret });
        const hits = verifier.stats.cacheHits;
        expect((await verifier.verify({ key: key.secret })).valid).toBe(true);
        expect(verifier.stats.cacheHits).toBe(hits + 1);
        const revoke = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
        expect(revoke.statusCode).toBe(200);
        expect(await verifier.verify({ key: key.secret }), `round ${round}`).toMatchObject({
          valid: false,
          code: "revoked_api_key",
        });
      }
    } finally {
      verifier.close();
    }
  });
});
