import { createAccount } from "../accounts/create-account.js";
import type { Context } from "../context.js";
import { createUser } from "../users/create-user.js";

export const demoCredentials = {
  administrator: { email: "admin@demo.test", password: "demo-admin-password" },
  manager: { email: "manager@demo.test", password: "demo-manager-password" },
};

/** On an empty database, creates the Demo Marketplace with an Administrator and a Manager. */
export async function seedDemoIfEmpty(ctx: Context): Promise<{ isSeeded: boolean }> {
  const existing = await ctx.db.selectFrom("accounts").select("id").limit(1).executeTakeFirst();
  if (existing) return { isSeeded: false };
  const { account } = await createAccount(ctx, {
    account: {
      name: "Demo Marketplace",
      adminEmail: demoCredentials.administrator.email,
      adminName: "Ada Administrator",
      adminPassword: demoCredentials.administrator.password,
    },
    demoSeed: 20_261_126,
  });
  await createUser(ctx, {
    actor: { type: "operator", accountId: account.id, ip: null },
    user: {
      email: demoCredentials.manager.email,
      name: "Max Manager",
      role: "marketplace_manager",
      password: demoCredentials.manager.password,
      apiAccess: false,
    },
  });
  return { isSeeded: true };
}
