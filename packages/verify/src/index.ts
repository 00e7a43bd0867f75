export type { KeywardKey, RejectionCode, VerifyAnswer } from "./answers.js";
export { errorBody, presentedKey } from "./answers.js";
export type { KeywardVerifier, KeywardVerifierOptions, VerifyRequest } from "./verifier.js";
export { createKeywardVerifier } from "./verifier.js";
