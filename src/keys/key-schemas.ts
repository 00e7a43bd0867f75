import { z } from "zod";
import { singleLineText } from "../shared/validation.js";

export const keyNameSchema = singleLineText("Name", 100);

const accessSchema = z.enum(["read", "write"], { error: "Access must be read or write." });

export const permissionsSchema = z.discriminatedUnion("all", [
  z.object({ all: z.literal(true) }).strict(),
  z
    .object({
      all: z.literal(false),
      sections: z.record(z.string().max(40), accessSchema),
    })
    .strict(),
]);
