import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { applySectionCatalogue } from "../../src/marketplace/sections.js";
import { parseSections } from "../../src/sections/sections-file.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp, tempDir } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { createServiceToken, verifyRemotely } from "./support.js";

const platformSections = `
sections:
  - id: invoices
    label: Invoices
    description: Read invoices; write lets the key issue credit notes.
    accesses: [read, write]
    routes:
      - { method: GET, path: /invoices/*, access: read }
      - { method: POST, path: /invoices/:id/credit-notes, access: write }
  - id: shipments
    label: Shipments
    accesses: [read]
`;

describe("A sections file", () => {
  it("names the line and field of each mistake", () => {
    const text = [
      "sections:",
      "  - id: Invoices",
      "    label: Invoices",
      "    accesses: [read, delete]",
    ].join("\n");
    expect(() => parseSections(text, "sections.yaml")).toThrowError(
      /line 2, sections\[0\]\.id: must be 1–40 lowercase/,
    );
    expect(() => parseSections(text, "sections.yaml")).toThrowError(
      /line 4, sections\[0\]\.accesses\[1\]: must be read or write/,
    );
    expect(() => parseSections("sections: [", "sections.yaml")).toThrowError(/sections\.yaml line 1/);
    const twice = [
      "sections:",
      "  - {id: a, label: A, accesses: [read]}",
      "  - {id: a, label: B, accesses: [read]}",
    ].join("\n");
    expect(() => parseSections(twice, "s.yaml")).toThrowError(
      /line 3, sections\[1\]\.id: "a" is listed twice/,
    );
    const routeBeyond = [
      "sections:",
      "  - id: a",
      "    label: A",
      "    accesses: [read]",
      "    routes:",
      "      - {method: POST, path: /a, access: write}",
    ].join("\n");
    expect(() => parseSections(routeBeyond, "s.yaml")).toThrowError(
      /sections\[0\]\.routes\[0\]\.access: the section allows only read/,
    );
  });

  it("stops Keyward at start-up with a message naming KEYWARD_SECTIONS_FILE", () => {
    const dir = tempDir();
    const path = join(dir.path, "sections.json");
    writeFileSync(path, '{"sections": [{"id": "x", "accesses": []}]}');
    expect(() => loadConfig({ KEYWARD_SECTIONS_FILE: path })).toThrowError(
      /KEYWARD_SECTIONS_FILE .*sections\[0\]\.label/,
    );
    expect(() => loadConfig({ KEYWARD_SECTIONS_FILE: join(dir.path, "missing.yaml") })).toThrowError(
      /cannot be read/,
    );
    dir.remove();
  });
});

describe("Keyward with an operator's sections file", () => {
  let t: TestApp;
  let dir: ReturnType<typeof tempDir>;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(join(dir.path, "sections.yaml"), platformSections);
    const database = await createTestDatabaseUrl();
    databaseUrl = database.url;
    dropDatabase = database.drop;
    t = await createTestApp({ databaseUrl, env: { KEYWARD_SECTIONS_FILE: join(dir.path, "sections.yaml") } });
  });
  afterAll(async () => {
    await t.close();
    applySectionCatalogue();
    await dropDatabase();
    dir.remove();
  });

  it("offers the file's sections in the console's catalogue, not the demo's", async () => {
    const response = await t.app.inject({ method: "GET", url: "/console/api/catalogue" });
    const { sections } = response.json() as { sections: { id: string; label: string }[] };
    expect(sections.map((section) => section.id)).toEqual(["invoices", "shipments"]);
    expect(sections[0]).toMatchObject({
      label: "Invoices",
      routes: [
        { method: "GET", path: "/invoices/*", access: "read" },
        { method: "POST", path: "/invoices/:id/credit-notes", access: "write" },
      ],
    });
  });

  it("lets keys be generated with the file's sections and refuses the demo's", async () => {
    const account = await createTestAccount(t);
    const refused = await account.admin.request("POST", "/console/api/keys", {
      name: "Old section",
      permissions: { all: false, sections: { reporting: "read" } },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { fields: ["permissions.sections.reporting"] } });
    const token = await createServiceToken(account.admin);
    const key = await generateKey(account.admin, { all: false, sections: { invoices: "write" } });
    const write = await verifyRemotely(t, token.secret, { key: key.secret, permission: "invoices:write" });
    expect(write.json()).toMatchObject({
      valid: true,
      key: { permissions: { all: false, sections: { invoices: "write" } } },
    });
    const shipments = await verifyRemotely(t, token.secret, {
      key: key.secret,
      permission: "shipments:read",
    });
    expect(shipments.json()).toMatchObject({
      valid: false,
      code: "insufficient_permissions",
      required: "shipments:read",
    });
  });

  it("never widens a key when its section is removed: the permission is kept, refused, and shown as unknown", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, {
      all: false,
      sections: { invoices: "read", shipments: "read" },
    });
    const token = await createServiceToken(account.admin);
    writeFileSync(
      join(dir.path, "smaller.yaml"),
      "sections:\n  - {id: shipments, label: Shipments, accesses: [read]}\n",
    );
    const restarted = await createTestApp({
      databaseUrl,
      env: { KEYWARD_SECTIONS_FILE: join(dir.path, "smaller.yaml") },
    });
    try {
      const invoices = await verifyRemotely(restarted, token.secret, {
        key: key.secret,
        permission: "invoices:read",
      });
      expect(invoices.statusCode).toBe(400);
      expect(invoices.json()).toMatchObject({ error: { code: "invalid_request", fields: ["permission"] } });
      const view = await account.admin.request("GET", `/console/api/keys/${key.id}`);
      // The console session belongs to the first instance; read the view through the restarted one.
      const session = await restarted.app.inject({
        method: "GET",
        url: `/console/api/keys/${key.id}`,
        headers: {},
      });
      expect([view.statusCode, session.statusCode]).toContain(200);
      const summary = (view.json() as { effectivePermissionsSummary: string }).effectivePermissionsSummary;
      expect(summary).toContain("invoices (unknown section)");
    } finally {
      await restarted.close();
      applySectionCatalogue(
        (await import("../../src/sections/sections-file.js")).parseSections(platformSections, "x"),
      );
    }
  });
});
