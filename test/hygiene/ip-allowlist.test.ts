import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { callWithKey } from "../hardening/support/requests.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  auditCount,
  auditOf,
  editKey,
  expectRefused,
  generateWith,
  getKey,
  keyRow,
  listKeys,
  reportingRead,
  requestKey,
} from "./support.js";

let t: TestApp;
/** The same app behind one proxy it trusts (KEYWARD_TRUST_PROXY=1). */
let proxied: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  proxied = await createTestApp({ env: { KEYWARD_TRUST_PROXY: "1" } });
});
afterAll(async () => {
  await t.close();
  await proxied.close();
});

const createKey = "POST /console/api/keys";
const updateKey = "PATCH /console/api/keys/{id}";
const salesReport = "/api/v1/reports/sales";

function from(app: TestApp, secret: string, ip: string, url = "/api/v1/key") {
  return callWithKey(app, secret, url, { ip });
}

async function expectNotAllowed(app: TestApp, secret: string, ip: string, url = "/api/v1/key") {
  const operation = `GET ${url}`;
  const error = await expectRefused(app, await from(app, secret, ip, url), operation, 403, "ip_not_allowed");
  expect(error.message).toContain(`may not be used from ${ip}.`);
}

describe("A key with an IP allowlist", () => {
  it("answers a request from outside with 403 ip_not_allowed naming the address, and one from inside normally", async () => {
    const { admin } = await createTestAccount(t);
    const { secret, key } = await generateWith(admin, {
      permissions: reportingRead,
      allowedIps: ["127.0.0.0/30", "::1"],
    });
    expect(key.allowedIps).toEqual(["127.0.0.0/30", "::1"]);
    for (const ip of ["127.0.0.1", "127.0.0.3", "::1"]) {
      expect((await from(t, secret, ip, salesReport)).statusCode, ip).toBe(200);
    }
    for (const ip of ["127.0.0.4", "127.0.1.1", "192.0.2.1", "::2"]) {
      await expectNotAllowed(t, secret, ip, salesReport);
      await expectNotAllowed(t, secret, ip);
    }
  });

  it("matches a single address exactly and an IPv6 range by its prefix", async () => {
    const { admin } = await createTestAccount(t);
    const { secret } = await generateWith(admin, { allowedIps: ["127.0.0.7", "2001:db8:abcd::/48"] });
    expect((await from(t, secret, "127.0.0.7")).statusCode).toBe(200);
    expect((await from(t, secret, "2001:db8:abcd:12::1")).statusCode).toBe(200);
    await expectNotAllowed(t, secret, "127.0.0.8");
    await expectNotAllowed(t, secret, "2001:db8:abce::1");
  });

  it("recognises an IPv4 client that a dual-stack socket reports as ::ffff:a.b.c.d", async () => {
    const { admin } = await createTestAccount(t);
    const { secret } = await generateWith(admin, { allowedIps: ["127.0.0.0/24"] });
    expect((await from(t, secret, "::ffff:127.0.0.9")).statusCode).toBe(200);
    await expectNotAllowed(t, secret, "::ffff:192.0.2.9");
  });

  it("is refused from outside however often: a working key at the wrong address spends no failure budget", async () => {
    const { admin } = await createTestAccount(t);
    const { secret } = await generateWith(admin, { allowedIps: ["127.0.0.1"] });
    const outside = uniqueIp();
    for (let i = 0; i < 25; i++) {
      expect((await from(t, secret, outside)).json().error.code).toBe("ip_not_allowed");
    }
    expect((await from(t, secret, "127.0.0.1")).statusCode).toBe(200);
  });

  it("is shown with its allowlist to the console", async () => {
    const { admin } = await createTestAccount(t);
    const { id } = await generateWith(admin, { allowedIps: ["192.0.2.0/24"] });
    const unrestricted = await generateWith(admin, {});
    expect((await getKey(admin, id)).allowedIps).toEqual(["192.0.2.0/24"]);
    const listed = Object.fromEntries((await listKeys(admin)).map((key) => [key.id, key.allowedIps]));
    expect(listed).toEqual({ [id]: ["192.0.2.0/24"], [unrestricted.id]: null });
  });
});

