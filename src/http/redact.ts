// Anything that starts like a key is hidden, in any encoding a URL or a message can carry it: plain,
// percent-encoded (`mpk%5F…`, `%6Dpk_…`) or partly encoded. Broader than keyPattern on purpose.
const keyInText = /(?:m|%6d)(?:p|%70)(?:k|%6b)(?:_|%5f)(?:[0-9a-z]|%[0-9a-f]{2})+/gi;

export function redactKeys(text: string): string {
  return text.replace(keyInText, "mpk_[redacted]");
}
