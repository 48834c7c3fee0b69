/// <reference path="../../packages/core/src/http/undici-modules.d.ts" />
/**
 * A yardstick for the action benchmark: the least a client can do for the same result. It logs in, lists the same
 * folder with the same request as the action, parses the JSON and appends every secret to GITHUB_ENV in one write —
 * no masks, no name or value checks, no retries, no timeouts. With `undici` it uses the undici modules and V8 flag the
 * action uses (core/http/undici.ts, core/http/wasm.ts); with `http`, Node's own client, for comparison.
 * Usage: node floor.js undici|http <server-url> <project-slug>
 */
import { appendFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { useBaselineWasmCompiler } from "@secrets-action/core/inputs";
import { BENCH_CLIENT } from "./seed.js";

const [client, url, projectSlug] = process.argv.slice(2);
if ((client !== "undici" && client !== "http") || !url || !projectSlug) throw new Error("usage: floor.js undici|http <server-url> <project-slug>");
const origin = new URL(url);
const listPath = `/api/v3/secrets/raw?${new URLSearchParams({ workspaceSlug: projectSlug, environment: "dev", secretPath: "/", recursive: "true", include_imports: "true", expandSecretReferences: "true" })}`;
const loginBody = JSON.stringify(BENCH_CLIENT);

type Send = (method: string, path: string, headers: Record<string, string>, body?: string) => Promise<string>;

async function undiciSend(): Promise<{ send: Send; close: () => Promise<void> }> {
  useBaselineWasmCompiler();
  const { default: Agent } = await import("undici/lib/dispatcher/agent.js");
  const { default: apiRequest } = await import("undici/lib/api/api-request.js");
  const { default: Dispatcher } = await import("undici/lib/dispatcher/dispatcher.js");
  Dispatcher.prototype.request ??= apiRequest;
  const agent = new Agent();
  return {
    send: async (method, path, headers, body) => {
      const response = await agent.request({ origin: origin.origin, path, method: method as "GET", headers, body: body ?? null });
      return response.body.text();
    },
    close: () => agent.close(),
  };
}

function httpSend(): { send: Send; close: () => Promise<void> } {
  const agent = new HttpAgent({ keepAlive: true });
  return {
    send: (method, path, headers, body) =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: origin.hostname, port: origin.port, method, path, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(body);
      }),
    close: async () => agent.destroy(),
  };
}

const { send, close } = client === "undici" ? await undiciSend() : httpSend();
const { accessToken } = JSON.parse(await send("POST", "/api/v1/auth/universal-auth/login", { "content-type": "application/json" }, loginBody)) as { accessToken: string };
const { secrets } = JSON.parse(await send("GET", listPath, { authorization: `Bearer ${accessToken}` })) as { secrets: { secretKey: string; secretValue: string }[] };
let text = "";
for (const secret of secrets) text += `${secret.secretKey}<<ghadelimiter_floor\n${secret.secretValue}\nghadelimiter_floor\n`;
appendFileSync(process.env["GITHUB_ENV"] ?? "", text, { encoding: "utf8" });
await close();
