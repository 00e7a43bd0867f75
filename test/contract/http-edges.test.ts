import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
let secret: string;
let readOnlySecret: string;
let paidOrders: string[];

beforeAll(async () => {
  // Echoing a client's X-Request-Id is opt-in (KEYWARD_ACCEPT_REQUEST_ID); this suite turns it on.
  t = await createTestApp({ env: { KEYWARD_ACCEPT_REQUEST_ID: "true" } });
  const account = await createTestAccount(t);
  secret = (await generateKey(account.admin, { all: true })).secret;
  readOnlySecret = (await generateKey(account.admin, { all: false, sections: { orders: "read" } })).secret;
  const page = await call("GET", "/api/v1/orders?status=paid&limit=20");
  paidOrders = (page.json() as { items: { id: string }[] }).items.map((order) => order.id);
});
afterAll(async () => t.close());

function call(
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  url: string,
  headers: Record<string, string> = {},
  payload?: string | object,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${secret}`, ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
}

const orderStatus = async (id: string) => (await call("GET", `/api/v1/orders/${id}`)).json().status;

describe("HTTP on the marketplace API", () => {
  it("answers a known path with a wrong method 405 with Allow, and an unknown path 404", async () => {
    const orderId = paidOrders[0]!;
    const deleted = await call("DELETE", `/api/v1/orders/${orderId}`);
    expect(deleted.statusCode).toBe(405);
    expect(deleted.headers.allow).toBe("GET, HEAD");
    expect(deleted.json().error.code).toBe("method_not_allowed");
    const put = await call("PUT", "/api/v1/products/prd_x", {}, {});
    expect(put.headers.allow).toBe("GET, HEAD, PATCH");
    const unknown = await call("DELETE", "/api/v1/nothing-here");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers.allow).toBeUndefined();
    expect(await orderStatus(orderId)).toBe("paid");
  });

  it("challenges with WWW-Authenticate on a 401, and not on a 403 for a valid key lacking permission", async () => {
    const missing = await t.app.inject({ method: "GET", url: "/api/v1/orders" });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="keyward"');
    const invalid = await call("GET", "/api/v1/orders", { authorization: `Bearer mpk_${"A".repeat(36)}` });
    expect(invalid.statusCode).toBe(401);
    expect(invalid.headers["www-authenticate"]).toBe('Bearer realm="keyward", error="invalid_token"');
    const forbidden = await call("GET", "/api/v1/products", { authorization: `Bearer ${readOnlySecret}` });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers["www-authenticate"]).toBeUndefined();
  });

  it("answers 304 with no body to If-None-Match naming the current ETag, and 200 to an old one", async () => {
    const url = `/api/v1/orders/${paidOrders[1]}`;
    const read = await call("GET", url);
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await call("GET", url, { "if-none-match": etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    const stale = await call("GET", url, { "if-none-match": '"not-the-current-one"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.headers.etag).toBe(etag);
  });

  it("refuses a PATCH whose If-Match is no longer current with 412 and the current ETag, changing nothing", async () => {
    const products = (await call("GET", "/api/v1/products?limit=1")).json().items as { id: string }[];
    const url = `/api/v1/products/${products[0]!.id}`;
    const before = await call("GET", url);
    const etag = before.headers.etag as string;
    const changed = await call("PATCH", url, { "if-match": etag }, { priceCents: 4321 });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const lost = await call("PATCH", url, { "if-match": etag }, { priceCents: 1 });
    expect(lost.statusCode).toBe(412);
    expect(lost.json().error).toMatchObject({
      code: "precondition_failed",
      currentEtag: changed.headers.etag,
    });
    expect((await call("GET", url)).json().priceCents).toBe(4321);
  });

  it("refuses a fulfil whose If-Match is stale with 412, leaving the order paid", async () => {
    const orderId = paidOrders[2]!;
    const response = await call("POST", `/api/v1/orders/${orderId}/fulfil`, { "if-match": '"stale"' });
    expect(response.statusCode).toBe(412);
    expect(response.json().error.code).toBe("precondition_failed");
    expect(await orderStatus(orderId)).toBe("paid");
  });

  it("refuses a browser's request from an origin nobody allowed with 403 cors_not_allowed", async () => {
    const response = await call("GET", "/api/v1/orders", { origin: "https://shop.example" });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("cors_not_allowed");
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses a non-JSON body on a route that takes none with 415, not a server error", async () => {
    const orderId = paidOrders[3]!;
    const response = await call(
      "POST",
      `/api/v1/orders/${orderId}/fulfil`,
      { "content-type": "text/plain" },
      "please",
    );
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe("unsupported_media_type");
    expect(await orderStatus(orderId)).toBe("paid");
  });

  it("never lets a keyed response be cached", async () => {
    expect((await call("GET", "/api/v1/orders?limit=1")).headers["cache-control"]).toBe("no-store");
  });
});

describe("The request id", () => {
  it("is in a Request-Id header on every response, unique, and in the request's log line", async () => {
    const a = await call("GET", "/api/v1/orders?limit=1");
    const b = await t.app.inject({ method: "GET", url: "/api/v1/orders" });
    const ids = [a.headers["request-id"], b.headers["request-id"]] as string[];
    expect(ids[0]).toMatch(/^req_[0-9a-f]{32}$/);
    expect(ids[1]).not.toBe(ids[0]);
    expect(b.json().error.requestId).toBe(ids[1]);
    const logged = t.logs.filter((line) => line.includes(`"reqId":"${ids[0]}"`));
    expect(logged.length).toBeGreaterThan(0);
  });

  it("echoes a well-formed X-Request-Id and logs it, and replaces a malformed one", async () => {
    const mine = "checkout-7f3a.retry:2";
    const echoed = await call("GET", "/api/v1/orders?limit=1", { "x-request-id": mine });
    expect(echoed.headers["request-id"]).toBe(mine);
    expect(t.logs.some((line) => line.includes(`"reqId":"${mine}"`))).toBe(true);
    const malformed = await call("GET", "/api/v1/orders?limit=1", { "x-request-id": "no spaces <allowed>" });
    expect(malformed.headers["request-id"]).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
