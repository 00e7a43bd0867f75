import * as z from "zod";
import type { Context } from "../context.js";
import { hashKey, isWellFormedKey, keyPrefix } from "../keys/key-format.js";
import { handleLeakedKey } from "./handle-leaked-key.js";

/** The token type name Keyward enrols with GitHub (README, "Secret scanning"). */
export const secretScanningTokenType = "keyward_api_key";

export const secretScanningMatchesSchema = z
  .array(
    z.object({
      token: z.string().max(1000),
      type: z.string().max(200),
      url: z.string().max(2000),
      source: z.string().max(200),
    }),
  )
  .max(1000);
export type SecretScanningMatch = z.infer<typeof secretScanningMatchesSchema>[number];

export interface Feedback {
  /** SHA-256 (hex) of the token: GitHub matches it to its report without the secret echoed back. */
  token_hash: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

/**
 * Answers GitHub at once and handles the matches after the response (GitHub retries slow replies).
 * A token is a true positive when it is a well-formed Keyward key; whether it exists is not said.
 */
export function reportSecretScanningMatches(
  ctx: Context,
  matches: SecretScanningMatch[],
  onError: (error: unknown) => void,
): Feedback[] {
  const feedback: Feedback[] = matches.map((match) => ({
    token_hash: hashKey(match.token),
    token_type: match.type,
    label:
      match.token.startsWith(keyPrefix) && isWellFormedKey(match.token) ? "true_positive" : "false_positive",
  }));
  setImmediate(() => {
    void (async () => {
      for (const match of matches) {
        if (!isWellFormedKey(match.token)) continue;
        await handleLeakedKey(ctx, {
          secret: match.token,
          reporter: { kind: "github", url: match.url, source: match.source },
        }).catch(onError);
      }
    })();
  });
  return feedback;
}
