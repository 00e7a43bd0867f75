import * as z from "zod";
import type { Db } from "../db/database.js";
import { loadUserView, userSchema } from "../users/user-view.js";
import { csrfTokenFor } from "./sessions.js";

/** The signed-in user as the console starts from: who, in which account, and the CSRF token. */
export const sessionSchema = z
  .object({
    user: userSchema,
    account: z.object({ id: z.string(), name: z.string() }),
    csrfToken: z.string().describe("Send it as X-CSRF-Token on every request that changes something."),
  })
  .meta({ id: "Session" });
export type SessionView = z.infer<typeof sessionSchema>;

/** The session view for a user's session token. */
export async function describeSession(
  db: Db,
  options: { userId: string; token: string },
): Promise<SessionView> {
  const row = await db
    .selectFrom("users as u")
    .innerJoin("accounts as a", "a.id", "u.account_id")
    .select(["a.id", "a.name"])
    .where("u.id", "=", options.userId)
    .executeTakeFirstOrThrow();
  return {
    user: await loadUserView(db, row.id, options.userId),
    account: { id: row.id, name: row.name },
    csrfToken: csrfTokenFor(options.token),
  };
}
