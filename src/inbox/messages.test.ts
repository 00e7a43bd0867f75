import { describe, expect, it } from "vitest";
import { messageFor } from "./messages.js";

const key = { id: "key_1", name: "Nightly export", hint: "mpk_…a1B2", ownerId: "usr_owner" };

describe("Notification and email wording", () => {
  it("says when and where a canary was used in words a person reads, in UTC", () => {
    const message = messageFor("key.canary_triggered", {
      key,
      use: {
        at: "2026-12-02T14:05:09.120Z",
        ip: "203.0.113.9",
        userAgent: "curl/8.5.0",
        route: "GET /api/v1/orders",
      },
    });
    expect(message?.body).toBe(
      "Someone used a canary key at 2 Dec 2026, 14:05 UTC from 203.0.113.9 (curl/8.5.0) on GET /api/v1/orders. It was refused; whoever has it found it where it was planted.",
    );
    expect(message?.body).not.toContain("2026-12-02T");
  });

  it("tells the owner the moment an expiring key stops working, in UTC", () => {
    const message = messageFor("key.expiring", { key, daysLeft: 1, expiresAt: "2026-12-09T00:00:00.000Z" });
    expect(message?.title).toBe('API key "Nightly export" (mpk_…a1B2) expires in 1 day');
    expect(message?.body).toMatch(/^It stops working at 9 Dec 2026, 00:00 UTC\./);
    expect(message?.audience).toEqual(["owner"]);
  });
});
