/**
 * A yardstick for the action benchmark: the least a client can do for the same result. It logs in with Node's own
 * HTTP client, lists the same folder with the same request as the action, parses the JSON and appends every secret to
 * GITHUB_ENV in one write — no masks, no name or value checks, no retries, no timeouts.
 * Usage: node floor.js <server-url> <project-slug>
 */
import { appendFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { BENCH_CLIENT } from "./seed.js";

const [url, projectSlug] = process.argv.slice(2);
if (!url || !projectSlug) throw new Error("usage: floor.js <server-url> <project-slug>");
const origin = new URL(url);
const listPath = `/api/v3/secrets/raw?${new URLSearchParams({ workspaceSlug: projectSlug, environment: "dev", secretPath: "/", recursive: "true", include_imports: "true", expandSecretReferences: "true" })}`;
const agent = new Agent({ keepAlive: true });

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: origin.hostname, port: origin.port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const loginBody = JSON.stringify(BENCH_CLIENT);
const login = await send("POST", "/api/v1/auth/universal-auth/login", { "content-type": "application/json", "content-length": String(Buffer.byteLength(loginBody)) }, loginBody);
const { accessToken } = JSON.parse(login) as { accessToken: string };
const { secrets } = JSON.parse(await send("GET", listPath, { authorization: `Bearer ${accessToken}` })) as { secrets: { secretKey: string; secretValue: string }[] };
let text = "";
for (const secret of secrets) text += `${secret.secretKey}<<ghadelimiter_floor\n${secret.secretValue}\nghadelimiter_floor\n`;
appendFileSync(process.env["GITHUB_ENV"] ?? "", text, { encoding: "utf8" });
agent.destroy();
