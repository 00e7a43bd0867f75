import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export interface BuildInfo {
  version: string;
  commit: string;
}

/** The installation: the nearest folder above this module (src/ops, or dist/server) with a package.json. */
const root = findRoot(import.meta.dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/**
 * The version from package.json; the commit as given (KEYWARD_BUILD_COMMIT, set when an image is
 * built) or read from the checkout's .git, else "unknown".
 */
export function readBuildInfo(commit: string | undefined): BuildInfo {
  return { version: readVersion(), commit: commit ?? readGitCommit() ?? "unknown" };
}

function readVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as {
      version?: string;
    };
    return version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function readGitCommit(): string | undefined {
  try {
    let gitDir = resolve(root, ".git");
    // A worktree's .git is a file naming the real directory.
    const pointer = readFileSync(gitDir, "utf8").match(/^gitdir: (.+)$/m);
    if (pointer?.[1]) gitDir = pointer[1].trim();
    return readHead(gitDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EISDIR") return readHead(resolve(root, ".git"));
    return undefined;
  }
}

function readHead(gitDir: string): string | undefined {
  try {
    const head = readFileSync(resolve(gitDir, "HEAD"), "utf8").trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return head.slice(0, 12);
    const commonDir = readCommonDir(gitDir);
    for (const dir of [gitDir, commonDir]) {
      try {
        return readFileSync(resolve(dir, ref), "utf8").trim().slice(0, 12);
      } catch {
        // packed or in the common directory: try the next place
      }
    }
    const packed = readFileSync(resolve(commonDir, "packed-refs"), "utf8");
    return new RegExp(`^([0-9a-f]{40}) ${ref}$`, "m").exec(packed)?.[1]?.slice(0, 12);
  } catch {
    return undefined;
  }
}

function readCommonDir(gitDir: string): string {
  try {
    return resolve(gitDir, readFileSync(resolve(gitDir, "commondir"), "utf8").trim());
  } catch {
    return gitDir;
  }
}
