import type { ZxcvbnFactory } from "@zxcvbn-ts/core";

import { loadOnUse } from "./load-on-use.js";

// zxcvbn's score 3 means "safely unguessable" (≥ 10^8 guesses). Below that: a password from its list of
// ~49,000 common ones (@zxcvbn-ts/language-common, maintained upstream), or a simple pattern built from
// them — a repeat, a sequence, a keyboard row, a common word with digits, l33t spellings.
const minimumScore = 3;

// zxcvbn's cost grows steeply with length (a 256-character password took 0.8 s of CPU in our
// measurements) and l33t substitutions; the first 32 characters with at most 2 substitutions take under
// ~10 ms. A prefix that is hard to guess keeps the whole password hard to guess.
const checkedCharacters = 32;

let factory: ZxcvbnFactory | undefined;

/** True when the password is common or follows a pattern a cracker tries early. */
export function isEasyToGuess(password: string): boolean {
  factory ??= buildFactory();
  const prefix = [...password].slice(0, checkedCharacters).join("");
  return factory.check(prefix).score < minimumScore;
}

function buildFactory(): ZxcvbnFactory {
  const core = loadOnUse("@zxcvbn-ts/core") as typeof import("@zxcvbn-ts/core");
  const common = loadOnUse("@zxcvbn-ts/language-common") as typeof import("@zxcvbn-ts/language-common");
  return new core.ZxcvbnFactory({
    dictionary: common.dictionary,
    graphs: common.adjacencyGraphs,
    l33tMaxSubstitutions: 2,
  });
}
