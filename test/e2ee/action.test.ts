/**
 * The committed action bundle with `method: service-token` against an end-to-end encrypted project on the dev server:
 * the server only ever holds and sends ciphertext; the step decrypts on the runner and exports the exact plaintexts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "@secrets-action/dev-server";
import { runStep } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { ALL_PLAINTEXTS, E2EE_SECRETS, LEGACY, MODERN_SECRETS, PROD_SECRETS, SHARED_SECRETS, TOKENS, startE2eeServer } from "./fixture.js";

let server: DevServer;
beforeEach(async () => {
  server = await startE2eeServer();
});
afterEach(async () => server?.close());

const merged = { ...SHARED_SECRETS, ...E2EE_SECRETS };

describe.each(["20", "24"] as const)("service token on Node %s", (node) => {
  it("exports the exact plaintexts from INFISICAL_TOKEN alone, project and environment taken from the token's scope", async () => {
    const result = await runStep({ node, inputs: { domain: server.url, method: "service-token" }, env: { INFISICAL_TOKEN: TOKENS.read } });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual(merged);
    expect(result.outputs["secret-count"]).toBe(String(Object.keys(merged).length));
    // The whole token and its key are masked; the log holds no plaintext, token or key.
    expect(result.masks).toContain(TOKENS.read);
    assertNoLeaks(result.log, ALL_PLAINTEXTS);
    // Read through the encrypted endpoints, after the raw one said the project is end-to-end encrypted.
    expect(server.requests.list().map((request) => `${request.status} ${request.path}`)).toEqual(["200 /api/v2/service-token", "400 /api/v3/secrets/raw", "200 /api/v3/secrets"]);
  });
});

describe("service token", () => {
  it("reads another environment with the service-token input and env-slug", async () => {
    const result = await runStep({ inputs: { domain: server.url, method: "service-token", "service-token": TOKENS.write, "env-slug": "prod", "project-id": LEGACY.id } });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual(PROD_SECRETS);
  });

  it("fails naming the position of a secret whose ciphertext was changed on the server, exporting nothing", async () => {
    const project = server.store.projectById(LEGACY.id);
    const target = project?.e2ee?.secrets.filter((secret) => secret.environment === "dev" && secret.path === "/")[2];
    if (!target) throw new Error("fixture: no third secret in dev:/");
    const bytes = Buffer.from(target.secretValueCiphertext, "base64");
    bytes[0] = (bytes[0] ?? 0) ^ 0x01;
    target.secretValueCiphertext = bytes.toString("base64");

    const result = await runStep({ inputs: { domain: server.url, method: "service-token" }, env: { INFISICAL_TOKEN: TOKENS.read } });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join("\n")).toMatch(/secret #3 in dev:\/ \(value of GREETING\): decryption failed \(the authentication tag does not match\)/);
    expect(result.env).toEqual({});
    expect(result.outputs).toEqual({});
    assertNoLeaks(result.log, ALL_PLAINTEXTS);
  });

  it("fails with a clear error and exports nothing when the token's key is not the one that wrapped the project key", async () => {
    const result = await runStep({ inputs: { domain: server.url, method: "service-token", "service-token": TOKENS.wrongKey } });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join("\n")).toMatch(/service token ci-read \(project key\): decryption failed/);
    expect(result.env).toEqual({});
    expect(result.outputs).toEqual({});
    expect(result.log).not.toContain(TOKENS.wrongKey);
  });

  it("reads a project the server decrypts through the raw endpoints with the same kind of token", async () => {
    const result = await runStep({ inputs: { domain: server.url, method: "service-token", "service-token": TOKENS.modern } });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual(MODERN_SECRETS);
    const paths = server.requests.list().map((request) => request.path);
    expect(paths).toContain("/api/v3/secrets/raw");
    expect(paths).not.toContain("/api/v3/secrets");
  });

  it("answers the real server's errors for a wrong secret and an unknown token, on the line a user reads", async () => {
    const wrong = await runStep({ inputs: { domain: server.url, method: "service-token", "service-token": "st.5e1a.not-the-secret.e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9" } });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.errors.join("\n")).toContain("401 from GET /api/v2/service-token: Invalid service token");
    expect(wrong.errors.join("\n")).toContain("copy the whole token again (st.<id>.<secret>.<key>) into the CI secret");
    const unknown = await runStep({ inputs: { domain: server.url, method: "service-token", "service-token": "st.gone.whatever.e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9" } });
    expect(unknown.errors.join("\n")).toContain("404 from GET /api/v2/service-token: Service token with ID 'gone' not found");
    expect(unknown.errors.join("\n")).toContain("it was deleted or expired, or belongs to another server");
    expect({ wrong: wrong.env, unknown: unknown.env }).toEqual({ wrong: {}, unknown: {} });
  });

  it("needs env-slug when the token has several scopes, and says which", async () => {
    const result = await runStep({ inputs: { domain: server.url, method: "service-token", "service-token": TOKENS.write } });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join("\n")).toContain("env-slug: required, since the service token ci-write has 2 scopes (dev:/**, prod:/). Set env-slug to one of them.");
  });
});

describe("expired service token", () => {
  it("fails with the server's 403 and what to do, exporting nothing", async () => {
    const token = server.store.serviceTokens.get(TOKENS.read.split(".")[1] ?? "");
    if (!token) throw new Error("fixture: no read token");
    token.expiresAt = Date.now() - 1000;
    const result = await runStep({ inputs: { domain: server.url, method: "service-token" }, env: { INFISICAL_TOKEN: TOKENS.read } });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join("\n")).toContain("403 from GET /api/v2/service-token: Service token has expired");
    expect(result.errors.join("\n")).toContain("create a new service token for the project and update INFISICAL_TOKEN");
    expect(result.env).toEqual({});
  });
});
