import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey, keyPattern } from "../../src/keys/key-format.js";
import { uniqueIp } from "../hardening/support/network.js";
import { mistypedKey } from "../hardening/support/requests.js";
import { type OpenSession, openSession } from "../hardening/support/sessions.js";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// One full flow — keys created, used every way a client might, edited, revoked, misused — with every
// response and log line captured; then everything is searched for every secret the flow handled.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARD_LOG_LEVEL: "trace" } });
});
afterAll(async () => t.close());

interface Captured {
  label: string;
  response: LightMyRequestResponse;
  /** The secret this response is allowed to carry: the one create response of that key. */
  mayCarry?: string;
}

interface Flow {
  captured: Captured[];
  secrets: string[];
  passwords: string[];
  cookies: string[];
  csrfTokens: string[];
  accountId: string;
}

const permissionSets = [
  { all: true },
  { all: false, sections: { reporting: "read" } },
  { all: false, sections: { orders: "write", catalog: "read" } },
  { all: false, sections: { sellers: "write", payouts: "read" } },
] as const;

async function runFlow(): Promise<Flow> {
  const captured: Captured[] = [];
  const record = async (label: string, sending: Promise<LightMyRequestResponse>, mayCarry?: string) => {
    const response = await sending;
    captured.push({ label, response, ...(mayCarry ? { mayCarry } : {}) });
    return response;
  };
  const account = await createTestAccount(t);
  const admin = await openSession(t, account.admin.email);
  const managerPassword = "manager-password-long-enough-7";
  const managerEmail = `manager-${Date.now()}@example.test`;
  const created = await record(
    "create manager",
    admin.request("POST", "/console/api/users", {
      email: managerEmail,
      name: "Secret Keeper",
      role: "marketplace_manager",
      password: managerPassword,
      apiAccess: true,
    }),
  );
  expect(created.statusCode).toBe(201);
  await record(
    "wrong password",
    t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: managerEmail, password: `${managerPassword}x` },
    }),
  );
  const signIn = await record(
    "manager signs in",
    t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: managerEmail, password: managerPassword },
    }),
  );
  const managerCookie = signIn.cookies.find((cookie) => cookie.name === "keyward_session")?.value ?? "";
  const manager: OpenSession = await openSession(t, managerEmail, { password: managerPassword });
  const sessions = [admin, manager];

  const keys: { id: string; secret: string; owner: OpenSession }[] = [];
  for (let i = 0; i < 12; i++) {
    const owner = sessions[i % 2] ?? admin;
    const response = await owner.request("POST", "/console/api/keys", {
      name: `Integration ${i}`,
      permissions: permissionSets[i % permissionSets.length],
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json() as { key: { id: string }; secret: string };
    captured.push({ label: `create key ${i}`, response, mayCarry: body.secret });
    keys.push({ id: body.key.id, secret: body.secret, owner });
  }

  for (const [i, key] of keys.entries()) {
    const ip = uniqueIp();
    const call = (
      label: string,
      url: string,
      headers: Record<string, string>,
      method: "GET" | "POST" | "PATCH" = "GET",
      payload?: object,
    ) =>
      record(
        `${label} (key ${i})`,
        t.app.inject({ method, url, headers, remoteAddress: ip, ...(payload ? { payload } : {}) }),
      );
    await call("bearer", "/api/v1/key", { authorization: `Bearer ${key.secret}` });
    await call("x-api-key", "/api/v1/orders?limit=2", { "x-api-key": key.secret });
    await call("query string", `/api/v1/key?api_key=${key.secret}`, {});
    await call("query string beside a header", `/api/v1/reports/sales?api_key=${key.secret}`, {
      authorization: `Bearer ${key.secret}`,
    });
    await call("missing permission", "/api/v1/payouts", { authorization: `Bearer ${key.secret}` });
    await call("bad query", "/api/v1/orders?limit=zero", { authorization: `Bearer ${key.secret}` });
    await call("bad body", "/api/v1/products/prd_x", { authorization: `Bearer ${key.secret}` }, "PATCH", {
      stock: "many",
    });
    await call("mistyped", "/api/v1/key", { authorization: `Bearer ${mistypedKey(key.secret)}` });
    await call("with trailing junk", "/api/v1/key", { authorization: `Bearer ${key.secret}x` });
    await call("pasted into the path", `/api/v1/orders/${key.secret}`, {
      authorization: `Bearer ${key.secret}`,
    });
    await call("pasted into an unknown path", `/api/v1/${key.secret}`, {
      authorization: `Bearer ${key.secret}`,
    });
    await record(
      `pasted into a section name (key ${i})`,
      key.owner.request("POST", "/console/api/keys", {
        name: "Pasted",
        permissions: { all: false, sections: { [key.secret]: "read" } },
      }),
    );
    await record(
      `pasted as a field name (key ${i})`,
      key.owner.request("PATCH", `/console/api/keys/${key.id}`, { [key.secret]: true }),
    );
    await record(
      `pasted into a filter (key ${i})`,
      admin.request("GET", `/console/api/audit?actorId=${key.secret}`),
    );
    await record(`pasted as a key id (key ${i})`, admin.request("GET", `/console/api/keys/${key.secret}`));
    // The same key percent-encoded, fully or in part: it must be recognised and hidden in every encoding.
    for (const [form, encoded] of encodedForms(key.secret)) {
      const bearer = { authorization: `Bearer ${key.secret}` };
      await call(`${form} in a query string`, `/api/v1/key?api_key=${encoded}`, {});
      await call(`${form} in a filter`, `/api/v1/orders?sellerId=${encoded}`, bearer);
      await call(`${form} in an unknown path`, `/api/v1/${encoded}`, bearer);
      await call(`${form} as an order id`, `/api/v1/orders/${encoded}`, bearer);
      await record(
        `${form} in an unknown console path (key ${i})`,
        admin.request("GET", `/console/api/${encoded}`),
      );
      await record(`${form} as a key id (key ${i})`, admin.request("GET", `/console/api/keys/${encoded}`));
      await record(
        `${form} in an audit filter (key ${i})`,
        admin.request("GET", `/console/api/audit?actorId=${encoded}`),
      );
      encodedSearched++;
    }
    await record(
      `edit (key ${i})`,
      key.owner.request("PATCH", `/console/api/keys/${key.id}`, {
        name: `Integration ${i} (edited)`,
        permissions: { all: true },
      }),
    );
    await record(`read back (key ${i})`, key.owner.request("GET", `/console/api/keys/${key.id}`));
    if (i % 3 === 0) {
      await record(`revoke (key ${i})`, admin.request("POST", `/console/api/keys/${key.id}/revoke`));
      await record(`revoke again (key ${i})`, admin.request("POST", `/console/api/keys/${key.id}/revoke`));
      await call("revoked", "/api/v1/key", { authorization: `Bearer ${key.secret}` });
    }
  }
  for (const session of sessions) {
    await record("list all keys", session.request("GET", "/console/api/keys?status=all&limit=100"));
    await record("session", session.request("GET", "/console/api/session"));
  }
  const changedPassword = "manager-changed-passphrase-9";
  const weakPassword = "password1234";
  const changePassword = (currentPassword: string, newPassword: string) =>
    manager.request("POST", "/console/api/session/password", { currentPassword, newPassword });
  await record("change password, wrong current", changePassword(`${managerPassword}x`, changedPassword));
  await record("change password, too easy to guess", changePassword(managerPassword, weakPassword));
  await record("change password", changePassword(managerPassword, changedPassword));
  await record("own sessions", manager.request("GET", "/console/api/session/sessions"));
  await record("users", admin.request("GET", "/console/api/users"));
  await record("audit", admin.request("GET", "/console/api/audit?limit=100"));
  await t.usage.flush();
  return {
    captured,
    secrets: keys.map((key) => key.secret),
    passwords: [testPassword, managerPassword, changedPassword, weakPassword],
    cookies: [admin.token, manager.token, managerCookie],
    csrfTokens: [admin.csrfToken, manager.csrfToken],
    accountId: account.accountId,
  };
}

/** A key percent-encoded the ways a client, a proxy or an attacker might: whole, the underscore only, or in part. */
function encodedForms(secret: string): [string, string][] {
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  const all = [...secret].map((c) => hex(c).toUpperCase()).join("");
  const underscore = secret.replace("_", "%5F");
  const lowerUnderscore = secret.replace("_", "%5f");
  const partly = [...secret].map((c, i) => (i % 3 === 1 ? hex(c) : c)).join("");
  const prefixOnly = `${hex("m")}pk_${secret.slice(4)}`;
  return [
    ["fully percent-encoded", all],
    ["mpk%5F", underscore],
    ["mpk%5f", lowerUnderscore],
    ["partly percent-encoded", partly],
    ["%6Dpk_", prefixOnly],
  ];
}

/** Decodes every %XX, so a key encoded in any way is found by a plain search. */
function percentDecoded(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_, code: string) =>
    String.fromCharCode(Number.parseInt(code, 16)),
  );
}

