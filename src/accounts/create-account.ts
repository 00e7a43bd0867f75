import { randomInt } from "node:crypto";
import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { seedDemoMarketplace } from "../marketplace/demo-data.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import { emailSchema, parseInput, passwordSchema, singleLineText } from "../shared/validation.js";
import { insertUser } from "../users/create-user.js";
import { hashPasswordForEmail } from "../users/passwords.js";
import { toUserView, type UserView } from "../users/user-view.js";

export const newAccountSchema = z.object({
  name: singleLineText("Account name", 100),
  adminEmail: emailSchema,
  adminName: singleLineText("Administrator name", 100).optional(),
  adminPassword: passwordSchema,
});

export interface CreateAccountOptions {
  account: z.input<typeof newAccountSchema>;
  /** Fixes the demo marketplace's generator (tests, screenshots); random by default. */
  demoSeed?: number;
}

export interface CreateAccountResult {
  account: { id: string; name: string; createdAt: string };
  administrator: UserView;
}

/** Creates a marketplace account with its first Administrator and its demo marketplace data. */
export async function createAccount(
  ctx: Context,
  options: CreateAccountOptions,
): Promise<CreateAccountResult> {
  const input = parseInput(newAccountSchema, options.account);
  const passwordHash = await hashPasswordForEmail(ctx.db, input.adminEmail, input.adminPassword);
  const account = {
    id: newId("acc"),
    name: input.name,
    demo_seed: options.demoSeed ?? randomInt(1, 2 ** 31),
    created_at: nowIso(),
  };
  return ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("accounts").values(account).execute();
    const admin = await insertUser(trx, {
      accountId: account.id,
      email: input.adminEmail,
      name: input.adminName ?? input.adminEmail.split("@")[0] ?? "Administrator",
      role: "administrator",
      passwordHash,
    });
    const operator = { type: "operator", accountId: account.id, ip: null } as const;
    await recordAuditEvent(trx, {
      accountId: account.id,
      actor: operator,
      action: "account.created",
      target: { type: "account", id: account.id },
      details: { name: account.name, administrator: admin.email },
    });
    await seedDemoMarketplace(trx, {
      accountId: account.id,
      seed: account.demo_seed,
      now: new Date(account.created_at),
    });
    return {
      account: { id: account.id, name: account.name, createdAt: account.created_at },
      administrator: toUserView(admin, 0),
    };
  });
}
