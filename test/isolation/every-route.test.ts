import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteInfo } from "../../src/http/app.js";
import { createDemoIds } from "../../src/marketplace/demo/demo-ids.js";
import { sections } from "../../src/marketplace/sections.js";
import { fingerprint } from "../hardening/support/fingerprint.js";
import { inboxIdFor, leakIdsOf } from "../hardening/support/leak-ids.js";
import { callWithKey, marketplaceIds } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import {
  fillPath,
  isConsoleRoute,
  isLeakReportRoute,
  isMarketplaceRoute,
  type ResourceIds,
  readRouteShapes,
  resourceOf,
  routeKey,
  shapeOf,
  validBodyFor,
} from "../hardening/support/routes.js";
import { type OpenSession, openSession, sessionIdOf } from "../hardening/support/sessions.js";
import { createServiceToken } from "../service/support.js";
import { createTestAccount, generateKey, type TestAccount, testPassword } from "../support/accounts.js";
import { createTestApp } from "../support/test-app.js";

// Generated from the route table: every console and marketplace route gets its tests without anyone
// remembering to add them. A route the suite can't call (unknown path parameter, no known valid body)
// makes the file fail, never skip.
const t = await createTestApp();
afterAll(async () => t.close());
const shapes = readRouteShapes(t.app);

/**
 * Console routes a Marketplace Manager with API access may call. Every other console route is for
 * Administrators alone, so a new console route is expected to answer a Manager 403 until someone adds it
 * here on purpose.
 */
const managerRoutes = new Set([
  "POST /console/api/session",
  "GET /console/api/session",
  "DELETE /console/api/session",
  "GET /console/api/sections",
  "GET /console/api/catalogue",
  "GET /console/api/keys",
  "POST /console/api/keys",
  "GET /console/api/keys/:id",
  "PATCH /console/api/keys/:id",
  "POST /console/api/keys/:id/roll",
  "GET /console/api/keys/:id/usage",
  "GET /console/api/keys/:id/advice",
  "POST /console/api/keys/:id/dry-run",
  "GET /console/api/account/policy",
  "GET /console/api/session/sessions",
  "DELETE /console/api/session/sessions/:id",
  "POST /console/api/session/sessions/end-others",
  "POST /console/api/session/password",
  // The bell: every user's own notifications.
  "GET /console/api/inbox",
  "POST /console/api/inbox/:id/read",
  "POST /console/api/inbox/read-all",
]);

/** Marketplace routes any valid key may call; every other one must declare the permission it needs. */
const routesWithoutPermission = new Set(["GET /api/v1/key", "GET /api/v1/events"]);

/** Query parameters that name a record, and the resource they name. */
const idQueryFields: Record<string, keyof ResourceIds> = {
  sellerId: "sellers",
  actorId: "users",
  ownerId: "users",
};

interface World {
  a: TestAccount;
  aKey: string;
  b: TestAccount;
  bIds: ResourceIds;
  /** Strings that only account B's data contains: ids, emails, the marketplace id tag. */
  bMarkers: string[];
  aMarket: Awaited<ReturnType<typeof marketplaceIds>>;
}
let world: World;