describe("Writing an allowlist", () => {
  it("normalises addresses and drops duplicates", async () => {
    const { admin } = await createTestAccount(t);
    const { key } = await generateWith(admin, {
      allowedIps: [" 127.0.0.1 ", "2001:DB8:0:0:0:0:0:1", "10.0.0.0/8", "127.0.0.1", "2001:db8::1"],
    });
    expect(key.allowedIps).toEqual(["127.0.0.1", "2001:db8::1", "10.0.0.0/8"]);
  });

  it.each([
    ["2001:DB8:0:0:1:0:0:0", "2001:db8:0:0:1::"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:1:1:1:1:0:1", "2001:db8:1:1:1:1:0:1"],
    ["0:0:0:0:0:0:0:0/0", "::/0"],
    ["2001:db8:0:0:0:0:0:0/32", "2001:db8::/32"],
  ])("writes the IPv6 entry %s in its canonical form %s (RFC 5952)", async (entry, canonical) => {
    const { admin } = await createTestAccount(t);
    const { key } = await generateWith(admin, { allowedIps: [entry] });
    expect(key.allowedIps).toEqual([canonical]);
  });

  it("refuses a range with host bits set, naming the entry and the range it probably means", async () => {
    const account = await createTestAccount(t);
    const response = await requestKey(account.admin, { allowedIps: ["127.0.0.1", "10.0.0.7/8"] });
    const error = await expectRefused(t, response, createKey, 400, "invalid_request");
    expect(error.fields).toEqual(["allowedIps[1]"]);
    expect(error.message).toContain('"10.0.0.7/8"');
    expect(error.message).toContain("10.0.0.0/8");
    expect(await listKeys(account.admin, "status=all")).toEqual([]);
  });

  it.each([
    ["a name", "office.example.test"],
    ["an octet over 255", "300.1.1.1"],
    ["an IPv4 prefix over 32", "10.0.0.0/33"],
    ["an IPv6 prefix over 128", "2001:db8::/129"],
    ["two prefixes", "10.0.0.0/8/16"],
    ["an empty prefix", "10.0.0.0/"],
    ["a word as the prefix", "10.0.0.0/eight"],
    ["an empty entry", ""],
    ["a broken IPv6 address", "2001:db8:::1"],
  ])("refuses %s, naming its position, and generates nothing", async (_label, entry) => {
    const account = await createTestAccount(t);
    const events = await auditCount(t, account.accountId);
    const response = await requestKey(account.admin, { allowedIps: ["127.0.0.1", "192.0.2.0/24", entry] });
    const error = await expectRefused(t, response, createKey, 400, "invalid_request");
    expect(error.fields).toEqual(["allowedIps[2]"]);
    expect(error.message).toContain("allowedIps[2]");
    expect(await listKeys(account.admin, "status=all")).toEqual([]);
    expect(await auditCount(t, account.accountId)).toBe(events);
  });

  it("takes up to 100 entries and refuses 101, generating nothing", async () => {
    const account = await createTestAccount(t);
    const entries = (count: number) => Array.from({ length: count }, (_, i) => `192.0.2.${i + 1}`);
    const { key } = await generateWith(account.admin, { allowedIps: entries(100) });
    expect(key.allowedIps).toHaveLength(100);

    const error = await expectRefused(
      t,
      await requestKey(account.admin, { allowedIps: entries(101) }),
      createKey,
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual(["allowedIps"]);
    expect(error.message).toContain("100");
    expect((await listKeys(account.admin)).map((item) => item.id)).toEqual([key.id]);
  });
});

describe("Editing an allowlist", () => {
  it("applies on the next request, even to a cached key, and is audited with before and after", async () => {
    const { admin } = await createTestAccount(t);
    const { id, secret } = await generateWith(admin, {});
    expect((await from(t, secret, "192.0.2.50")).statusCode).toBe(200);
    expect((await from(t, secret, "192.0.2.50")).statusCode).toBe(200);

    const restricted = await editKey(admin, id, { allowedIps: ["127.0.0.0/24"] });
    expect(restricted.statusCode, restricted.body).toBe(200);
    await expectNotAllowed(t, secret, "192.0.2.50");
    expect((await from(t, secret, "127.0.0.50")).statusCode).toBe(200);

    const [event] = await auditOf(admin, "api_key.updated", id);
    expect(event?.details).toMatchObject({
      before: { allowedIps: null },
      after: { allowedIps: ["127.0.0.0/24"] },
    });
  });

  it.each([
    ["null", null],
    ["an empty list", []],
  ])("is removed with %s: the key works from any address again", async (_label, allowedIps) => {
    const { admin } = await createTestAccount(t);
    const { id, secret } = await generateWith(admin, { allowedIps: ["127.0.0.1"] });
    await expectNotAllowed(t, secret, "192.0.2.60");
    const cleared = await editKey(admin, id, { allowedIps });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({ allowedIps: null });
    expect((await from(t, secret, "192.0.2.60")).statusCode).toBe(200);
  });

  it("refuses a bad entry, naming it, and leaves the key and its allowlist as they were", async () => {
    const account = await createTestAccount(t);
    const { id, secret } = await generateWith(account.admin, { allowedIps: ["127.0.0.1"] });
    const row = await keyRow(t, id);
    const error = await expectRefused(
      t,
      await editKey(account.admin, id, { allowedIps: ["192.0.2.1", "192.0.2.300"] }),
      updateKey,
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual(["allowedIps[1]"]);
    expect(await keyRow(t, id)).toEqual(row);
    expect((await from(t, secret, "127.0.0.1")).statusCode).toBe(200);
    await expectNotAllowed(t, secret, "192.0.2.1");
  });
});

describe("The address an allowlist is matched against", () => {
  it("behind a trusted proxy, is the client's address from X-Forwarded-For, not the proxy's", async () => {
    const { admin } = await createTestAccount(proxied);
    const { secret } = await generateWith(admin, { allowedIps: ["203.0.113.9"] });
    const proxy = uniqueIp();
    const via = (forwardedFor: string) =>
      callWithKey(proxied, secret, "/api/v1/key", {
        ip: proxy,
        headers: { "x-forwarded-for": forwardedFor },
      });

    expect((await via("203.0.113.9")).statusCode).toBe(200);
    const other = await expectRefused(
      proxied,
      await via("203.0.113.10"),
      "GET /api/v1/key",
      403,
      "ip_not_allowed",
    );
    expect(other.message).toContain("from 203.0.113.10.");
    // A client can't claim the allowed address: the one trusted hop appended the real one last.
    const spoofed = await expectRefused(
      proxied,
      await via("203.0.113.9, 198.51.100.4"),
      "GET /api/v1/key",
      403,
      "ip_not_allowed",
    );
    expect(spoofed.message).toContain("from 198.51.100.4.");
  });

  it("without a trusted proxy, is the connection's address, whatever X-Forwarded-For claims", async () => {
    const { admin } = await createTestAccount(t);
    const { secret } = await generateWith(admin, { allowedIps: ["203.0.113.9"] });
    const response = await callWithKey(t, secret, "/api/v1/key", {
      ip: "192.0.2.77",
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    const error = await expectRefused(t, response, "GET /api/v1/key", 403, "ip_not_allowed");
    expect(error.message).toContain("from 192.0.2.77.");
  });
});
