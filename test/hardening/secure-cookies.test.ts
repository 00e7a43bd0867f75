import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { attemptSignIn, sessionCookieOf } from "./support/requests.js";

// KEYWARD_SECURE_COOKIES=always: for deployments where TLS ends before a proxy Keyward doesn't trust.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARD_SECURE_COOKIES: "always" } });
});
afterAll(async () => t.close());

describe("KEYWARD_SECURE_COOKIES=always", () => {
  it("marks the session cookie Secure, HttpOnly and SameSite=Lax even when the request arrived over HTTP", async () => {
    const { admin } = await createTestAccount(t);
    const response = await attemptSignIn(t, { email: admin.email, password: testPassword });
    expect(response.statusCode).toBe(200);
    expect(sessionCookieOf(response)).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
    });
    expect(String(response.headers["set-cookie"])).toMatch(/;\s*Secure/);
  });
});
