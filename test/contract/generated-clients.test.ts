import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiDocuments, buildApiDocuments } from "../../scripts/build-api-documents.js";
import { generateClientFiles, generatedFiles } from "../../scripts/generate-clients.js";

const root = join(import.meta.dirname, "../..");
let documents: ApiDocuments;
let generated: Record<string, string>;

beforeAll(async () => {
  documents = await buildApiDocuments();
  generated = await generateClientFiles(documents);
}, 180_000);

describe("The generated clients", () => {
  it.each(Object.values(generatedFiles))(
    "%s is exactly what the server's OpenAPI document generates (else run npm run generate:clients)",
    (path) => {
      const checkedIn = readFileSync(join(root, path), "utf8");
      expect(generated[path], `${path} is stale: run npm run generate:clients and commit it`).toBe(checkedIn);
    },
  );

  it("would fail the check above when a route's schema gains a field the checked-in types lack", async () => {
    const changed = structuredClone(documents);
    const order = (changed.marketplace.components as { schemas: Record<string, { properties: object }> })
      .schemas.Order;
    order!.properties = { ...order!.properties, giftMessage: { type: "string" } };
    const files = await generateClientFiles(changed);
    const path = generatedFiles.marketplace;
    expect(files[path]).toContain("giftMessage?: string;");
    expect(files[path]).not.toBe(readFileSync(join(root, path), "utf8"));
  }, 60_000);

  it("name the shapes integrators and the console use, with error codes as closed unions", () => {
    const marketplace = generated[generatedFiles.marketplace]!;
    for (const name of [
      "Order",
      "Product",
      "Seller",
      "Payout",
      "SalesReport",
      "CallingKey",
      "MarketplaceEvent",
    ]) {
      expect(marketplace).toContain(`export type ${name} = components['schemas']['${name}'];`);
    }
    expect(marketplace).toMatch(/code: "conflict" \| "idempotency_key_in_progress"/);
    const console = generated[generatedFiles.console]!;
    for (const name of ["ApiKey", "User", "Session", "Section", "AuditEvent", "Permissions"]) {
      expect(console).toContain(`export type ${name} = components['schemas']['${name}'];`);
    }
    // The console's own paths only: no marketplace operation leaks into its client, nor the reverse.
    expect(console).not.toContain('"/api/v1/orders"');
    expect(marketplace).not.toContain('"/console/api/keys"');
  });
});