beforeAll(async () => {
  const a = await createTestAccount(t, "Account A");
  const b = await createTestAccount(t, "Account B");
  const aKey = (await generateKey(a.admin)).secret;
  const bManager = await b.addManager({ apiAccess: true });
  const bKey = await generateKey(b.admin, { all: true }, "B's reporting key");
  await generateKey(bManager, { all: false, sections: { reporting: "read" } }, "B manager's key");
  const bMarket = await marketplaceIds(t.database.db, b.accountId);
  const db = t.database.db;
  const ofB = async (table: "api_keys" | "users" | "audit_events" | "service_tokens") =>
    (await db.selectFrom(table).select("id").where("account_id", "=", b.accountId).execute()).map(
      (row) => row.id,
    );
  const bEmails = (
    await db.selectFrom("users").select("email").where("account_id", "=", b.accountId).execute()
  ).map((row) => row.email);
  const bSessions = (
    await db.selectFrom("sessions").select("public_id").where("account_id", "=", b.accountId).execute()
  ).map((row) => row.public_id);
  const tag = createDemoIds(b.accountId)("sel", 0).split("_")[1] ?? "";
  const bLeakIds = await leakIdsOf(t, b.accountId, b.admin);
  world = {
    a,
    aKey,
    b,
    bIds: {
      keys: bKey.id,
      users: bManager.userId,
      orders: bMarket.paidOrders[0] ?? "",
      products: bMarket.products[0] ?? "",
      sellers: bMarket.sellers[0] ?? "",
      sessions: bSessions[0] ?? "",
      ...bLeakIds,
      "service-tokens": (await createServiceToken(b.admin, "B's backend")).id,
    },
    bMarkers: [
      b.accountId,
      ...(await ofB("api_keys")),
      ...(await ofB("users")),
      ...(await ofB("audit_events")),
      ...(await ofB("service_tokens")),
      ...bEmails,
      ...bSessions,
      ...Object.values(bLeakIds),
      `_${tag}_`,
    ],
    aMarket: await marketplaceIds(t.database.db, a.accountId),
  };
});

let nextPaidOrder = 0;
/**
 * A fresh record of account A for a route, so a positive control never depends on another test's
 * leftovers; a session is another one of the acting user's.
 */
async function ownIdsOfA(route: RouteInfo, actorEmail: string): Promise<ResourceIds> {
  const market = world.aMarket;
  const isSessionRoute = resourceOf(route) === "sessions";
  return {
    sessions: isSessionRoute ? await sessionIdOf(t, await openSession(t, actorEmail)) : "",
    keys: (await generateKey(world.a.admin)).id,
    users: (await world.a.addManager({ apiAccess: true })).userId,
    orders: market.paidOrders[nextPaidOrder++] ?? `no paid order left for ${routeKey(route)}`,
    products: market.products[0] ?? "",
    sellers: market.sellers[0] ?? "",
    ...(await ownLeakIdsOfA(route, actorEmail)),
    "service-tokens": (await createServiceToken(world.a.admin)).id,
  };
}

/** A's own endpoint, canary and a notification of the acting user, made only for routes that name them. */
async function ownLeakIdsOfA(route: RouteInfo, actorEmail: string) {
  const resource = resourceOf(route);
  if (resource !== "webhooks" && resource !== "canaries" && resource !== "inbox") {
    return { webhooks: "", canaries: "", inbox: "" };
  }
  const actor = await t.database.db
    .selectFrom("users")
    .select("id")
    .where("account_id", "=", world.a.accountId)
    .where("email", "=", actorEmail)
    .executeTakeFirstOrThrow();
  return leakIdsOf(t, world.a.accountId, { userId: actor.id, email: actorEmail });
}

function bodyOf(route: RouteInfo, email: string): unknown {
  return shapeOf(shapes, route).takesBody
    ? validBodyFor(route, { email, password: testPassword })
    : undefined;
}

/** Query parameters filled with ids of the given ids (e.g. `sellerId=<B's seller>`); loud for unknown *Id fields. */
function idQuery(route: RouteInfo, ids: ResourceIds): string {
  const params = new URLSearchParams();
  for (const field of shapeOf(shapes, route).queryFields) {
    const resource = idQueryFields[field];
    if (resource) params.set(field, ids[resource]);
    else if (/Id$/.test(field))
      throw new Error(`The isolation suite doesn't know what ${field} of ${routeKey(route)} names.`);
  }
  return params.size > 0 ? `?${params}` : "";
}

async function call(
  route: RouteInfo,
  as: { session?: OpenSession; key?: string },
  url: string,
  body: unknown,
): Promise<LightMyRequestResponse> {
  if (isMarketplaceRoute(route)) {
    return callWithKey(t, as.key ?? "", url, { method: route.method as "GET", payload: body });
  }
  if (!as.session) throw new Error("a console call needs a session");
  return as.session.request(route.method as "GET", url, body);
}

/** Fails if the response holds any of B's markers — other than an id A itself sent, which a 404 may echo. */
function expectNothingOfB(response: LightMyRequestResponse, label: string, sent = "") {
  const body = sent ? response.body.replaceAll(sent, "") : response.body;
  const leaked = world.bMarkers.filter((marker) => body.includes(marker));
  expect(leaked, `${label} leaked account B's data: ${response.body.slice(0, 300)}`).toEqual([]);
}

