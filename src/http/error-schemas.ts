import * as z from "zod";
import { idTextSchema } from "../shared/validation.js";

// Schemas both APIs share: the one error shape, its statuses for OpenAPI, and id path parameters.
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.string()).optional(),
  }),
});

export const errorResponses = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};

export const idParamsSchema = z.strictObject({ id: idTextSchema });
