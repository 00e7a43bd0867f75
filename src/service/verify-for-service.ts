import { isIP } from "node:net";
import * as z from "zod";
import { invalidField } from "../errors.js";
import { permissionsViewSchema, type RequiredPermission } from "../keys/permissions.js";
import type { KeyVerifier, RejectionCode, Verification } from "../keys/verification/verify-key.js";
import { findSection, sectionIds } from "../marketplace/sections.js";
import type { ServiceCaller } from "./authenticate-service-token.js";

export const verifyInputSchema = z.strictObject({
  key: z.string().max(200).describe("The API key the end client presented, e.g. mpk_…"),
  permission: z
    .string()
    .max(60)
    .optional()
    .describe(
      "The permission the request needs, section:access (e.g. reporting:read); absent: any valid key.",
    ),
  ip: z
    .string()
    .max(64)
    .optional()
    .describe(
      "The end client's address: checked against the key's allowlist and the failed-key limit. Absent: the calling backend's address.",
    ),
});

const rejectionCodes = [
  "missing_api_key",
  "invalid_api_key",
  "revoked_api_key",
  "expired_api_key",
  "rolled_api_key",
  "api_access_disabled",
  "ip_not_allowed",
  "insufficient_permissions",
  "rate_limited",
] as const satisfies readonly RejectionCode[];

const rateLimitSchema = z
  .object({ limit: z.int(), windowSeconds: z.int(), remaining: z.int(), resetSeconds: z.int() })
  .describe("The key's rate-limit window after this request; absent for keys without a limit.");

export const verifyResultSchema = z
  .discriminatedUnion("valid", [
    z.object({
      valid: z.literal(true),
      key: z.object({
        id: z.string(),
        accountId: z.string(),
        ownerId: z.string(),
        name: z.string(),
        permissions: permissionsViewSchema,
        expiresAt: z.string().nullable(),
      }),
      rateLimit: rateLimitSchema.optional(),
      cacheable: z
        .boolean()
        .describe(
          "True when a verifier may answer this key from its cache until the change stream says otherwise (no rate limit, no allowlist).",
        ),
    }),
    z.object({
      valid: z.literal(false),
      code: z.enum(rejectionCodes),
      message: z.string(),
      required: z.string().optional().describe("insufficient_permissions: the missing permission."),
      retryAfterSeconds: z.int().optional().describe("rate_limited: when to try again."),
      rateLimit: rateLimitSchema.optional(),
    }),
  ])
  .meta({ id: "VerifyResult" });

export type VerifyResult = z.input<typeof verifyResultSchema>;

export interface VerifyForServiceOptions {
  caller: ServiceCaller;
  input: z.output<typeof verifyInputSchema>;
  /** The calling backend's address, used when the input names no end client. */
  callerIp: string;
}

/** The verification API: the built-in API's one verification call, limited to the caller's account. */
export async function verifyForService(
  verifier: KeyVerifier,
  options: VerifyForServiceOptions,
): Promise<VerifyResult> {
  const { caller, input } = options;
  if (input.ip !== undefined && isIP(input.ip) === 0)
    throw invalidField("ip", "must be an IPv4 or IPv6 address.");
  const required = input.permission === undefined ? undefined : parseRequired(input.permission);
  const answer: Verification = await verifier.verify(input.key, {
    ip: input.ip ?? options.callerIp,
    accountId: caller.accountId,
    ...(required ? { required } : {}),
  });
  const rateLimit = answer.rateLimit && {
    limit: answer.rateLimit.limit.requests,
    windowSeconds: answer.rateLimit.limit.windowSeconds,
    remaining: answer.rateLimit.remaining,
    resetSeconds: answer.rateLimit.resetSeconds,
  };
  if (!answer.valid) {
    return {
      valid: false,
      code: answer.code,
      message: answer.message,
      ...(answer.required === undefined ? {} : { required: answer.required }),
      ...(answer.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: answer.retryAfterSeconds }),
      ...(rateLimit ? { rateLimit } : {}),
    };
  }
  const { key } = answer;
  return {
    valid: true,
    key: {
      id: key.id,
      accountId: key.accountId,
      ownerId: key.ownerUserId,
      name: key.name,
      permissions: key.permissions,
      expiresAt: key.expiresAt,
    },
    ...(rateLimit ? { rateLimit } : {}),
    // A limited key must count every request here; an allowlisted one is checked per address; a rolled
    // secret's grace ends at a time the verifier's cache doesn't know.
    cacheable:
      rateLimit === undefined && key.previousSecretValidUntil === null && key.isIpRestricted !== true,
  };
}

/** `section:access`; a section the catalogue doesn't list is refused, so a removed section never widens a key. */
function parseRequired(text: string): RequiredPermission {
  const [section = "", access = "", extra] = text.split(":");
  if (extra !== undefined || (access !== "read" && access !== "write")) {
    throw invalidField("permission", "must be section:read or section:write, e.g. reporting:read.");
  }
  const found = findSection(section);
  if (!found)
    throw invalidField(
      "permission",
      `unknown section "${section}". Known sections: ${sectionIds.join(", ")}.`,
    );
  if (!found.accesses.includes(access)) {
    throw invalidField("permission", `${found.label} allows only ${found.accesses.join(" or ")} access.`);
  }
  return { section, access };
}
