import type { LineCounter, parseDocument } from "yaml";
import type * as z from "zod";
import { loadOnUse } from "./load-on-use.js";

/** A configuration file that failed validation; the message names the file, line and field. */
export class ConfigFileError extends Error {
  override name = "ConfigFileError";
}

/** One more problem a caller's own checks found, at a path in the document. */
export type ExtraCheck<T> = (value: T, report: (path: (string | number)[], problem: string) => void) => void;

/**
 * Parses YAML (or JSON, which is YAML) and validates it; every problem is reported as
 * `<source> line N, field.path: problem`, all at once.
 */
export function parseYamlWithSchema<S extends z.ZodType>(
  text: string,
  source: string,
  schema: S,
  extraCheck?: ExtraCheck<z.output<S>>,
): z.output<S> {
  const yaml = loadOnUse("yaml") as typeof import("yaml");
  const lineCounter = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter, prettyErrors: false });
  const [syntax] = document.errors;
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new ConfigFileError(`${source} line ${line}: ${syntax.message.split("\n")[0]}`);
  }
  const problems: string[] = [];
  const report = (path: readonly PropertyKey[], problem: string) => {
    problems.push(`${lineOf(document, lineCounter, path)}${fieldOf(path) || "(top level)"}: ${problem}`);
  };
  const parsed = schema.safeParse(document.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(issue.path, issue.message);
  } else {
    extraCheck?.(parsed.data, report);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigFileError(`${source}: ${problems.join("; ")}`);
  return parsed.data;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
    .join("")
    .replace(/^\./, "");
}

/** "line N, " for the deepest node of `path` the document has. */
function lineOf(
  document: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
) {
  for (let depth = path.length; depth >= 1; depth--) {
    const node = document.getIn(path.slice(0, depth) as (string | number)[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return `line ${lineCounter.linePos(node.range[0]).line}, `;
  }
  const root = document.contents as { range?: [number, number, number] } | null;
  return root?.range ? `line ${lineCounter.linePos(root.range[0]).line}, ` : "";
}