const apiRoutes = t.routes.filter((route) => isConsoleRoute(route) || isMarketplaceRoute(route));
// Leak reports are public and cross-account by design (any key, any account): test/leaks covers them.

describe("the route table", () => {
  it("has console and marketplace routes for the suites to cover", () => {
    expect(t.routes.filter(isConsoleRoute).length).toBeGreaterThan(8);
    expect(t.routes.filter(isMarketplaceRoute).length).toBeGreaterThan(5);
    // The verification API (/service/v1, service tokens) has its own isolation tests in test/service/.
    expect(apiRoutes).toEqual(
      t.routes.filter((route) => !isLeakReportRoute(route) && !route.url.startsWith("/service/v1/")),
    );
  });

  it("has a declared permission on every marketplace route except the key's own description", () => {
    const undeclared = t.routes
      .filter(
        (route) =>
          isMarketplaceRoute(route) && !route.permission && !routesWithoutPermission.has(routeKey(route)),
      )
      .map(routeKey);
    expect(undeclared).toEqual([]);
  });
});

describe("account A gets nothing of account B", () => {
  for (const route of apiRoutes) {
    const resource = resourceOf(route);
    const name = resource
      ? `${routeKey(route)} with B's ${resource} id answers A 404 and changes nothing, while A's own id works`
      : `${routeKey(route)} shows A none of B's data`;
    it(name, async () => {
      // A fresh Administrator of A on each console route: some change their caller (password, sessions).
      const actorEmail = isConsoleRoute(route)
        ? (await world.a.addAdministrator()).email
        : world.a.admin.email;
      const session = isConsoleRoute(route) ? await openSession(t, actorEmail) : undefined;
      const as = { ...(session ? { session } : {}), key: world.aKey };
      const body = bodyOf(route, actorEmail);
      if (resource) {
        const before = await fingerprint(t.database.db);
        const theirs = await call(route, as, fillPath(route, world.bIds), body);
        expect(theirs.statusCode, `${routeKey(route)}: ${theirs.body}`).toBe(404);
        expectError(theirs, 404, "not_found");
        expectNothingOfB(theirs, routeKey(route), world.bIds[resource]);
        expect(await fingerprint(t.database.db)).toEqual(before);
      }
      const own = resource ? await ownIdsOfA(route, actorEmail) : world.bIds;
      const url = resource ? fillPath(route, own) : `${route.url}${idQuery(route, world.bIds)}`;
      const response = await call(route, as, url, bodyOf(route, actorEmail));
      expect(response.statusCode, `${routeKey(route)} as A: ${response.body.slice(0, 300)}`).toBeLessThan(
        300,
      );
      expectNothingOfB(response, routeKey(route));
    });
  }
});

