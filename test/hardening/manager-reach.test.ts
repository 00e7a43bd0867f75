import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey, type TestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { fingerprint } from "./support/fingerprint.js";
import { expectError } from "./support/responses.js";
import { fillPath, readRouteShapes, routeKey, shapeOf, validBodyFor } from "./support/routes.js";
import { openSession } from "./support/sessions.js";

// Issue #9, Medium 7: nothing may let a Manager see more than an Administrator can — in particular
// nothing of another user's keys, sessions or audit events. (Permission ceilings: test/hygiene.)
let t: TestApp;
let account: TestAccount;
beforeAll(async () => {
  t = await createTestApp();
  account = await createTestAccount(t);
});
const shapes = () => readRouteShapes(t.app);
afterAll(async () => t.close());

describe("what a Marketplace Manager can reach of other users' records", () => {
  it("answers 404 and changes nothing on every key route open to Managers, for a colleague's key and an Administrator's", async () => {
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: true });
    const session = await openSession(t, manager.email);
    const foreign = [
      (await generateKey(colleague, { all: false, sections: { reporting: "read" } }, "Colleague's key")).id,
      (await generateKey(account.admin, { all: true }, "Administrator's key")).id,
    ];
    const keyRoutes = t.routes.filter((route) => route.url.startsWith("/console/api/keys/:id"));
    expect(keyRoutes.map(routeKey)).toEqual(
      expect.arrayContaining([
        "GET /console/api/keys/:id",
        "PATCH /console/api/keys/:id",
        "POST /console/api/keys/:id/roll",
        "GET /console/api/keys/:id/usage",
        "GET /console/api/keys/:id/advice",
        "POST /console/api/keys/:id/dry-run",
      ]),
    );
    for (const route of keyRoutes) {
      for (const id of foreign) {
        const before = await fingerprint(t.database.db);
        const body = shapeOf(shapes(), route).takesBody
          ? validBodyFor(route, { email: manager.email, password: testPassword })
          : undefined;
        const response = await session.request(route.method as "GET", fillPath(route, { keys: id }), body);
        expect(
          response.statusCode,
          `${routeKey(route)}: ${response.body.slice(0, 200)}`,
        ).toBeGreaterThanOrEqual(403);
        expect(response.statusCode).toBeLessThanOrEqual(404);
        expect(response.body).not.toContain("Colleague's key");
        expect(response.body).not.toContain("Administrator's key");
        expect(await fingerprint(t.database.db)).toEqual(before);
      }
    }
  });

  it("lists only the Manager's own keys, whatever owner or status filter it asks for", async () => {
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: true });
    const session = await openSession(t, manager.email);
    const own = await generateKey(manager, { all: false, sections: { reporting: "read" } }, "Own key");
    const theirs = await generateKey(colleague, { all: false, sections: { reporting: "read" } }, "Their key");
    const adminKey = await generateKey(account.admin, { all: true }, "Admin key");
    for (const query of [
      "",
      "?status=all&limit=100",
      `?ownerId=${colleague.userId}`,
      `?ownerId=${account.admin.userId}&status=all`,
    ]) {
      const response = await session.request("GET", `/console/api/keys${query}`);
      if (response.statusCode >= 400) {
        expectError(
          response,
          response.statusCode,
          (response.json() as { error: { code: string } }).error.code,
        );
        expect(response.statusCode).toBe(403);
        continue;
      }
      expect(response.body).not.toContain(theirs.id);
      expect(response.body).not.toContain(adminKey.id);
      if (!query.includes("ownerId")) expect(response.body).toContain(own.id);
    }
  });

  it("refuses a Manager the audit trail, the users list and other users' sessions, as it refuses them everything an Administrator alone has", async () => {
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: true });
    const session = await openSession(t, manager.email);
    const colleagueSession = await openSession(t, colleague.email);
    for (const url of [
      "/console/api/audit",
      `/console/api/audit?actorId=${colleague.userId}`,
      "/console/api/users",
    ]) {
      expectError(await session.request("GET", url), 403, "administrator_required");
    }
    const own = await session.request("GET", "/console/api/session/sessions");
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain(colleagueSession.token);
    const colleagueSessions = await colleagueSession.request("GET", "/console/api/session/sessions");
    for (const { id } of (colleagueSessions.json() as { items: { id: string }[] }).items) {
      expect(own.body).not.toContain(id);
      expectError(await session.request("DELETE", `/console/api/session/sessions/${id}`), 404, "not_found");
    }
    expect((await colleagueSession.request("GET", "/console/api/session")).statusCode).toBe(200);
  });
});
