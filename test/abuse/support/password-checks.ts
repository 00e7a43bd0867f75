import type { LightMyRequestResponse } from "fastify";
import type { Db } from "../../../src/db/database.js";
import { attemptSignIn, type SignInAttempt } from "../../hardening/support/requests.js";
import type { TestApp } from "../../support/test-app.js";

/**
 * How many times a user's password was checked with argon2: every check of a known user's password
 * leaves exactly one audit event, `user.sign_in_failed` or `user.signed_in`, whatever the response said.
 */
export async function countPasswordChecks(db: Db, userId: string): Promise<number> {
  const rows = await db
    .selectFrom("audit_events")
    .select("id")
    .where("target_id", "=", userId)
    .where("action", "in", ["user.sign_in_failed", "user.signed_in"])
    .execute();
  return rows.length;
}

/** Sends every attempt at once (round-robin over the instances) and waits for all the answers. */
export function burst(instances: TestApp[], attempts: SignInAttempt[]): Promise<LightMyRequestResponse[]> {
  return Promise.all(
    attempts.map((attempt, i) => attemptSignIn(instances[i % instances.length] as TestApp, attempt)),
  );
}

/** Counts responses by status code, e.g. { 401: 5, 429: 55 }. */
export function countByStatus(responses: LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1;
  return counts;
}
