import * as z from "zod";

// Small shapes several responses share. Each response shape itself lives beside the domain operation
// that produces it; these are only its parts.

/** An instant, ISO-8601 in UTC (`2026-11-26T07:39:44.770Z`). */
export const timestampSchema = z.iso.datetime();

/** A user as another record refers to them (a key's owner, who revoked it). */
export const personSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string() })
  .meta({ id: "Person" });
