import { randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

// A retry can land on an instance that restarted, or — with PostgreSQL, the database several instances
// share (one SQLite file serves one instance) — on another instance: a second app on the same schema.
const isPostgres = process.env.KEYWARD_TEST_POSTGRES !== undefined;
let databaseUrl: string;
let dropDatabase: () => Promise<void>;
let first: TestApp;
let second: TestApp;
let secret: string;
let paidOrders: string[];

beforeAll(async () => {
  ({ url: databaseUrl, drop: dropDatabase } = await createTestDatabaseUrl());
  first = await createTestApp({ databaseUrl });
  second = await createTestApp({ databaseUrl });
  const account = await createTestAccount(first);
  secret = (await generateKey(account.admin, { all: true })).secret;
  const page = await call(first, "GET", "/api/v1/orders?status=paid&limit=100");
  paidOrders = (page.json() as { items: { id: string }[] }).items.map((order) => order.id);
  expect(paidOrders.length).toBeGreaterThan(10);
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await dropDatabase?.();
});

function call(
  app: TestApp,
  method: "GET" | "POST" | "PATCH",
  url: string,
  options: { key?: string; payload?: object } = {},
): Promise<LightMyRequestResponse> {
  return app.app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${secret}`,
      ...(options.key === undefined ? {} : { "idempotency-key": options.key }),
    },
    ...(options.payload === undefined ? {} : { payload: options.payload }),
  });
}

const nextPaidOrder = () => {
  const id = paidOrders.shift();
  if (!id) throw new Error("the demo marketplace ran out of paid orders");
  return id;
};

async function statusOf(orderId: string): Promise<string> {
  return (await call(first, "GET", `/api/v1/orders/${orderId}`)).json().status as string;
}

async function fulfilEvents(orderId: string): Promise<number> {
  const events: { type: string; resource: { id: string } }[] = [];
  let after: string | undefined;
  for (;;) {
    const url = `/api/v1/events?limit=100${after ? `&after=${after}` : ""}`;
    const page = (await call(first, "GET", url)).json() as { items: typeof events; nextCursor: string };
    events.push(...page.items);
    if (page.items.length === 0) break;
    after = page.nextCursor;
  }
  return events.filter((event) => event.type === "order.fulfilled" && event.resource.id === orderId).length;
}

/** What a client compares between a response and its replay. */
function observed(response: LightMyRequestResponse) {
  return {
    status: response.statusCode,
    body: response.body,
    contentType: response.headers["content-type"],
    etag: response.headers.etag,
  };
}

describe("An Idempotency-Key on a marketplace change", () => {
  it("replays the first response exactly to a retry (status, body, ETag), and fulfils the order once", async () => {
    const orderId = nextPaidOrder();
    const key = randomUUID();
    const original = await call(first, "POST", `/api/v1/orders/${orderId}/fulfil`, { key });
    expect(original.statusCode).toBe(200);
    expect(original.headers["idempotent-replayed"]).toBeUndefined();
    const retry = await call(first, "POST", `/api/v1/orders/${orderId}/fulfil`, { key });
    expect(observed(retry)).toEqual(observed(original));
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    // Each response still names its own request.
    expect(retry.headers["request-id"]).not.toBe(original.headers["request-id"]);
    expect(await fulfilEvents(orderId)).toBe(1);
  });

  it("without a key, a retry of a fulfil that succeeded is refused as a conflict naming the current status", async () => {
    const orderId = nextPaidOrder();
    expect((await call(first, "POST", `/api/v1/orders/${orderId}/fulfil`)).statusCode).toBe(200);
    const retry = await call(first, "POST", `/api/v1/orders/${orderId}/fulfil`);
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error).toMatchObject({ code: "conflict", currentStatus: "fulfilled" });
  });

  it("replays after the instance restarts, and (PostgreSQL) on another instance", async () => {
    const orderId = nextPaidOrder();
    const key = randomUUID();
    const original = await call(first, "POST", `/api/v1/orders/${orderId}/fulfil`, { key });
    expect(original.statusCode).toBe(200);
    if (isPostgres) {
      const elsewhere = await call(second, "POST", `/api/v1/orders/${orderId}/fulfil`, { key });
      expect(observed(elsewhere)).toEqual(observed(original));
      expect(elsewhere.headers["idempotent-replayed"]).toBe("true");
    }

    await first.close();
    first = await createTestApp({ databaseUrl });
    const afterRestart = await call(first, "POST", `/api/v1/orders/${orderId}/fulfil`, { key });
    expect(observed(afterRestart)).toEqual(observed(original));
    expect(await fulfilEvents(orderId)).toBe(1);
  });

  it("refuses the same key for another order with 422 idempotency_key_reused, and leaves that order paid", async () => {
    const key = randomUUID();
    const fulfilled = nextPaidOrder();
    const other = nextPaidOrder();
    expect((await call(first, "POST", `/api/v1/orders/${fulfilled}/fulfil`, { key })).statusCode).toBe(200);
    const reused = await call(isPostgres ? second : first, "POST", `/api/v1/orders/${other}/fulfil`, { key });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe("idempotency_key_reused");
    expect(await statusOf(other)).toBe("paid");
  });

  it("refuses the same key with another body, and keeps the first change", async () => {
    const products = (await call(first, "GET", "/api/v1/products?limit=1")).json().items as { id: string }[];
    const productId = products[0]!.id;
    const key = randomUUID();
    const url = `/api/v1/products/${productId}`;
    const original = await call(first, "PATCH", url, { key, payload: { priceCents: 1234 } });
    expect(original.statusCode).toBe(200);
    const reused = await call(first, "PATCH", url, { key, payload: { priceCents: 99 } });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe("idempotency_key_reused");
    expect((await call(first, "GET", url)).json().priceCents).toBe(1234);
  });

  it("applies concurrent requests with one key once (on two instances with PostgreSQL), answering each the same", async () => {
    const orderId = nextPaidOrder();
    const key = randomUUID();
    const url = `/api/v1/orders/${orderId}/fulfil`;
    const responses = await Promise.all(
      [first, second, first, second, first, second].map((app) =>
        call(isPostgres ? app : first, "POST", url, { key }),
      ),
    );
    // Each waits for the first to finish and gets its answer (409 in progress only after 10 s).
    for (const response of responses) expect(observed(response)).toEqual(observed(responses[0]!));
    expect(responses[0]!.statusCode).toBe(200);
    expect(responses.filter((r) => r.headers["idempotent-replayed"] === undefined)).toHaveLength(1);
    expect(await fulfilEvents(orderId)).toBe(1);
  });

  it("refuses a malformed key, naming the header, and changes nothing", async () => {
    const orderId = nextPaidOrder();
    const response = await call(first, "POST", `/api/v1/orders/${orderId}/fulfil`, { key: "x".repeat(256) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "invalid_request", fields: ["Idempotency-Key"] });
    expect(await statusOf(orderId)).toBe("paid");
  });
});