let encodedSearched = 0;
let flow: Flow;
beforeAll(async () => {
  flow = await runFlow();
  const figures = `${flow.secrets.length} keys (and ${encodedSearched} percent-encoded forms of them, each in 7 places), ${flow.captured.length} responses, ${t.logs.length} log lines`;
  console.log(`[hardening figures] secrets: searched ${figures} for every key, password and session cookie`);
});

function occurrences(haystack: string, needles: string[]): string[] {
  return needles.filter((needle) => needle !== "" && haystack.includes(needle));
}

describe("secrets never leak", () => {
  it("shows each full key only in its own create response", () => {
    expect(flow.captured.filter((c) => c.mayCarry).length).toBe(flow.secrets.length);
    const leaks = flow.captured.flatMap(({ label, response, mayCarry }) => {
      const text = `${JSON.stringify(response.headers)}\n${response.body}`;
      const found = occurrences(text, flow.secrets).filter((secret) => secret !== mayCarry);
      return found.length > 0 ? [`${label} → ${response.statusCode} ${response.body.slice(0, 160)}`] : [];
    });
    expect(leaks).toEqual([]);
  });

  it("puts no full key in any error message, even one the client pasted in the wrong place", () => {
    const leaks = flow.captured
      .filter((c) => c.response.statusCode >= 400)
      .map((c) => ({
        label: c.label,
        message: (c.response.json() as { error: { message: string } }).error.message,
      }))
      .filter(({ message }) => keyPattern.test(message) || keyPattern.test(percentDecoded(message)))
      .map(({ label, message }) => `${label}: ${message}`);
    expect(leaks).toEqual([]);
  });

  it("writes no key, password, session cookie or CSRF token to the logs, and redacts credentials", () => {
    const logs = t.logs.join("");
    expect(logs.length).toBeGreaterThan(1000);
    expect(occurrences(logs, flow.secrets)).toEqual([]);
    expect(occurrences(logs, flow.passwords)).toEqual([]);
    expect(occurrences(logs, flow.cookies)).toEqual([]);
    expect(occurrences(logs, flow.csrfTokens)).toEqual([]);
    expect(logs).not.toMatch(keyPattern);
  });

  it("writes no key to the logs or an error message in any percent-encoding, whole or partial", () => {
    const decodedLogs = percentDecoded(t.logs.join(""));
    expect(occurrences(decodedLogs, flow.secrets)).toEqual([]);
    expect(decodedLogs).not.toMatch(keyPattern);
    expect(t.logs.join("")).not.toMatch(/mpk%5f|%6dpk|%6d%70%6b/i);
    const encodedAnswers = flow.captured.filter(
      (c) =>
        / in an unknown| in a query| in a filter| as an order id| as a key id| in an audit filter/.test(
          c.label,
        ) && /encoded|%/.test(c.label),
    );
    expect(encodedAnswers.length).toBe(encodedSearched * 7);
    for (const { label, response } of encodedAnswers) {
      const decoded = percentDecoded(`${JSON.stringify(response.headers)}\n${response.body}`);
      expect(occurrences(decoded, flow.secrets), label).toEqual([]);
      expect(decoded, label).not.toMatch(keyPattern);
    }
  });

  it("shows passwords and session cookies in no response body, and cookies only in their own Set-Cookie", () => {
    for (const { label, response } of flow.captured) {
      const { "set-cookie": _setCookie, ...headers } = response.headers;
      const text = `${JSON.stringify(headers)}\n${response.body}`;
      expect(occurrences(text, [...flow.passwords, ...flow.cookies]), label).toEqual([]);
    }
  });

  it("records no key, password or cookie in the audit trail", async () => {
    const events = await t.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("account_id", "=", flow.accountId)
      .execute();
    expect(events.length).toBeGreaterThan(20);
    const text = JSON.stringify(events);
    expect(occurrences(text, [...flow.secrets, ...flow.passwords, ...flow.cookies])).toEqual([]);
    expect(text).not.toMatch(keyPattern);
  });

  it("stores only the SHA-256 of each key, and nothing secret anywhere in the database", async () => {
    const stored = await t.database.db.selectFrom("api_keys").select(["key_hash", "hint"]).execute();
    const hashes = new Set(stored.map((row) => row.key_hash));
    for (const secret of flow.secrets) expect(hashes.has(hashKey(secret))).toBe(true);
    for (const table of ["accounts", "users", "sessions", "api_keys", "audit_events"]) {
      const { rows } = await sql`select * from ${sql.table(table)}`.execute(t.database.db);
      const text = JSON.stringify(rows);
      expect(occurrences(text, [...flow.secrets, ...flow.passwords, ...flow.cookies]), table).toEqual([]);
    }
  });

  it("exposes no key in GET /metrics", async (context) => {
    const hasMetrics = t.app.hasRoute({ method: "GET", url: "/metrics" });
    // Keyward has no metrics endpoint yet (ARCHITECTURE.md plans src/ops/): skipped until it exists.
    if (!hasMetrics) context.skip("GET /metrics does not exist yet");
    const response = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(occurrences(response.body, [...flow.secrets, ...flow.passwords, ...flow.cookies])).toEqual([]);
    expect(response.body).not.toMatch(keyPattern);
  });
});
