import { z } from "zod";

export { errorResponseSchema, errorResponses, idParamsSchema } from "../error-schemas.js";

import { idTextSchema } from "../../shared/validation.js";

// Response shapes of the console API, shared by routes for validation and the OpenAPI document.
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["administrator", "marketplace_manager"]),
  hasApiAccess: z.boolean(),
  isActive: z.boolean(),
  createdAt: z.string(),
  deactivatedAt: z.string().nullable(),
  activeKeyCount: z.number(),
});

const personSchema = z.object({ id: z.string(), email: z.string(), name: z.string() });

export const permissionsViewSchema = z.union([
  z.object({ all: z.literal(true) }),
  z.object({ all: z.literal(false), sections: z.record(z.string(), z.enum(["read", "write"])) }),
]);

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  hint: z.string(),
  permissions: permissionsViewSchema,
  permissionsSummary: z.string(),
  owner: personSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
  status: z.enum(["active", "revoked"]),
  revokedAt: z.string().nullable(),
  revokedBy: personSchema.nullable(),
});

export const sessionSchema = z.object({
  user: userSchema,
  account: z.object({ id: z.string(), name: z.string() }),
  csrfToken: z.string(),
});

export const paginationQuery = {
  cursor: idTextSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
};
