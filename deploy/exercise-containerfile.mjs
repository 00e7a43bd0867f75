#!/usr/bin/env node
// Runs deploy/Containerfile's build and start commands without a container engine, in a clean copy
// of the build context (.dockerignore applied): the build stage's RUN lines, then the final stage's
// CMD with its ENV, until its HEALTHCHECK passes; then SIGTERM, which must exit 0. Not exercised here:
// the base images, the final stage's RUN (creating the user) and USER — CI runs as whoever it is.
//   node deploy/exercise-containerfile.mjs [--keep]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
let dir = "";
const file = readFileSync(join(root, "deploy/Containerfile"), "utf8");
const instructions = file
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))
  .map((line) => {
    const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    return { keyword: keyword.toUpperCase(), rest };
  });
const stages = [];
for (const instruction of instructions) {
  if (instruction.keyword === "FROM") stages.push([]);
  else stages.at(-1)?.push(instruction);
}
if (stages.length !== 2) fail(`expected two stages (build, run), found ${stages.length}`);
const [buildStage = [], runStage = []] = stages;

dir = mkdtempSync(join(tmpdir(), "keyward-image-"));
const app = join(dir, "app");
const keep = process.argv.includes("--keep");
log(`clean build context in ${app}`);
execFileSync("mkdir", ["-p", app]);
execFileSync(
  "bash",
  ["-c", `tar --exclude-from=.dockerignore -cf - . | tar -xf - -C ${JSON.stringify(app)}`],
  {
    cwd: root,
    stdio: "inherit",
  },
);

for (const { keyword, rest } of buildStage) {
  if (keyword !== "RUN") continue;
  log(`RUN ${rest}`);
  const result = spawnSync("bash", ["-c", rest], { cwd: app, stdio: "inherit" });
  if (result.status !== 0) fail(`RUN ${rest} exited ${result.status}`);
}

const env = { PATH: process.env.PATH ?? "", HOME: dir };
const args = {};
for (const { keyword, rest } of runStage) {
  if (keyword === "ARG") {
    const [name = "", value = ""] = rest.split("=");
    args[name] = value.replace(/^"|"$/g, "");
  }
  if (keyword === "ENV") {
    for (const [, name, value] of rest.matchAll(/(\w+)=("[^"]*"|\S*)/g)) {
      env[name] = value.replace(/^"|"$/g, "").replace(/\$\{(\w+)\}/g, (_, arg) => args[arg] ?? "");
    }
  }
  if (keyword === "RUN") log(`not run here (changes the system): RUN ${rest}`);
}
const cmd = jsonArray(runStage.find((i) => i.keyword === "CMD")?.rest, "CMD");
const healthcheck = runStage.find((i) => i.keyword === "HEALTHCHECK")?.rest ?? "";
const probe = jsonArray(/CMD\s+(\[.*\])\s*$/.exec(healthcheck)?.[1], "HEALTHCHECK CMD");
// The image's paths and port, moved into the clean directory and a free port.
env.KEYWARD_DATABASE = join(dir, "data/keyward.db");
env.HOST = "127.0.0.1";
env.PORT = String(await freePort());

log(`CMD ${cmd.join(" ")} (PORT=${env.PORT})`);
const server = spawn(cmd[0], cmd.slice(1), { cwd: app, env, stdio: ["ignore", "pipe", "inherit"] });
let stdout = "";
server.stdout.on("data", (chunk) => {
  stdout += chunk;
});
const exited = new Promise((done) => server.on("exit", (code) => done(code)));
const deadline = Date.now() + 60_000;
let healthy = false;
while (Date.now() < deadline && server.exitCode === null) {
  if (spawnSync(probe[0], probe.slice(1), { cwd: app, env, timeout: 3_000 }).status === 0) {
    healthy = true;
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}
if (!healthy) {
  server.kill("SIGKILL");
  fail(`the HEALTHCHECK never passed:\n${stdout}`);
}
log("HEALTHCHECK passed; SIGTERM");
server.kill("SIGTERM");
const code = await exited;
const nonJson = stdout.split("\n").filter((line) => line.trim() !== "" && !isJson(line));
if (code !== 0) fail(`the server exited ${code} after SIGTERM:\n${stdout}`);
if (nonJson.length > 0) fail(`stdout carried lines that are not JSON:\n${nonJson.join("\n")}`);
log("the image's commands build, start, pass the health check and stop cleanly");
if (!keep) rmSync(dir, { recursive: true, force: true });

function jsonArray(text, what) {
  try {
    const value = JSON.parse(text ?? "");
    if (Array.isArray(value) && value.length > 0) return value;
  } catch {}
  return fail(`${what} must be an exec-form JSON array, got: ${text}`);
}

function isJson(line) {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

async function freePort() {
  const probeServer = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => probeServer.once("listening", r));
  const { port } = probeServer.address();
  await new Promise((r) => probeServer.close(r));
  return port;
}

function log(message) {
  process.stderr.write(`[image] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[image] FAILED: ${message}\n`);
  if (!keep && dir !== "") rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
