// startStack runs the whole platform for the browser tests: the dev stack
// (cmd/devstack: embedded Temporal, PostgreSQL from the local binaries,
// FerretDB, the Proxmox, Guacamole and Moodle simulators, the API with the
// console embedded, every worker) on free loopback ports in a throw-away
// data directory.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "../..");

export interface Stack {
  /** The API and console, e.g. http://127.0.0.1:41234. */
  url: string;
  adminPassword: string;
  /** The Proxmox simulator's entry node, its token and its certificate fingerprint. */
  pve: { endpoint: string; tokenId: string; tokenSecret: string; fingerprint: string };
  /** setNodesDown makes the simulator's nodes refuse requests (595), or answer again. */
  setNodesDown: (nodes: string[], down: boolean) => Promise<void>;
  /** Everything the stack printed, for a failing test's log. */
  output: () => string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? ok(addr.port) : fail(new Error("no port"))));
    });
  });
}

const portVariables = [
  "LABFORGE_DEV_POSTGRES_PORT",
  "LABFORGE_DEV_MONGO_PORT",
  "LABFORGE_DEV_TEMPORAL_PORT",
  "LABFORGE_DEV_TEMPORAL_UI_PORT",
  "LABFORGE_DEV_PVE_PORT",
  "LABFORGE_DEV_GATEWAY_HTTP_PORT",
  "LABFORGE_DEV_GATEWAY_HTTPS_PORT",
  "LABFORGE_DEV_GATEWAY_DNS_PORT",
  "LABFORGE_DEV_SMTP_PORT",
  "LABFORGE_DEV_GUACAMOLE_PORT",
  "LABFORGE_DEV_MOODLE_PORT",
];

function match(text: string, re: RegExp, what: string): string {
  const m = re.exec(text);
  if (!m?.[1]) throw new Error(`the dev stack's banner has no ${what}:\n${text}`);
  return m[1];
}

/** startStack builds cmd/devstack with the console in web/dist/app and starts it; stop ends it and removes its data. */
export async function startStack({ timeoutMs = 240_000 } = {}): Promise<Stack> {
  if (!existsSync(join(repo, "web/dist/app/index.html"))) {
    throw new Error("the console is not built: run npm run build (make web) before the browser tests");
  }
  const dir = mkdtempSync(join(tmpdir(), "labforge-e2e-"));
  const bin = join(dir, "labforge-devstack");
  execFileSync("go", ["build", "-o", bin, "./cmd/devstack"], { cwd: repo, stdio: "inherit" });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LABFORGE_DEV_DATA_DIR: join(dir, "data"),
    // A step that keeps failing waits for its operator after two quick tries.
    LABFORGE_STEP_RETRY_INTERVAL: "200ms",
    LABFORGE_STEP_MAX_ATTEMPTS: "2",
  };
  for (const v of portVariables) env[v] = String(await freePort());
  const apiPort = await freePort();
  env.LABFORGE_HTTP_ADDR = `127.0.0.1:${apiPort}`;
  env.LABFORGE_METRICS_ADDR = `127.0.0.1:${await freePort()}`;

  let out = "";
  const child: ChildProcess = spawn(bin, [], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((ok) => child.once("exit", ok));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (!out.includes("Labforge dev stack is up.") || !out.includes("Press Ctrl-C")) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the dev stack exited with ${child.exitCode}:\n${out}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the dev stack was not up within ${timeoutMs / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const token = match(out, /PVEAPIToken=(\S+)/, "Proxmox token");
  const [tokenId = "", tokenSecret = ""] = token.split("=");
  const endpoint = match(out, /Proxmox \(sim\)\s+(https:\/\/\S+)/, "Proxmox endpoint");
  const ca = readFileSync(match(out, /certificate (\S+) \(SHA-256/, "certificate file"));
  const simPost = (path: string) =>
    new Promise<void>((ok, fail) => {
      const req = request(new URL("/_sim" + path, endpoint), { method: "POST", ca }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? ok() : fail(new Error(`POST /_sim${path}: ${res.statusCode}`))));
      });
      req.on("error", fail);
      req.end();
    });
  return {
    url: `http://127.0.0.1:${apiPort}`,
    adminPassword: match(out, /Admin login\s+admin \/ (\S+)/, "admin password"),
    pve: {
      endpoint,
      tokenId,
      tokenSecret,
      fingerprint: match(out, /SHA-256 ([0-9A-F:]+)\)/, "certificate fingerprint"),
    },
    setNodesDown: async (nodes, down) => {
      for (const n of nodes) await simPost(`/nodes/${n}/${down ? "down" : "up"}`);
    },
    output: () => out,
    stop,
  };
}
