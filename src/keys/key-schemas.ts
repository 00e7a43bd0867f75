import { singleLineText } from "../shared/validation.js";

export const keyNameMaxLength = 100;

export const keyNameSchema = singleLineText("Name", keyNameMaxLength).describe(
  `What the key is for, e.g. "Internal Reporting Dashboard"; up to ${keyNameMaxLength} characters.`,
);
