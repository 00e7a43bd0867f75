import * as z from "zod";
import { idTextSchema } from "../../shared/validation.js";

// Pieces the marketplace API's routes share.
export const tag = "Marketplace API";

export function createDayQuery(description: string) {
  return z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
    .optional()
    .describe(description);
}

export const sellerIdQuery = idTextSchema.optional().describe("Only this seller's.");
