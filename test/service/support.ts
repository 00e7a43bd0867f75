import { expect } from "vitest";
import type { ConsoleClient } from "../support/accounts.js";
import type { TestApp } from "../support/test-app.js";

/** Creates a service token through the console API, as an Administrator does; returns its secret. */
export async function createServiceToken(
  admin: ConsoleClient,
  name = "orders-service",
): Promise<{ id: string; secret: string }> {
  const response = await admin.request("POST", "/console/api/service-tokens", { name });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json() as { token: { id: string }; secret: string };
  return { id: body.token.id, secret: body.secret };
}

/** POST /service/v1/verify through the real app. */
export function verifyRemotely(t: TestApp, token: string, body: Record<string, unknown>) {
  return t.app.inject({
    method: "POST",
    url: "/service/v1/verify",
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
}

/** Listens on a free port of 127.0.0.1 and answers the base URL (the verifier package needs a real server). */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const address = t.app.server.address();
  if (address === null || typeof address !== "object") throw new Error("not listening");
  return `http://127.0.0.1:${address.port}`;
}

/** Polls until `check` holds (every 5 ms); fails after `timeoutMs`. Never a timing assertion. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
