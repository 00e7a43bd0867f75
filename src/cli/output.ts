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
