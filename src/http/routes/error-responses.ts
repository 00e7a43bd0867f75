import * as z from "zod";
import { type ErrorCode, errorCatalogue } from "../../errors.js";

/**
 * The error responses of one route: for each status, the one error shape with `code` restricted to the
 * codes that route can answer with that status, and the meaning of each in the description.
 */
export function errorResponses(codes: ErrorCode[]): Record<number, z.ZodType> {
  const key = [...new Set(codes)].sort().join(" ");
  let responses = byCodes.get(key);
  if (responses === undefined) {
    responses = buildErrorResponses(codes);
    byCodes.set(key, responses);
  }
  return responses;
}

/**
 * Built once per set of codes: about 150 routes share a few dozen sets, and building a zod schema per
 * route was a sixth of the server's start-up.
 */
const byCodes = new Map<string, Record<number, z.ZodType>>();

function buildErrorResponses(codes: ErrorCode[]): Record<number, z.ZodType> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = errorCatalogue[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, z.ZodType> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const sorted = [...statusCodes].sort() as [ErrorCode, ...ErrorCode[]];
    responses[status] = errorBodySchema(sorted).describe(
      sorted.map((code) => `\`${code}\`: ${errorCatalogue[code].meaning}`).join(" "),
    );
  }
  return responses;
}

function errorBodySchema(codes: [ErrorCode, ...ErrorCode[]]) {
  sharedFields ??= {
    message: z.string().describe("What went wrong and what to do, for people."),
    requestId: z.string().describe("Quote it when asking for help; also in the Request-Id header."),
    fields: z.array(z.string()).optional().describe("invalid_request: the fields to fix."),
    required: z.string().optional().describe("insufficient_permissions: the permission needed."),
    currentStatus: z.string().optional().describe("conflict: the resource's current status."),
    currentEtag: z.string().optional().describe("precondition_failed: the resource's current ETag."),
  };
  return z.object({ error: z.object({ code: z.enum(codes), ...sharedFields }) });
}

/** The fields every error body has, whatever its codes: built once, not once per set of codes. */
let sharedFields: Record<string, z.ZodType> | undefined;
