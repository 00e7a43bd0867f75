import { randomBytes } from "node:crypto";

// Crockford base32: sortable as plain strings, so ids double as creation-order cursors.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
let lastTime = 0;
let lastRandom: Uint8Array = new Uint8Array(16);

/** A ULID-style id with a readable prefix, e.g. `key_01JD3…`: time-ordered, 80 random bits. */
export function newId(
  prefix: "acc" | "usr" | "key" | "evt" | "ses" | "whk" | "msg" | "ntf" | "eml" | "svt",
): string {
  const now = Date.now();
  let random: Uint8Array;
  if (now === lastTime) {
    random = incremented(lastRandom);
  } else {
    random = new Uint8Array(randomBytes(16));
    for (let i = 0; i < 16; i++) random[i] = (random[i] ?? 0) & 31;
  }
  lastTime = now;
  lastRandom = random;
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let tail = "";
  for (const digit of random) tail += alphabet[digit];
  return `${prefix}_${time}${tail}`;
}

function incremented(digits: Uint8Array): Uint8Array {
  const next = new Uint8Array(digits);
  for (let i = next.length - 1; i >= 0; i--) {
    const value = (next[i] ?? 0) + 1;
    if (value < 32) {
      next[i] = value;
      return next;
    }
    next[i] = 0;
  }
  return next;
}
