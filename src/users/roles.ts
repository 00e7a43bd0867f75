import * as z from "zod";

/** The two roles and how people read them: the console and the CLI show these labels. */
export const roles = [
  { id: "administrator", label: "Administrator" },
  { id: "marketplace_manager", label: "Marketplace Manager" },
] as const;

export type Role = (typeof roles)[number]["id"];

export const roleSchema = z.enum(["administrator", "marketplace_manager"], {
  error: "Role must be administrator or marketplace_manager.",
});
