import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIntegration } from "../../examples/marketplace-integration/integration.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// The README's integration example, run as an integrator would: over real HTTP against a listening server.
let t: TestApp;
let baseUrl: string;
let secret: string;
let readOnlySecret: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const account = await createTestAccount(t);
  secret = (await generateKey(account.admin, { all: true }, "Nightly export")).secret;
  readOnlySecret = (await generateKey(account.admin, { all: false, sections: { orders: "read" } })).secret;
});
afterAll(async () => t.close());

describe("The marketplace integration example", () => {
  it("pages through orders, fulfils one once despite a retry, reads a two-dimension report and handles errors by code", async () => {
    const lines: string[] = [];
    await runIntegration({ baseUrl, apiKey: secret, log: (line) => lines.push(line) });
    expect(lines[0]).toBe('key "Nightly export": All permissions');
    expect(lines[1]).toMatch(/^orders: \d+ in \d+ pages, \d+ paid$/);
    expect(lines[2]).toMatch(
      /^fulfilled ord_\S+: fulfilled; retry with the same Idempotency-Key: 200 fulfilled \(replayed: true\)$/,
    );
    expect(lines[3]).toBe("fulfilling it again: 409 conflict, currentStatus fulfilled");
    expect(lines[4]).toMatch(/^sales \S+ by day and seller: \d+ rows, \d+ orders, [\d.]+ USD$/);
    expect(lines).toContain("ord_does_not_exist: 404 not_found");
    expect(lines.at(-1)).toBe("a backwards date range: 400 invalid_request, fields to");
  });

  it("stops at the first refusal when its key may not fulfil orders", async () => {
    await expect(runIntegration({ baseUrl, apiKey: readOnlySecret, log: () => {} })).rejects.toThrow(
      /fulfilling ord_\S+ failed/,
    );
  });
});
