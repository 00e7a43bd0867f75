import type { FastifyInstance, FastifyRequest } from "fastify";
import * as z from "zod";
import type { CounterStore } from "../../abuse/counter-store.js";
import type { Context } from "../../context.js";
import { AppError } from "../../errors.js";
import { type AnyRoute, defineRoute, registerRoutes } from "../../http/routes/define-route.js";
import { keyPattern } from "../../keys/key-format.js";
import type { GithubPublicKeys } from "../github-public-keys.js";
import { handleLeakedKey } from "../handle-leaked-key.js";
import { reportSecretScanningMatches, secretScanningMatchesSchema } from "../secret-scanning.js";

export interface LeakRouteDeps {
  ctx: Context;
  publicKeys: GithubPublicKeys;
  counters: CounterStore;
  reportsPerMinute: number;
  /** Where work started after the response is reported (it must never throw into the request). */
  onBackgroundError: (error: unknown) => void;
}

const feedbackSchema = z
  .array(
    z.object({
      token_hash: z.string().describe("SHA-256 (hex) of the reported token."),
      token_type: z.string(),
      label: z.enum(["true_positive", "false_positive"]),
    }),
  )
  .meta({ id: "SecretScanningFeedback" });

const leakedKeysInputSchema = z.strictObject({
  keys: z
    .array(z.string().max(200))
    .min(1)
    .max(100)
    .describe(`Keys found where they should not be (up to 100), each like ${keyPattern.source}.`),
});

/**
 * POST /secret-scanning/github: GitHub's secret-scanning partner protocol. The signature is checked over
 * the raw body before anything else, so this scope reads JSON bodies as bytes.
 */
export async function registerSecretScanningRoute(app: FastifyInstance, deps: LeakRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) =>
      done(null, body),
    );
    registerRoutes(scope, [
      defineRoute({
        method: "POST",
        url: "/secret-scanning/github",
        operationId: "reportSecretScanningMatches",
        tag: "Secret scanning",
        summary:
          "GitHub's secret-scanning partner endpoint: keys found in public are handled by the account's leak policy",
        description:
          "The body is a JSON array of `{ token, type, url, source }`, signed by GitHub (headers `Github-Public-Key-Identifier` and `Github-Public-Key-Signature`: base64 DER ECDSA P-256/SHA-256 over the raw body). The answer labels each token `true_positive` (a Keyward key) or `false_positive`.",
        auth: { kind: "public" },
        status: 200,
        response: feedbackSchema,
        errors: ["invalid_signature", "invalid_request", "payload_too_large", "unsupported_media_type"],
        handler: async (request) => {
          const body = request.body as unknown;
          if (!Buffer.isBuffer(body))
            throw new AppError("invalid_signature", "The request must be GitHub's signed JSON.");
          await requireGithubSignature(request, body, deps.publicKeys);
          const matches = parseMatches(body);
          return reportSecretScanningMatches(deps.ctx, matches, deps.onBackgroundError);
        },
      }),
    ] satisfies AnyRoute[]);
  });
}

async function requireGithubSignature(
  request: FastifyRequest,
  body: Buffer,
  keys: GithubPublicKeys,
): Promise<void> {
  const identifier = request.headers["github-public-key-identifier"];
  const signature = request.headers["github-public-key-signature"];
  if (
    typeof identifier !== "string" ||
    typeof signature !== "string" ||
    identifier === "" ||
    signature === ""
  ) {
    throw new AppError(
      "invalid_signature",
      "Github-Public-Key-Identifier and Github-Public-Key-Signature are required.",
    );
  }
  if (!(await keys.verify(identifier, signature, body))) {
    throw new AppError("invalid_signature", "The signature does not verify with GitHub's published key.");
  }
}

function parseMatches(body: Buffer): z.infer<typeof secretScanningMatchesSchema> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new AppError("invalid_request", "body: must be a JSON array of { token, type, url, source }.", {
      fields: ["body"],
    });
  }
  const parsed = secretScanningMatchesSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError("invalid_request", "body: must be a JSON array of { token, type, url, source }.", {
      fields: ["body"],
    });
  }
  return parsed.data;
}

/**
 * POST /api/v1/leaked-keys: anyone who finds a key can report it, as with GitHub's credential-revocation
 * API. No authentication; always 202 with nothing about any key (no oracle); limited per client IP.
 */
export function leakedKeysRoutes(deps: LeakRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      url: "/leaked-keys",
      operationId: "reportLeakedKeys",
      tag: "Leaked keys",
      summary: "Report API keys found in public; each is handled by its account's leak policy",
      description:
        "No authentication. The answer is always 202 and says nothing about any key, whether it exists or not. Limited per client address.",
      auth: { kind: "public" },
      body: leakedKeysInputSchema,
      status: 202,
      response: z.object({ status: z.literal("accepted") }),
      errors: ["rate_limited"],
      handler: async (request) => {
        const window = await deps.counters.increment(`leak-reports:${request.ip}`, 60_000);
        if (window.count > deps.reportsPerMinute) {
          throw new AppError("rate_limited", "Too many reports from this address; try again later.", {
            retryAfterSeconds: Math.max(1, Math.ceil(window.resetInMs / 1000)),
          });
        }
        const ip = request.ip;
        // Handled after the answer: its timing must not tell which keys exist.
        setImmediate(() => {
          void (async () => {
            for (const secret of new Set(request.body.keys)) {
              await handleLeakedKey(deps.ctx, { secret, reporter: { kind: "public", ip } }).catch(
                deps.onBackgroundError,
              );
            }
          })();
        });
        return { status: "accepted" as const };
      },
    }),
  ];
}
