import { AppError } from "../errors.js";

export interface PasswordSources {
  /** A value given on the command line: works, but every local user can read it in `ps`. */
  flag: string | undefined;
  flagName: string;
  /** Read the password from standard input (a pipe, a file, a secrets manager). */
  isStdin: boolean;
  stdinFlagName: string;
  /** A value from the environment, e.g. KEYWARD_PASSWORD. */
  env: string | undefined;
  envName: string;
  /** What the terminal prompt asks, e.g. "New password for max@acme.test". */
  prompt: string;
}

export interface Terminal {
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WritableStream;
}

/**
 * A password from the first source given: --…-stdin, the flag, the environment, or else a prompt
 * without echo when a terminal is attached (typed twice). Refuses two explicit sources at once.
 */
export async function readPassword(
  sources: PasswordSources,
  terminal: Terminal = { stdin: process.stdin, stderr: process.stderr },
): Promise<string> {
  if (sources.isStdin && sources.flag !== undefined) {
    throw invalid(sources.flagName, `use either ${sources.flagName} or ${sources.stdinFlagName}, not both.`);
  }
  if (sources.isStdin) return withoutFinalNewline(await readAll(terminal.stdin));
  // Still accepted for scripts written before; --help and the README say it is visible in `ps`.
  if (sources.flag !== undefined) return sources.flag;
  if (sources.env !== undefined) return sources.env;
  if (!terminal.stdin.isTTY) {
    throw invalid(
      sources.flagName,
      `no password given: pipe it to ${sources.stdinFlagName}, set ${sources.envName}, or run in a terminal to type it.`,
    );
  }
  const first = await promptHidden(`${sources.prompt}: `, terminal);
  const second = await promptHidden("Type it again: ", terminal);
  if (first !== second)
    throw invalid(sources.flagName, "the two passwords typed differ; nothing was changed.");
  return first;
}

function invalid(field: string, problem: string): AppError {
  return new AppError("invalid_request", `${field}: ${problem}`, { fields: [field] });
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  let text = "";
  stream.setEncoding("utf8");
  for await (const chunk of stream) text += chunk;
  return text;
}

// `echo secret | keyward …` and files end with a newline that is not part of the password.
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/**
 * Reads one line in raw mode, so the terminal shows nothing of what is typed. Echo goes off before the
 * question is shown: whoever answers the moment the prompt appears must not see their password echoed.
 */
function promptHidden(question: string, { stdin, stderr }: Terminal): Promise<string> {
  stdin.setRawMode(true);
  stderr.write(question);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === "\r" || character === "\n" || character === "\u0004") {
          finish();
          resolve(typed);
          return;
        }
        if (character === "\u0003") {
          finish();
          reject(new AppError("invalid_request", "password: cancelled; nothing was changed."));
          return;
        }
        typed =
          character === "\u007f" || character === "\b" ? [...typed].slice(0, -1).join("") : typed + character;
      }
    };
    stdin.on("data", onData);
  });
}
