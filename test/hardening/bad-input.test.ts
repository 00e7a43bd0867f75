import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteInfo } from "../../src/http/app.js";
import { createServiceToken } from "../service/support.js";
import { createTestAccount, generateKey, type TestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { fingerprint } from "./support/fingerprint.js";
import { leakIdsOf } from "./support/leak-ids.js";
import { marketplaceIds } from "./support/requests.js";
import { expectError, expectErrorShape } from "./support/responses.js";
import {
  fillPath,
  isConsoleRoute,
  isStateChanging,
  type ResourceIds,
  type RouteShape,
  readRouteShapes,
  routeKey,
  shapeOf,
  validBodyFor,
} from "./support/routes.js";
import { openSession, sessionIdOf } from "./support/sessions.js";

let t: TestApp;
let shapes: Map<string, RouteShape>;
beforeAll(async () => {
  t = await createTestApp();
  shapes = readRouteShapes(t.app);
});
afterAll(async () => t.close());

interface Caller {
  account: TestAccount;
  ids: ResourceIds;
  secret: string;
  send(
    route: RouteInfo,
    options?: { payload?: string | object; contentType?: string; query?: string; url?: string },
  ): Promise<LightMyRequestResponse>;
}

/** A fresh account with an Administrator's session, an all-permissions key and a real id of each resource. */
async function caller(): Promise<Caller> {
  const account = await createTestAccount(t);
  const session = await openSession(t, account.admin.email);
  const { secret } = await generateKey(account.admin);
  const market = await marketplaceIds(t.database.db, account.accountId);
  const serviceToken = await createServiceToken(account.admin);
  const ids: ResourceIds = {
    "service-tokens": serviceToken.id,
    keys: (await generateKey(account.admin)).id,
    users: (await account.addManager({ apiAccess: true })).userId,
    orders: market.paidOrders[0] ?? "",
    products: market.products[0] ?? "",
    sellers: market.sellers[0] ?? "",
    sessions: await sessionIdOf(t, await openSession(t, account.admin.email)),
    ...(await leakIdsOf(t, account.accountId, account.admin)),
  };
  return {
    account,
    ids,
    secret,
    send: (route, options = {}) => {
      const url = `${options.url ?? fillPath(route, ids)}${options.query ? `?${options.query}` : ""}`;
      const isConsole = isConsoleRoute(route);
      // The verification API (/service/v1) takes a service token where the marketplace API takes a key.
      const bearer = route.url.startsWith("/service/v1/") ? serviceToken.secret : secret;
      const headers: Record<string, string> = isConsole
        ? { "x-csrf-token": session.csrfToken }
        : { authorization: `Bearer ${bearer}` };
      if (options.contentType) headers["content-type"] = options.contentType;
      return t.app.inject({
        method: route.method as "POST",
        url,
        ...(isConsole ? { cookies: { keyward_session: session.token } } : {}),
        headers,
        ...(options.payload === undefined ? {} : { payload: options.payload }),
      });
    },
  };
}

const bodyRoutes = () => t.routes.filter((route) => shapeOf(shapes, route).takesBody);
const context = { email: "someone@example.test", password: testPassword };

describe("body limits and media types", () => {
  it("refuses a body over KEYWARD_BODY_LIMIT_BYTES with 413 payload_too_large on every route that changes state", async () => {
    const c = await caller();
    const before = await fingerprint(t.database.db);
    const huge = JSON.stringify({ name: "x".repeat(70_000), permissions: { all: true } });
    const routes = t.routes.filter(isStateChanging);
    expect(routes.length).toBeGreaterThan(8);
    for (const route of routes) {
      const response = await c.send(route, { payload: huge, contentType: "application/json" });
      expect(response.statusCode, `${routeKey(route)}: ${response.body}`).toBe(413);
      expectError(response, 413, "payload_too_large");
    }
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("refuses bodies that are not JSON with 415 unsupported_media_type", async () => {
    const c = await caller();
    const before = await fingerprint(t.database.db);
    const cases: [string, string][] = [
      ["application/x-www-form-urlencoded", "name=x&permissions=all"],
      [
        "multipart/form-data; boundary=x",
        '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--',
      ],
      ["text/plain", '{"name":"x","permissions":{"all":true}}'],
      ["application/xml", "<key><name>x</name></key>"],
    ];
    for (const route of bodyRoutes()) {
      for (const [contentType, payload] of cases) {
        const response = await c.send(route, { payload, contentType });
        expect(response.statusCode, `${routeKey(route)} as ${contentType}: ${response.body}`).toBe(415);
        expectError(response, 415, "unsupported_media_type");
      }
    }
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("refuses malformed JSON, an empty body and prototype-polluting keys with 400 invalid_request", async () => {
    const c = await caller();
    const before = await fingerprint(t.database.db);
    const payloads = [
      "{",
      '{"name": "x",}',
      "nul",
      "",
      '{"name":"x","permissions":{"all":true},"__proto__":{"role":"administrator"}}',
      '{"name":"x","permissions":{"all":true},"constructor":{"prototype":{"role":"administrator"}}}',
      "[".repeat(20_000) + "]".repeat(20_000),
    ];
    for (const route of bodyRoutes()) {
      for (const payload of payloads) {
        const response = await c.send(route, { payload, contentType: "application/json" });
        expect(response.statusCode, `${routeKey(route)} with ${payload.slice(0, 30)}: ${response.body}`).toBe(
          400,
        );
        expectError(response, 400, "invalid_request");
      }
    }
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("answers a malformed percent-encoding in the path with the usual error shape", async () => {
    const c = await caller();
    for (const url of [
      "/console/api/keys/%E0%A4%A",
      "/api/v1/orders/%ZZ",
      "/console/api/users/%/api-access",
    ]) {
      const route = { method: url.endsWith("api-access") ? "POST" : "GET", url, isPublic: false };
      const response = await c.send(route, { url });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
      expectError(response, 400, "invalid_request");
    }
  });
});

describe("schemas on every route", () => {
  it("declares a schema for every route, as the OpenAPI document shows", () => {
    for (const route of t.routes) expect(() => shapeOf(shapes, route), routeKey(route)).not.toThrow();
  });

  it("refuses an unknown field in every request body and names it", async () => {
    const c = await caller();
    const before = await fingerprint(t.database.db);
    const routes = bodyRoutes();
    expect(routes.map(routeKey)).toContain("POST /console/api/keys");
    for (const route of routes) {
      const body = { ...(validBodyFor(route, context) as object), isAdmin: true };
      const response = await c.send(route, { payload: body });
      expect(response.statusCode, `${routeKey(route)}: ${response.body}`).toBe(400);
      expect(expectError(response, 400, "invalid_request").message).toContain("isAdmin");
    }
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("refuses an unknown query parameter on every route that takes query parameters, and names it", async () => {
    const c = await caller();
    const routes = t.routes.filter((route) => shapeOf(shapes, route).queryFields.length > 0);
    expect(routes.length).toBeGreaterThan(3);
    const accepted: string[] = [];
    for (const route of routes) {
      const response = await c.send(route, { query: "includeDeleted=true" });
      if (response.statusCode !== 400) {
        accepted.push(`${routeKey(route)} → ${response.statusCode}`);
        continue;
      }
      expect(expectError(response, 400, "invalid_request").message).toContain("includeDeleted");
    }
    expect(accepted).toEqual([]);
  });

  it("refuses a NUL byte in every path parameter, query parameter and sign-in email with a 4xx (PostgreSQL can't store one)", async () => {
    const c = await caller();
    const before = await fingerprint(t.database.db);
    const failures: string[] = [];
    const expect4xx = (label: string, response: LightMyRequestResponse) => {
      if (response.statusCode < 400 || response.statusCode >= 500)
        failures.push(`${label} → ${response.statusCode}`);
      else expectErrorShape(response);
    };
    for (const route of t.routes) {
      if (route.url.includes(":id"))
        expect4xx(`${routeKey(route)} id`, await c.send(route, { url: route.url.replace(":id", "a%00b") }));
      for (const field of shapeOf(shapes, route).queryFields) {
        expect4xx(`${routeKey(route)} ?${field}`, await c.send(route, { query: `${field}=a%00b` }));
      }
    }
    const signIn = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: `a\u0000${c.account.admin.email}`, password: testPassword },
    });
    expect4xx("sign-in email", signIn);
    expect(failures).toEqual([]);
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("refuses an id longer than 64 characters on every route that takes one", async () => {
    const c = await caller();
    for (const route of t.routes.filter((r) => r.url.includes(":id"))) {
      const response = await c.send(route, { url: route.url.replace(":id", "k".repeat(65)) });
      expect(response.statusCode, `${routeKey(route)}: ${response.body}`).toBe(400);
      expectError(response, 400, "invalid_request");
    }
  });
});

describe("text fields", () => {
  it("trims names, emails and titles before storing them", async () => {
    const c = await caller();
    const created = await c.account.admin.request("POST", "/console/api/keys", {
      name: "  Internal Reporting Dashboard \t",
      permissions: { all: true },
    });
    expect((created.json() as { key: { name: string } }).key.name).toBe("Internal Reporting Dashboard");
    const user = await c.account.admin.request("POST", "/console/api/users", {
      email: "  Ana.Trim@Example.TEST ",
      name: "  Ana Trim  ",
      role: "marketplace_manager",
      password: testPassword,
    });
    expect(user.statusCode, user.body).toBe(201);
    expect(user.json()).toMatchObject({ email: "ana.trim@example.test", name: "Ana Trim" });
    const product = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/products/${c.ids.products}`,
      headers: { authorization: `Bearer ${c.secret}` },
      payload: { title: "   Walnut desk   " },
    });
    expect(product.statusCode, product.body).toBe(200);
    expect((product.json() as { title: string }).title).toBe("Walnut desk");
  });

  it("bounds the length of every text field and names the field that is too long", async () => {
    const c = await caller();
    const before = await fingerprint(t.database.db);
    const admin = c.account.admin;
    const key = (name: string) =>
      admin.request("POST", "/console/api/keys", { name, permissions: { all: true } });
    const user = (changes: Record<string, string>) =>
      admin.request("POST", "/console/api/users", {
        email: "bounded@example.test",
        name: "Bounded",
        role: "marketplace_manager",
        password: testPassword,
        ...changes,
      });
    const api = (url: string, payload: object) =>
      t.app.inject({ method: "PATCH", url, headers: { authorization: `Bearer ${c.secret}` }, payload });
    const cases: [string, () => Promise<LightMyRequestResponse>, string][] = [
      ["key name of 101 characters", () => key("n".repeat(101)), "name"],
      [
        "key rename of 101 characters",
        () => admin.request("PATCH", `/console/api/keys/${c.ids.keys}`, { name: "n".repeat(101) }),
        "name",
      ],
      [
        "section name of 41 characters",
        () =>
          admin.request("POST", "/console/api/keys", {
            name: "s",
            permissions: { all: false, sections: { ["s".repeat(41)]: "read" } },
          }),
        "permissions",
      ],
      ["user name of 101 characters", () => user({ name: "u".repeat(101) }), "name"],
      ["email of 255 characters", () => user({ email: `${"e".repeat(243)}@example.test` }), "email"],
      ["password of 257 characters", () => user({ password: "p".repeat(257) }), "password"],
      ["password of 11 characters", () => user({ password: "p".repeat(11) }), "password"],
      [
        "sign-in password of 257 characters",
        () =>
          t.app.inject({
            method: "POST",
            url: "/console/api/session",
            payload: { email: admin.email, password: "p".repeat(257) },
          }),
        "password",
      ],
      [
        "product title of 201 characters",
        () => api(`/api/v1/products/${c.ids.products}`, { title: "t".repeat(201) }),
        "title",
      ],
      [
        "seller name of 121 characters",
        () => api(`/api/v1/sellers/${c.ids.sellers}`, { name: "s".repeat(121) }),
        "name",
      ],
      [
        "audit actor id of 65 characters",
        () => admin.request("GET", `/console/api/audit?actorId=${"a".repeat(65)}`),
        "actorId",
      ],
      [
        "key list cursor of 65 characters",
        () => admin.request("GET", `/console/api/keys?cursor=${"c".repeat(65)}`),
        "cursor",
      ],
      ["page limit of 101", () => admin.request("GET", "/console/api/keys?limit=101"), "limit"],
    ];
    for (const [label, send, field] of cases) {
      const response = await send();
      expect(response.statusCode, `${label}: ${response.body}`).toBe(400);
      const error = expectError(response, 400, "invalid_request");
      // The field as the client wrote it, however deep: `name`, `permissions.sections.x`, `limit`.
      const named = (error.fields ?? []).some(
        (f) => f === field || f.endsWith(`.${field}`) || f.startsWith(`${field}.`),
      );
      expect(named, `${label}: fields ${JSON.stringify(error.fields)}`).toBe(true);
    }
    expect((await key("n".repeat(100))).statusCode).toBe(201);
    expect((await fingerprint(t.database.db)).counts.api_keys).toBe((before.counts.api_keys ?? 0) + 1);
  });

  it("refuses control, format and line-separator characters in every name and title", async () => {
    const c = await caller();
    const before = await fingerprint(t.database.db);
    const characters = [
      "\u0000",
      "\n",
      "\r",
      "\t",
      "\u001b",
      "\u007f",
      "\u0085",
      "\u200b",
      "\u200e",
      "\u202e",
      "\u2028",
      "\u2029",
      "\u2066",
      "\ufeff",
    ];
    const targets: [string, (value: string) => Promise<LightMyRequestResponse>][] = [
      [
        "key name",
        (name) => c.account.admin.request("POST", "/console/api/keys", { name, permissions: { all: true } }),
      ],
      ["key rename", (name) => c.account.admin.request("PATCH", `/console/api/keys/${c.ids.keys}`, { name })],
      [
        "user name",
        (name) =>
          c.account.admin.request("POST", "/console/api/users", {
            email: "control@example.test",
            name,
            role: "marketplace_manager",
            password: testPassword,
          }),
      ],
      [
        "product title",
        (title) =>
          t.app.inject({
            method: "PATCH",
            url: `/api/v1/products/${c.ids.products}`,
            headers: { authorization: `Bearer ${c.secret}` },
            payload: { title },
          }),
      ],
      [
        "seller name",
        (name) =>
          t.app.inject({
            method: "PATCH",
            url: `/api/v1/sellers/${c.ids.sellers}`,
            headers: { authorization: `Bearer ${c.secret}` },
            payload: { name },
          }),
      ],
    ];
    for (const [label, send] of targets) {
      for (const character of characters) {
        const response = await send(`Report${character}Dashboard`);
        const code = character.codePointAt(0)?.toString(16).padStart(4, "0");
        expect(response.statusCode, `${label} with U+${code}: ${response.body}`).toBe(400);
        expect(expectError(response, 400, "invalid_request").message).toMatch(/control characters/);
      }
    }
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("refuses a name with an unpaired surrogate rather than storing something else", async () => {
    const c = await caller();
    const response = await c.account.admin.request("POST", "/console/api/keys", {
      name: "Report \ud800 Dashboard",
      permissions: { all: true },
    });
    expect(response.statusCode, response.body).toBe(400);
    expectErrorShape(response);
  });

  it("returns a key named like HTML or SQL verbatim, as JSON text, everywhere it appears", async () => {
    const c = await caller();
    const names = [
      "<img src=x onerror=alert(1)>",
      "<script>alert(document.cookie)</script>",
      "'; DROP TABLE api_keys; --",
      '" OR 1=1 --',
      "{{constructor.constructor('alert(1)')()}}",
      "Ünïcödé 🔑 مفتاح 鍵",
    ];
    for (const name of names) {
      const created = await c.account.admin.request("POST", "/console/api/keys", {
        name,
        permissions: { all: true },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.headers["content-type"]).toMatch(/^application\/json/);
      const { key, secret } = created.json() as { key: { id: string; name: string }; secret: string };
      expect(key.name).toBe(name);
      const one = await c.account.admin.request("GET", `/console/api/keys/${key.id}`);
      expect((one.json() as { name: string }).name).toBe(name);
      const list = await c.account.admin.request("GET", "/console/api/keys?limit=100");
      expect(
        (list.json() as { items: { id: string; name: string }[] }).items.find((k) => k.id === key.id)?.name,
      ).toBe(name);
      const self = await t.app.inject({
        method: "GET",
        url: "/api/v1/key",
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(self.headers["content-type"]).toMatch(/^application\/json/);
      expect((self.json() as { name: string }).name).toBe(name);
    }
    const audit = await c.account.admin.request("GET", "/console/api/audit?action=api_key.created&limit=100");
    const audited = (audit.json() as { items: { details: { after?: { name?: string } } }[] }).items.map(
      (e) => e.details.after?.name,
    );
    for (const name of names) expect(audited).toContain(name);
    const tables = await t.database.db
      .selectFrom("api_keys")
      .select("id")
      .where("account_id", "=", c.account.accountId)
      .execute();
    expect(tables.length).toBeGreaterThanOrEqual(names.length);
  });
});
