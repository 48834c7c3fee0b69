/**
 * Drop-in compatibility: a workflow written for Infisical/secrets-action, with only `uses:` changed, gets the
 * environment that action would produce. The expected environment is computed here the way the official action
 * computes it (GET /api/v3/secrets/raw with workspaceSlug, include_imports, recursive and expandSecretReferences=true;
 * the folder's own secrets, then imports from the last to the first, the first key seen winning), not by our code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { DevServer } from "@secrets-action/dev-server";
import { demoSeedPath, startDevServer } from "@secrets-action/dev-server";
import { runStep } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";

let server: DevServer;
beforeAll(async () => {
  const seed = demoSeedPath();
  if (!seed) throw new Error("the dev server's demo seed is missing");
  server = await startDevServer({ seed, log: false });
});
afterAll(async () => server?.close());

/** A workflow as users write it for the official action (its README's universal-auth example), `uses:` switched. */
function workflow(domain: string, extra = ""): string {
  return `
name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: our-org/secrets-action@v2
        with:
          client-id: 7c1b9a52-3e0f-4d6e-a1c8-5b2f90d3e4a7
          client-secret: demo-ci-client-secret-0b9e5a7c
          env-slug: dev
          project-slug: demo
          domain: ${domain}
${extra}`;
}

function stepInputs(yaml: string): Record<string, string> {
  const doc = parse(yaml) as { jobs: { deploy: { steps: { with: Record<string, unknown> }[] } } };
  const step = doc.jobs.deploy.steps[0]!;
  return Object.fromEntries(Object.entries(step.with).map(([key, value]) => [key, String(value)]));
}

/** The official action's algorithm, re-stated from its source. */
async function officialEnvironment(inputs: Record<string, string>): Promise<Record<string, string>> {
  const form = new URLSearchParams({ clientId: inputs["client-id"]!, clientSecret: inputs["client-secret"]! });
  const login = await fetch(`${server.url}/api/v1/auth/universal-auth/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const query = new URLSearchParams({
    secretPath: inputs["secret-path"] ?? "/",
    environment: inputs["env-slug"]!,
    include_imports: inputs["include-imports"] ?? "true",
    recursive: inputs["recursive"] ?? "false",
    expandSecretReferences: "true",
    workspaceSlug: inputs["project-slug"]!,
  });
  const response = await fetch(`${server.url}/api/v3/secrets/raw?${query}`, { headers: { authorization: `Bearer ${accessToken}` } });
  const body = (await response.json()) as { secrets: { secretKey: string; secretValue: string }[]; imports?: { secrets: { secretKey: string; secretValue: string }[] }[] };
  const env: Record<string, string> = Object.fromEntries(body.secrets.map((s) => [s.secretKey, s.secretValue]));
  const imports = body.imports ?? [];
  for (let i = imports.length - 1; i >= 0; i--) {
    for (const secret of imports[i]!.secrets) if (env[secret.secretKey] === undefined) env[secret.secretKey] = secret.secretValue;
  }
  const prefix = inputs["env-prefix"] ?? "";
  const suffix = inputs["env-suffix"] ?? "";
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [`${prefix}${key}${suffix}`, value]));
}

describe("a workflow written for Infisical/secrets-action", () => {
  it.each([
    ["the README's universal-auth example", ""],
    ["with include-imports: false", "          include-imports: false"],
    ["with a secret-path", "          secret-path: /app"],
    ["with env-prefix and env-suffix", "          env-prefix: TF_VAR_\n          env-suffix: _V1"],
  ])("gets the same environment: %s", async (_name, extra) => {
    const inputs = stepInputs(workflow(server.url, extra));
    const expected = await officialEnvironment(inputs);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const result = await runStep({ inputs });
    expect(result.errors).toEqual([]);
    expect(result.env).toEqual(expected);
    assertNoLeaks(result.log, expected);
  });

  it("with recursive: true gets the same keys; a key in several folders is resolved by the documented rule and reported", async () => {
    const inputs = stepInputs(workflow(server.url, "          recursive: true"));
    const expected = await officialEnvironment(inputs);
    const result = await runStep({ inputs });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(result.env).sort()).toEqual(Object.keys(expected).sort());
    // The demo project has no key in two folders, so even the values agree.
    expect(result.env).toEqual(expected);
  });
});
