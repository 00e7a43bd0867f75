import { z } from "zod";

export { errorResponses, idParamsSchema } from "../../http/error-schemas.js";

import { idTextSchema } from "../../shared/validation.js";
import { maxLimit } from "../pagination.js";

// Pieces every marketplace API route's schema shares: OpenAPI grouping, the key, errors, paging.
export const tags = ["Marketplace API"];
export const security = [{ apiKey: [] }];

export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxLimit)
    .optional()
    .describe(`Items per page, 1 to ${maxLimit}; 25 by default.`),
  cursor: z.string().trim().max(200).optional().describe("The nextCursor of the previous page."),
};

export function createDayQuery(description: string) {
  return z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
    .optional()
    .describe(description);
}

export const sellerIdQuery = idTextSchema.optional().describe("Only this seller's.");
