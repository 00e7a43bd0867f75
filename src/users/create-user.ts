import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { isUniqueViolation } from "../db/database-errors.js";
import { AppError } from "../errors.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import { emailSchema, parseInput, passwordSchema, singleLineText } from "../shared/validation.js";
import { type Actor, isAdministrator } from "./actor.js";
import { hashPasswordForEmail } from "./passwords.js";
import { roleSchema } from "./roles.js";
import { toUserView, type UserView } from "./user-view.js";

export const userNameMaxLength = 100;

export const newUserSchema = z.object({
  email: emailSchema,
  name: singleLineText("Name", userNameMaxLength),
  role: roleSchema,
  password: passwordSchema,
  apiAccess: z.boolean().optional(),
});

export type NewUser = z.input<typeof newUserSchema>;

export interface CreateUserOptions {
  actor: Actor;
  user: NewUser;
}

/** Adds a user to the actor's account. Administrators only; emails are unique within an account. */
export async function createUser(ctx: Context, options: CreateUserOptions): Promise<UserView> {
  const { actor } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can create users.");
  }
  const input = parseInput(newUserSchema, options.user);
  const passwordHash = await hashPasswordForEmail(ctx.db, input.email, input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await insertUser(trx, { ...input, accountId: actor.accountId, passwordHash });
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "user.created",
      target: { type: "user", id: row.id },
      details: {
        email: row.email,
        name: row.name,
        role: row.role,
        hasApiAccess: row.api_access_granted_at !== null,
      },
    });
    return toUserView(row, 0);
  });
}

interface InsertUserOptions {
  accountId: string;
  email: string;
  name: string;
  role: "administrator" | "marketplace_manager";
  passwordHash: string;
  apiAccess?: boolean | undefined;
}

/**
 * Inserts the row; shared with account creation, which adds the first Administrator. Only this
 * account's users are looked at: whether another account has the email is never anyone's business
 * (ARCHITECTURE.md, "One email, several accounts").
 */
export async function insertUser(db: Db, options: InsertUserOptions) {
  const existing = await db
    .selectFrom("users")
    .select("id")
    .where("account_id", "=", options.accountId)
    .where("email", "=", options.email)
    .executeTakeFirst();
  if (existing) throw duplicateEmail(options.email);
  const now = nowIso();
  const row = {
    id: newId("usr"),
    account_id: options.accountId,
    email: options.email,
    name: options.name,
    role: options.role,
    password_hash: options.passwordHash,
    api_access_granted_at: options.role === "administrator" || options.apiAccess ? now : null,
    deactivated_at: null,
    created_at: now,
    permission_ceiling: null,
  };
  await db
    .insertInto("users")
    .values(row)
    .execute()
    .catch((error: unknown) => {
      // Another request created the same email in this account since the check above.
      if (isUniqueViolation(error)) throw duplicateEmail(options.email);
      throw error;
    });
  return row;
}

function duplicateEmail(email: string): AppError {
  return new AppError("conflict", `email: this account already has a user with email ${email}.`);
}
