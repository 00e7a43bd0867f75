import type { LightMyRequestResponse } from "fastify";
import { hashSessionToken } from "../../../src/sessions/sessions.js";
import { testPassword } from "../../support/accounts.js";
import type { TestApp } from "../../support/test-app.js";
import { attemptSignIn, sessionCookieOf } from "./requests.js";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** A console session whose cookie and CSRF token the test can see, replay and tamper with. */
export interface OpenSession {
  userId: string;
  email: string;
  token: string;
  csrfToken: string;
  /** Sends the cookie and, unless `csrf` says otherwise (null: no header), the session's own CSRF token. */
  request(
    method: Method,
    url: string,
    body?: unknown,
    options?: { csrf?: string | null; ip?: string },
  ): Promise<LightMyRequestResponse>;
}

export async function openSession(
  t: TestApp,
  email: string,
  options: { password?: string; previousToken?: string; ip?: string; headers?: Record<string, string> } = {},
): Promise<OpenSession> {
  const response = await attemptSignIn(t, {
    email,
    password: options.password ?? testPassword,
    ...(options.ip ? { ip: options.ip } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.previousToken ? { cookie: options.previousToken } : {}),
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = sessionCookieOf(response);
  if (!cookie) throw new Error("sign-in set no session cookie");
  const body = response.json() as { user: { id: string }; csrfToken: string };
  return sessionFrom(t, { userId: body.user.id, email, token: cookie.value, csrfToken: body.csrfToken });
}

/** A session handle for a known token (e.g. an old cookie replayed after rotation or sign-out). */
export function sessionFrom(
  t: TestApp,
  session: { userId: string; email: string; token: string; csrfToken: string },
): OpenSession {
  return {
    ...session,
    request: (method, url, body, options = {}) => {
      const csrf = options.csrf === undefined ? session.csrfToken : options.csrf;
      return t.app.inject({
        method,
        url,
        cookies: { keyward_session: session.token },
        headers: csrf === null ? {} : { "x-csrf-token": csrf },
        ...(options.ip ? { remoteAddress: options.ip } : {}),
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
  };
}

/** The public id (`ses_…`) of an open session, as its user sees it in their list of sessions. */
export async function sessionIdOf(t: TestApp, session: Pick<OpenSession, "token">): Promise<string> {
  const row = await t.database.db
    .selectFrom("sessions")
    .select("public_id")
    .where("id_hash", "=", hashSessionToken(session.token))
    .executeTakeFirstOrThrow();
  return row.public_id;
}
