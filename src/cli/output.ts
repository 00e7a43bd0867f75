/** How a command reports: one JSON object with --json, readable lines otherwise. */
export interface Output {
  isJson: boolean;
  result(value: object, lines: string[]): void;
}

export function createOutput(isJson: boolean, write: (text: string) => void): Output {
  return {
    isJson,
    result(value, lines) {
      write(isJson ? `${JSON.stringify(value)}\n` : `${lines.join("\n")}\n`);
    },
  };
}

/** A command's output to stdout, as its `--json` option asks. */
export function outputFor(options: { json?: boolean }): Output {
  return createOutput(Boolean(options.json), (text) => process.stdout.write(text));
}

/**
 * A command that has printed its own result (e.g. a broken audit chain with --json) and must still
 * exit non-zero: main writes only the one-line reason to stderr, and no second JSON object.
 */
export class CommandFailure extends Error {
  override name = "CommandFailure";
}
