import * as z from "zod";
import { idTextSchema } from "../../shared/validation.js";

/** `/:id` path parameters of both APIs. */
export const idParamsSchema = z.strictObject({ id: idTextSchema });
