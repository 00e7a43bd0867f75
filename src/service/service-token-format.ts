import {
  type GeneratedKey,
  generatePrefixedSecret,
  hashKey,
  isWellFormedPrefixed,
} from "../keys/key-format.js";

/** Service tokens have the key format under their own prefix, so a scanner tells the two apart. */
export const serviceTokenPrefix = "kws_";

/** The regex for secret scanners. */
export const serviceTokenPattern = /\bkws_[0-9A-Za-z]{36}\b/;

export function generateServiceToken(): GeneratedKey {
  return generatePrefixedSecret(serviceTokenPrefix);
}

export function isWellFormedServiceToken(candidate: string): boolean {
  return isWellFormedPrefixed(serviceTokenPrefix, candidate);
}

export { hashKey as hashServiceToken };
