import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteInfo } from "../../src/http/app.js";
import { createServiceToken } from "../service/support.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp } from "../support/test-app.js";
import { type Fingerprint, fingerprint } from "./support/fingerprint.js";
import { leakIdsOf } from "./support/leak-ids.js";
import { uniqueIp } from "./support/network.js";
import { marketplaceIds, unknownKey } from "./support/requests.js";
import { expectErrorShape } from "./support/responses.js";
import {
  isConsoleRoute,
  isMarketplaceRoute,
  type ResourceIds,
  type RouteShape,
  readRouteShapes,
  resourceOf,
  routeKey,
  shapeOf,
} from "./support/routes.js";
import { type OpenSession, openSession, sessionIdOf } from "./support/sessions.js";

// Property-based: hostile requests at every console and marketplace route, enumerated from the route
// table. Whatever arrives, Keyward answers 2xx or a 4xx in the one error shape, never a 5xx, and a refused
// request changes no row. Usage is not flushed during the run, so only requests can change rows.
const t = await createTestApp({ env: { KEYWARD_USAGE_FLUSH_SECONDS: "3600" } });
afterAll(async () => t.close());
const shapes = readRouteShapes(t.app);
const runsPerRoute = Number(process.env.KEYWARD_FUZZ_RUNS ?? 30);

const figures = {
  inputs: 0,
  refused: 0,
  accepted: 0,
  serverErrors: 0,
  refusalsThatChangedRows: 0,
  routes: new Set<string>(),
};

const sqlLike = [
  "' OR '1'='1",
  "'; DROP TABLE api_keys; --",
  "1; DELETE FROM users",
  '" OR ""="',
  "admin'--",
  "1 UNION SELECT key_hash FROM api_keys",
  "%' AND 1=0 UNION SELECT sqlite_version() --",
  "' || pg_sleep(5) --",
  "$1",
  "?",
  "key_%",
  "*",
];
const htmlLike = [
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  '"><svg/onload=alert(1)>',
  "{{7*7}}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as literal text
  "${7*7}",
  "<!--",
  "]]>",
  "&lt;b&gt;",
];
const oddUnicode = [
  "\u0000",
  "\u202e",
  "\ufeff",
  "\ud800",
  "\udfff",
  "a\ud83d",
  "💥".repeat(40),
  "Z\u0335\u0321\u0327\u031b\u0316\u0317",
  "\u0085",
  "\u2028",
  "ﷺ",
  "𝕏𝕐",
  "İı",
  "\u0301",
  "\u200d",
  "　",
];
const pathLike = [
  "../../etc/passwd",
  "..\\..\\boot.ini",
  "/",
  "#",
  "\\",
  "%",
  "%25",
  "mpk_",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e309",
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...sqlLike, ...htmlLike, ...oddUnicode, ...pathLike),
  fc.string({ unit: "binary", maxLength: 48 }),
  fc.string({ unit: "grapheme", maxLength: 48 }),
  fc.string({
    unit: fc.oneof(fc.constantFrom("\u0000", "\n", "\u001b", "\u007f"), loneSurrogate),
    maxLength: 6,
  }),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...sqlLike, ...htmlLike, ...oddUnicode))
    .map(([a, b]) => a + b),
  fc.integer({ min: 60, max: 5_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 40_000, max: 90_000 }).map((n) => "é".repeat(n)),
);
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.array(hostileString, { maxLength: 3 }),
  fc.object({ maxDepth: 2, maxKeys: 3 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, wrongType);

interface FuzzRequest {
  id?: string | undefined;
  query: [string, string][];
  body?: { raw: string; contentType: string } | undefined;
}

function bodyArbitrary(shape: RouteShape): fc.Arbitrary<{ raw: string; contentType: string }> {
  const known = Object.fromEntries(shape.bodyFields.map((field) => [field, hostileValue]));
  const object = fc
    .tuple(
      fc.record(known, { requiredKeys: [] }),
      fc.option(
        fc.tuple(fc.oneof(hostileString, fc.constantFrom("role", "accountId", "isAdmin")), hostileValue),
      ),
      fc.option(
        fc.record({
          all: fc.oneof(fc.boolean(), hostileValue),
          sections: fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }),
        }),
      ),
    )
    .map(([fields, extra, permissions]) => {
      const body: Record<string, unknown> = { ...fields };
      if (extra) body[extra[0]] = extra[1];
      if (permissions && shape.bodyFields.includes("permissions")) body.permissions = permissions;
      return JSON.stringify(body);
    });
  const malformed = fc.oneof(
    fc.constantFrom(
      "{",
      "[",
      '{"name":',
      "nul",
      "{'name':1}",
      '{"a":1}}',
      "\u0000",
      "",
      '{"__proto__":{"a":1}}',
      "[".repeat(5000),
    ),
    fc.string({ maxLength: 40 }),
  );
  const wrongTopLevel = fc
    .oneof(hostileString, fc.integer(), fc.array(hostileValue, { maxLength: 3 }), fc.constant(null))
    .map((value) => JSON.stringify(value));
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant("application/json") },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/json; charset=latin1",
      ),
    },
  );
  return fc.record({
    raw: fc.oneof(
      { weight: 4, arbitrary: object },
      { weight: 1, arbitrary: malformed },
      { weight: 1, arbitrary: wrongTopLevel },
    ),
    contentType,
  });
}

