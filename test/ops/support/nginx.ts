import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const referenceConfig = resolve(import.meta.dirname, "../../../deploy/nginx/keyward.conf");

export interface Nginx {
  url: string;
  /** The configuration nginx runs: the reference file with test addresses. */
  config: string;
  /**
   * Marks one upstream `down` (or none) and reloads nginx, as an operator does before restarting an
   * instance: nginx without active health checks never reads /readyz.
   */
  setDown(port: number | undefined): Promise<void>;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Debian's nginx running deploy/nginx/keyward.conf unchanged except for the upstream servers and
 * the listen address, in a directory of its own (no root paths, no daemon).
 */
export async function startNginx(dir: string, listenPort: number, upstreamPorts: number[]): Promise<Nginx> {
  const reference = readFileSync(referenceConfig, "utf8");
  const build = (down?: number) => configFor(reference, dir, listenPort, upstreamPorts, down);
  const file = join(dir, "nginx.conf");
  const config = build();
  writeFileSync(file, config);
  const child: ChildProcess = spawn("nginx", ["-p", dir, "-c", file], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${stderr}`);
    const answered = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    config,
    async setDown(port) {
      writeFileSync(file, build(port));
      child.kill("SIGHUP");
      // New workers take over; the old ones finish their requests and close their connections.
      await new Promise((r) => setTimeout(r, 1_500));
    },
    errorLog: () => readFileSync(join(dir, "logs/error.log"), "utf8"),
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGQUIT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function configFor(
  reference: string,
  dir: string,
  listenPort: number,
  upstreamPorts: number[],
  down?: number,
) {
  const servers = upstreamPorts.map(
    (port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=2s${port === down ? " down" : ""};`,
  );
  const site = reference
    .replace(/^ {4}server [\w.-]+:\d+ .*;\n/gm, "")
    .replace(/^( {4}zone keyward 64k;\n)/m, `$1${servers.join("\n")}\n`)
    .replace(/^ {4}listen 80;$/m, `    listen 127.0.0.1:${listenPort};`);
  if (!site.includes(`listen 127.0.0.1:${listenPort};`) || !site.includes(servers[0] ?? "-")) {
    throw new Error(
      "deploy/nginx/keyward.conf no longer has the upstream servers and `listen 80;` this test replaces",
    );
  }
  mkdirSync(join(dir, "logs"), { recursive: true });
  const isRoot = process.getuid?.() === 0;
  return `${isRoot ? "user root;\n" : ""}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${dir}/logs/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`;
}