describe("a Marketplace Manager gets nothing an Administrator alone may have", () => {
  it("has an allow-list that names only existing console routes", () => {
    const known = new Set(t.routes.map(routeKey));
    expect([...managerRoutes].filter((key) => !known.has(key))).toEqual([]);
  });

  for (const route of t.routes.filter(isConsoleRoute)) {
    const isAllowed = managerRoutes.has(routeKey(route));
    const name = isAllowed
      ? `${routeKey(route)} is open to a Manager with API access, for their own records`
      : `${routeKey(route)} answers a Manager with API access 403 and changes nothing`;
    it(name, async () => {
      const manager = await world.a.addManager({ apiAccess: true });
      const session = await openSession(t, manager.email);
      const ids: ResourceIds = {
        ...world.bIds,
        keys: (await generateKey(manager)).id,
        users: (await world.a.addManager({ apiAccess: true })).userId,
        sessions: await sessionIdOf(t, await openSession(t, manager.email)),
        inbox: await inboxIdFor(t, world.a.accountId, manager.userId),
      };
      const url = fillPath(route, ids);
      const body = bodyOf(route, manager.email);
      const before = await fingerprint(t.database.db);
      const response = await session.request(route.method as "GET", url, body);
      if (isAllowed) {
        expect(response.statusCode, `${routeKey(route)}: ${response.body.slice(0, 300)}`).toBeLessThan(300);
      } else {
        expect(response.statusCode, `${routeKey(route)}: ${response.body.slice(0, 300)}`).toBe(403);
        expectError(response, 403, "administrator_required");
        expect(await fingerprint(t.database.db)).toEqual(before);
      }
    });
  }

  it("hides an Administrator's key from a Manager: 404 to read or edit, absent from the list", async () => {
    const manager = await world.a.addManager({ apiAccess: true });
    const session = await openSession(t, manager.email);
    const adminKey = await generateKey(world.a.admin, { all: true }, "Administrator's key");
    expectError(await session.request("GET", `/console/api/keys/${adminKey.id}`), 404, "not_found");
    expectError(
      await session.request("PATCH", `/console/api/keys/${adminKey.id}`, { name: "Mine now" }),
      404,
      "not_found",
    );
    const list = await session.request("GET", "/console/api/keys?status=all&limit=100");
    expect(list.body).not.toContain(adminKey.id);
  });

  it("refuses every key route to a Manager without API access with 403 api_access_required", async () => {
    const manager = await world.a.addManager({ apiAccess: false });
    const session = await openSession(t, manager.email);
    const keyRoutes = t.routes.filter((route) => route.url.startsWith("/console/api/keys"));
    expect(keyRoutes.length).toBeGreaterThanOrEqual(4);
    const someKey = await generateKey(world.a.admin);
    for (const route of keyRoutes) {
      const response = await session.request(
        route.method as "GET",
        fillPath(route, { ...world.bIds, keys: someKey.id }),
        bodyOf(route, manager.email),
      );
      expect(response.statusCode, `${routeKey(route)}: ${response.body}`).toBe(403);
      expect((response.json() as { error: { code: string } }).error.code).toMatch(
        /^(api_access_required|administrator_required)$/,
      );
    }
  });
});

describe("a key reaches only the sections it was granted", () => {
  const guarded = t.routes.filter((route) => isMarketplaceRoute(route) && route.permission);
  for (const route of guarded) {
    const permission = route.permission ?? { section: "", access: "" };
    it(`${routeKey(route)} needs ${permission.section}:${permission.access}`, async () => {
      const account = await createTestAccount(t);
      const market = await marketplaceIds(t.database.db, account.accountId);
      const ids: ResourceIds = {
        keys: "",
        users: "",
        orders: market.paidOrders[0] ?? "",
        products: market.products[0] ?? "",
        sellers: market.sellers[0] ?? "",
        sessions: "",
        webhooks: "",
        canaries: "",
        inbox: "",
        "service-tokens": "",
      };
      const other = sections.find((section) => section.id !== permission.section)?.id ?? "reporting";
      const noAccess = await generateKey(account.admin, { all: false, sections: { [other]: "read" } });
      const readOnly = await generateKey(account.admin, {
        all: false,
        sections: { [permission.section]: "read" },
      });
      const url = fillPath(route, ids);
      const body = bodyOf(route, account.admin.email);
      const before = await fingerprint(t.database.db);
      const refused = await callWithKey(t, noAccess.secret, url, {
        method: route.method as "GET",
        payload: body,
      });
      expectError(refused, 403, "insufficient_permissions");
      expect(refused.json()).toMatchObject({
        error: { message: expect.stringContaining(`${permission.section}:${permission.access}`) },
      });
      if (permission.access === "write") {
        const response = await callWithKey(t, readOnly.secret, url, {
          method: route.method as "GET",
          payload: body,
        });
        expectError(response, 403, "insufficient_permissions");
      }
      expect(await fingerprint(t.database.db)).toEqual(before);
      const exact = await generateKey(account.admin, {
        all: false,
        sections: { [permission.section]: permission.access as "read" | "write" },
      });
      const allowed = await callWithKey(t, exact.secret, url, {
        method: route.method as "GET",
        payload: body,
      });
      expect(allowed.statusCode, `${routeKey(route)}: ${allowed.body.slice(0, 300)}`).toBeLessThan(300);
    });
  }
});
