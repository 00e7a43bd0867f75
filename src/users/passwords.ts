import { timingSafeEqual } from "node:crypto";
import { hash, hashRaw, parseOptions, verify } from "@node-rs/argon2";
import type { Db } from "../db/database.js";

// argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum recommendation).

// A real hash to compute against when nobody has the email, so that path takes as long as the others.
const decoyHash = hash("keyward-decoy-password-for-timing");

/**
 * Hashes a user's new password. Every user with this email, in any account, shares one salt, so
 * sign-in can check a password against all of them with one argon2 computation (see
 * `matchPassword`; ARCHITECTURE.md, "One email, several accounts").
 */
export async function hashPasswordForEmail(db: Db, email: string, password: string): Promise<string> {
  const sibling = await db
    .selectFrom("users")
    .select("password_hash")
    .where("email", "=", email)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  const salt = sibling ? parseHash(sibling.password_hash)?.salt : undefined;
  return hash(password, salt ? { salt } : {});
}

/** Checks one user's password (change password); argon2's own constant-time verify. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/**
 * Which of these hashes the password matches, computing argon2 once per distinct parameters-and-salt
 * (once in practice: users sharing an email share a salt). With no hashes it computes a decoy, so the
 * time taken never tells how many users have the email — or whether any has.
 */
export async function matchPassword(passwordHashes: string[], password: string): Promise<boolean[]> {
  const parsed = passwordHashes.map(parseHash);
  const matches = passwordHashes.map(() => false);
  const groups = new Map<string, number[]>();
  parsed.forEach((entry, index) => {
    if (entry) groups.set(entry.prefix, [...(groups.get(entry.prefix) ?? []), index]);
  });
  if (groups.size === 0) {
    await verify(await decoyHash, password).catch(() => false);
    return matches;
  }
  for (const indexes of groups.values()) {
    const first = parsed[indexes[0] ?? 0];
    if (!first) continue;
    const { algorithm, version, memoryCost, timeCost, parallelism, outputLen } = first.options;
    const options = { algorithm, version, memoryCost, timeCost, parallelism, outputLen, salt: first.salt };
    const computed = await hashRaw(password, options);
    for (const index of indexes) {
      const expected = parsed[index]?.digest;
      matches[index] = expected !== undefined && isSameDigest(computed, expected);
    }
  }
  return matches;
}

interface ParsedHash {
  /** Everything before the digest: algorithm, version, parameters and salt. */
  prefix: string;
  options: ReturnType<typeof parseOptions>;
  salt: Buffer;
  digest: Buffer;
}

/** Reads a PHC string (`$argon2id$v=19$m=…,t=…,p=…$<salt>$<digest>`); undefined if it isn't one. */
function parseHash(passwordHash: string): ParsedHash | undefined {
  const parts = passwordHash.split("$");
  const [salt, digest] = [parts[4], parts[5]];
  if (parts.length !== 6 || !salt || !digest) return undefined;
  try {
    return {
      prefix: parts.slice(0, 5).join("$"),
      options: parseOptions(passwordHash),
      salt: Buffer.from(salt, "base64"),
      digest: Buffer.from(digest, "base64"),
    };
  } catch {
    return undefined;
  }
}

function isSameDigest(computed: Buffer, expected: Buffer): boolean {
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