function requestArbitrary(route: RouteInfo, realIds: ResourceIds): fc.Arbitrary<FuzzRequest> {
  const shape = shapeOf(shapes, route);
  const resource = resourceOf(route);
  const queryName =
    shape.queryFields.length > 0
      ? fc.oneof(fc.constantFrom(...shape.queryFields), hostileString)
      : hostileString;
  return fc.record({
    // Path parameters the router accepts: malformed encodings and over-long ones have a property of their own.
    id: resource
      ? fc.oneof(fc.constant(realIds[resource]), hostileString.filter(isRoutableSegment))
      : fc.constant(undefined),
    query: fc.array(fc.tuple(queryName, hostileString), { maxLength: 4 }),
    body:
      route.method === "GET" ? fc.constant(undefined) : fc.option(bodyArbitrary(shape), { nil: undefined }),
  });
}

/** Fastify's router refuses path parameters over 100 characters and ones that aren't valid UTF-8 itself. */
function isRoutableSegment(id: string): boolean {
  return (
    !/[\ud800-\udfff]/.test(id.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")) &&
    id.length > 0 &&
    id.length <= 100
  );
}

function urlFor(route: RouteInfo, request: FuzzRequest): string {
  let path = route.url;
  if (request.id !== undefined) path = path.replace(":id", encodeURIComponent(request.id));
  const query = request.query
    .map(([name, value]) => {
      const encode = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"));
      return `${encode(name)}=${encode(value)}`;
    })
    .join("&");
  return query ? `${path}?${query}` : path;
}

interface Fixture {
  admin: OpenSession;
  adminEmail: string;
  key: string;
  ids: ResourceIds;
  last: Fingerprint;
}
let fixture: Fixture;

beforeAll(async () => {
  const account = await createTestAccount(t);
  const market = await marketplaceIds(t.database.db, account.accountId);
  fixture = {
    admin: await openSession(t, account.admin.email),
    adminEmail: account.admin.email,
    key: (await generateKey(account.admin)).secret,
    ids: {
      "service-tokens": (await createServiceToken(account.admin)).id,
      keys: (await generateKey(account.admin, { all: true }, "Fuzz victim")).id,
      users: (await account.addManager({ apiAccess: true })).userId,
      orders: market.paidOrders[0] ?? "",
      products: market.products[0] ?? "",
      sellers: market.sellers[0] ?? "",
      sessions: await sessionIdOf(t, await openSession(t, account.admin.email)),
      ...(await leakIdsOf(t, account.accountId, account.admin)),
    },
    last: await fingerprint(t.database.db),
  };
});

afterAll(() => {
  console.log(
    `[hardening figures] fuzz: ${figures.inputs} inputs over ${figures.routes.size} routes; ${figures.refused} refused with 4xx, ` +
      `${figures.accepted} accepted, ${figures.serverErrors} server errors, ${figures.refusalsThatChangedRows} refusals that changed rows`,
  );
});

async function send(
  route: RouteInfo,
  url: string,
  body: FuzzRequest["body"],
  headers: Record<string, string>,
) {
  const auth: Record<string, string> = isMarketplaceRoute(route)
    ? { authorization: `Bearer ${fixture.key}` }
    : { "x-csrf-token": fixture.admin.csrfToken };
  return t.app.inject({
    method: route.method as "GET",
    url,
    remoteAddress: uniqueIp(),
    headers: { ...auth, ...headers, ...(body ? { "content-type": body.contentType } : {}) },
    ...(isConsoleRoute(route) ? { cookies: { keyward_session: fixture.admin.token } } : {}),
    ...(body ? { payload: body.raw } : {}),
  });
}

/** The invariant every fuzzed request must keep; returns nothing, throws with the evidence. */
async function check(route: RouteInfo, response: LightMyRequestResponse, label: string) {
  figures.inputs++;
  figures.routes.add(routeKey(route));
  if (response.statusCode >= 500) figures.serverErrors++;
  expect(response.statusCode, `${label} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (response.statusCode >= 400) {
    figures.refused++;
    expectErrorShape(response);
    const after = await fingerprint(t.database.db);
    if (after.hash !== fixture.last.hash) figures.refusalsThatChangedRows++;
    expect(after, `${label} was refused (${response.statusCode}) but changed rows`).toEqual(fixture.last);
    return;
  }
  figures.accepted++;
  // Signing out ended the fuzzer's own session: sign in again (which audits) before taking the new baseline.
  if (routeKey(route) === "DELETE /console/api/session")
    fixture.admin = await openSession(t, fixture.adminEmail);
  fixture.last = await fingerprint(t.database.db);
}

describe("fuzzing every route from the route table", () => {
  for (const route of t.routes) {
    it(`${routeKey(route)} answers hostile input with a 4xx in the error shape and changes nothing`, async () => {
      fixture.last = await fingerprint(t.database.db);
      await fc.assert(
        fc.asyncProperty(requestArbitrary(route, fixture.ids), async (request) => {
          const url = urlFor(route, request);
          const response = await send(route, url, request.body, {});
          await check(
            route,
            response,
            `${route.method} ${url.slice(0, 200)} body=${request.body?.raw.slice(0, 120)}`,
          );
        }),
        { numRuns: runsPerRoute },
      );
    });
  }

  it("covers every route in the table", () => {
    expect([...figures.routes].sort()).toEqual(t.routes.map(routeKey).sort());
  });
});

describe("fuzzing credentials", () => {
  const unknownKeys = Array.from({ length: 10 }, () => unknownKey());
  const credential = fc.oneof(
    fc.constantFrom(...unknownKeys),
    fc.string({ unit: "binary-ascii", maxLength: 80 }).map((s) => s.replace(/[\r\n\0]/g, "")),
    fc.stringMatching(/^mpk_[0-9A-Za-z]{36}$/),
    fc.constantFrom(...sqlLike, ...htmlLike),
  );

  it("refuses hostile API keys on every marketplace route with a 401 in the error shape", async () => {
    const routes = t.routes.filter(isMarketplaceRoute);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        credential,
        fc.constantFrom("authorization", "x-api-key"),
        async (route, value, header) => {
          const url = route.url.replace(":id", "x");
          const headers = { [header]: header === "authorization" ? `Bearer ${value}` : value };
          const response = await t.app.inject({
            method: route.method as "GET",
            url,
            headers,
            remoteAddress: uniqueIp(),
          });
          await check(route, response, `${routeKey(route)} with ${header}: ${value.slice(0, 60)}`);
          expect(response.statusCode).toBe(401);
        },
      ),
      { numRuns: runsPerRoute * 2 },
    );
  });

  it("refuses hostile session cookies and CSRF tokens on every console route", async () => {
    const routes = t.routes.filter((route) => isConsoleRoute(route) && !route.isPublic);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), credential, credential, async (route, cookie, csrf) => {
        const response = await t.app.inject({
          method: route.method as "GET",
          url: route.url.replace(":id", "x"),
          cookies: { keyward_session: cookie },
          headers: { "x-csrf-token": csrf },
          remoteAddress: uniqueIp(),
        });
        await check(route, response, `${routeKey(route)} with cookie ${cookie.slice(0, 40)}`);
        expect(response.statusCode).toBe(401);
      }),
      { numRuns: runsPerRoute * 2 },
    );
  });
});

describe("fuzzing path parameters the router itself refuses", () => {
  it("answers a malformed percent-encoding or an over-long path parameter with a 4xx in the error shape", async () => {
    const routes = t.routes.filter((route) => route.url.includes(":id"));
    const broken = fc.oneof(
      fc.constantFrom("%", "%Z", "%ZZ", "%E0%A4%A", "%C0%AF", "%ED%A0%80", "%FF", "%%", "a%"),
      fc.integer({ min: 101, max: 3_000 }).map((n) => "k".repeat(n)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), broken, async (route, segment) => {
        fixture.last = await fingerprint(t.database.db);
        const response = await send(route, route.url.replace(":id", segment), undefined, {});
        await check(route, response, `${route.method} ${route.url.replace(":id", segment).slice(0, 120)}`);
      }),
      { numRuns: runsPerRoute },
    );
  });
});

describe("fuzzing the decoded contents of cursors", () => {
  // A cursor is base64url JSON, so a NUL byte or any other hostile value can hide inside one and pass
  // every check on the query string itself. What it decodes to is input like any other.
  const listRoutes = t.routes.filter(
    (route) => route.method === "GET" && shapeOf(shapes, route).queryFields.includes("cursor"),
  );
  const encode = (decoded: string) => Buffer.from(decoded, "utf8").toString("base64url");
  const badPart: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom(
      "\u0000",
      "2026-01-01T00:00:00.000Z\u0000",
      "a\u0000b",
      "\n",
      "\u202e",
      "é",
      "\ud800",
      "",
    ),
    fc.string({ unit: "binary", maxLength: 20 }).map((s) => `${s}\u0000`),
    fc.string({
      unit: fc.constantFrom("\u0000", "\u001b", "\u007f", "\u0085", "\u2028"),
      minLength: 1,
      maxLength: 4,
    }),
    fc.integer({ min: 101, max: 400 }).map((n) => "x".repeat(n)),
    wrongType.filter((value) => typeof value !== "string"),
  );
  // Each list's cursor has its own number of parts (1 or 2): a hostile part is sent in a key of every
  // size from 1 to 3, so it always reaches the part checks of the route's own size too.
  const badContents: fc.Arbitrary<string[]> = fc.oneof(
    fc.tuple(badPart, fc.nat()).map(([bad, at]) =>
      [1, 2, 3].map((size) => {
        const key: unknown[] = Array.from({ length: size - 1 }, (_, i) =>
          i === 0 ? "2026-01-01T00:00:00.000Z" : "ord_1",
        );
        key.splice(at % size, 0, bad);
        return encode(JSON.stringify(key));
      }),
    ),
    // Not a list of strings at all, or not JSON.
    fc
      .oneof(
        hostileValue.filter((value) => !Array.isArray(value)),
        fc.constant({ id: "x" }),
      )
      .map((value) => [encode(JSON.stringify(value))]),
    fc.constantFrom("[", '["a",', "\u0000", '["a"]\u0000', "null", '"a"').map((text) => [encode(text)]),
    fc.string({ unit: "binary", maxLength: 30 }).map((text) => [encode(`[${text}`)]),
  );

  it("has the marketplace lists and the console lists to fuzz", () => {
    const urls = listRoutes.map((route) => route.url);
    for (const url of [
      "/api/v1/orders",
      "/api/v1/products",
      "/api/v1/sellers",
      "/api/v1/payouts",
      "/console/api/keys",
      "/console/api/audit",
    ]) {
      expect(urls).toContain(url);
    }
  });

  it("refuses a NUL byte inside a cursor with 400 naming cursor, on every list", async () => {
    for (const route of listRoutes) {
      for (const size of [1, 2, 3]) {
        const key = Array.from({ length: size }, (_, i) =>
          i === 0 ? "2026-01-01T00:00:00.000Z\u0000" : "x\u0000",
        );
        const response = await send(
          route,
          `${route.url}?cursor=${encode(JSON.stringify(key))}`,
          undefined,
          {},
        );
        await check(route, response, `${route.url} with a NUL in a cursor of ${size}`);
        expect(response.statusCode, `${route.url}: ${response.body}`).toBe(400);
        expect(expectErrorShape(response).fields).toEqual(["cursor"]);
      }
    }
  });

  it("answers every hostile cursor content with 400 naming cursor, on every list", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...listRoutes), badContents, async (route, cursors) => {
        for (const cursor of cursors) {
          const response = await send(route, `${route.url}?cursor=${cursor}`, undefined, {});
          const decoded = Buffer.from(cursor, "base64url").toString("utf8");
          await check(route, response, `${route.url} with cursor ${JSON.stringify(decoded).slice(0, 120)}`);
          expect(response.statusCode, `${route.url} ${JSON.stringify(decoded)} → ${response.body}`).toBe(400);
          expect(expectErrorShape(response).fields).toEqual(["cursor"]);
        }
      }),
      { numRuns: runsPerRoute * listRoutes.length },
    );
  }, 240_000);

  it("answers well-formed cursors holding SQL- or markup-looking text with a page or a 400 naming cursor, never a 5xx", async () => {
    const printable = fc.constantFrom(...sqlLike, ...htmlLike, ...pathLike.filter((s) => s.length > 0));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...listRoutes),
        fc.array(printable, { minLength: 1, maxLength: 3 }),
        async (route, key) => {
          const response = await send(
            route,
            `${route.url}?cursor=${encode(JSON.stringify(key))}`,
            undefined,
            {},
          );
          await check(route, response, `${route.url} with cursor ${JSON.stringify(key)}`);
          if (response.statusCode >= 400) expect(expectErrorShape(response).fields).toEqual(["cursor"]);
          else expect(response.statusCode).toBe(200);
        },
      ),
      { numRuns: runsPerRoute * listRoutes.length },
    );
  }, 240_000);
});
