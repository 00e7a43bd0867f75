// An integration written against Keyward's marketplace API with the generated client, end to end:
// who am I, page through every order, fulfil one safely with an Idempotency-Key (and retry it as a
// client whose connection dropped would), read sales by day and seller, and handle documented errors
// by their code. Run it: KEYWARD_URL=http://localhost:3000 KEYWARD_API_KEY=mpk_… npx tsx examples/marketplace-integration/integration.ts
import { randomUUID } from "node:crypto";
import { createMarketplaceClient, hasErrorCode, type Order } from "../../clients/typescript/index.js";

export interface IntegrationOptions {
  baseUrl: string;
  apiKey: string;
  /** Where the integration reports what it did, one line at a time. */
  log?: (line: string) => void;
}

/** Runs the integration once; throws on anything the API documents as unexpected here. */
export async function runIntegration(options: IntegrationOptions): Promise<void> {
  const log = options.log ?? console.log;
  const client = createMarketplaceClient({ baseUrl: options.baseUrl, apiKey: options.apiKey });

  const me = await client.GET("/api/v1/key");
  if (!me.data) throw new Error(`the key was refused: ${me.error?.error.code}`);
  log(`key "${me.data.name}": ${me.data.permissionsSummary}`);

  // Every order, page by page: follow nextCursor until it is null.
  const orders: Order[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await client.GET("/api/v1/orders", { params: { query: { limit: 100, cursor } } });
    if (!page.data) throw new Error(`listing orders failed: ${page.error?.error.code}`);
    orders.push(...page.data.items);
    if (page.data.nextCursor === null) break;
    cursor = page.data.nextCursor;
  }
  const paid = orders.filter((order) => order.status === "paid");
  log(`orders: ${orders.length} in ${Math.ceil(orders.length / 100)} pages, ${paid.length} paid`);

  // Fulfil one with an Idempotency-Key; the retry (same key) gets the stored answer, never a second fulfil.
  const order = paid[0];
  if (!order) throw new Error("no paid order to fulfil");
  const idempotencyKey = randomUUID();
  const fulfil = () =>
    client.POST("/api/v1/orders/{id}/fulfil", {
      params: { path: { id: order.id }, header: { "Idempotency-Key": idempotencyKey } },
    });
  const first = await fulfil();
  const retry = await fulfil();
  if (!first.data || !retry.data) throw new Error(`fulfilling ${order.id} failed`);
  log(
    `fulfilled ${order.id}: ${first.data.status}; retry with the same Idempotency-Key: ${retry.response.status} ${retry.data.status} (replayed: ${retry.response.headers.get("idempotent-replayed")})`,
  );

  // A new request (a new key) for the same order: refused, and the body says why in fields, not prose.
  const again = await client.POST("/api/v1/orders/{id}/fulfil", {
    params: { path: { id: order.id }, header: { "Idempotency-Key": randomUUID() } },
  });
  if (hasErrorCode(again.error, "conflict")) {
    log(
      `fulfilling it again: ${again.response.status} conflict, currentStatus ${again.error.error.currentStatus}`,
    );
  } else throw new Error(`expected a conflict, got ${again.response.status}`);

  // Sales by day for each seller, last 7 days.
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const report = await client.GET("/api/v1/reports/sales", {
    params: { query: { from, to, groupBy: "day,seller" } },
  });
  if (!report.data) throw new Error(`the report failed: ${report.error?.error.code}`);
  const { totals, rows } = report.data;
  log(
    `sales ${from}..${to} by day and seller: ${rows.length} rows, ${totals.orders} orders, ${(totals.grossCents / 100).toFixed(2)} ${report.data.currency}`,
  );
  const best = [...rows].sort((a, b) => b.grossCents - a.grossCents)[0];
  if (best) log(`best day and seller: ${best.day} ${best.label}, ${(best.grossCents / 100).toFixed(2)}`);

  // Documented errors, handled by code.
  const missing = await client.GET("/api/v1/orders/{id}", { params: { path: { id: "ord_does_not_exist" } } });
  if (hasErrorCode(missing.error, "not_found")) log(`ord_does_not_exist: 404 not_found`);
  else throw new Error(`expected not_found, got ${missing.response.status}`);
  const badRange = await client.GET("/api/v1/reports/sales", { params: { query: { from: to, to: from } } });
  if (hasErrorCode(badRange.error, "invalid_request")) {
    log(`a backwards date range: 400 invalid_request, fields ${badRange.error.error.fields?.join(", ")}`);
  } else throw new Error(`expected invalid_request, got ${badRange.response.status}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseUrl = process.env.KEYWARD_URL ?? "http://localhost:3000";
  const apiKey = process.env.KEYWARD_API_KEY;
  if (!apiKey) {
    console.error("Set KEYWARD_API_KEY to a key with All permissions (Account > API Keys).");
    process.exit(2);
  }
  await runIntegration({ baseUrl, apiKey });
}
