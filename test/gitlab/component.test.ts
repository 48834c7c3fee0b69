/**
 * The component in GitLab pipelines run by gitlab-ci-local's shell executor, against the dev server: the include with
 * inputs, the checksum-verified install, `run` with the secrets in the command's environment and its output redacted,
 * `export`, OIDC with an id_tokens JWT, and the ways a job fails.
 *
 * Two things gitlab-ci-local does differently from GitLab shape these pipelines:
 * - It picks its executor from `image:`: any image means Docker. The component's job has one (Node.js is what the CLI
 *   needs), so each test job sets `image: null` to run in the shell, as a GitLab shell runner ignores `image:`. GitLab's
 *   schema refuses a null image, so these runs skip schema validation; the first test validates the component
 *   with the schema on.
 * - It does not mint `id_tokens:` JWTs. The OIDC test mints one with the dev server's issuer (GitLab's claim shapes)
 *   and sets it as the variable the id_tokens entry names, as GitLab would.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { type PipelineResult, removePipeline, requireRsync, runPipeline } from "./pipeline.js";
import { AUDIENCE, CLIENT, GITLAB_PROJECT_PATH, OIDC_IDENTITY_ID, PEM, PROJECT, SECRETS, gitlabSeed } from "./seed.js";

let server: DevServer;
const pipelines: PipelineResult[] = [];

beforeAll(async () => {
  requireRsync();
  server = await startDevServer({ seed: gitlabSeed() });
});
afterAll(async () => {
  for (const pipeline of pipelines) removePipeline(pipeline);
  await server?.close();
});

async function pipeline(options: Parameters<typeof runPipeline>[0]): Promise<PipelineResult> {
  const result = await runPipeline(options);
  pipelines.push(result);
  return result;
}

/** The inputs every test passes: this server, this project, the CLI from the repository (an air-gapped runner). */
function inputs(extra: Record<string, string | boolean | number> = {}): Record<string, string | boolean | number> {
  return {
    domain: server.url,
    "project-slug": PROJECT.slug,
    "env-slug": "dev",
    "cli-url": "$CI_PROJECT_DIR/bin/secrets-action-gitlab.mjs",
    ...extra,
  };
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const settings = { INFISICAL_CLIENT_ID: CLIENT.clientId, INFISICAL_CLIENT_SECRET: CLIENT.clientSecret };
/** Everything that must never show in a log. */
const sensitive = { ...SECRETS, CLIENT_SECRET: CLIENT.clientSecret, DEPLOY_KEY: "deploy-key-0c4e8a1f" };

describe("the GitLab component", () => {
  it("validates against GitLab's schema, by include: local and by include: component:, with id_tokens wired to the audience", async () => {
    const result = await pipeline({
      remote: "git@gitlab.com:secrets-action/gitlab.git",
      list: true,
      ciYaml: stringify({
        include: [
          { local: "templates/secrets.yml", inputs: inputs() },
          // How a component project tests itself: this project, at this commit.
          { component: "gitlab.com/secrets-action/gitlab/secrets@$CI_COMMIT_SHA", inputs: inputs({ "job-name": "deploy", command: "./deploy.sh", audience: AUDIENCE, stage: "deploy" }) },
        ],
        stages: ["test", "deploy"],
      }),
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain("json schema validated");
    expect(result.output).toMatch(/^deploy\s+deploy\s+on_success/m);
    const expanded = parse(readFileSync(`${result.repo}/.gitlab-ci-local/expanded-gitlab-ci.yml`, "utf8")) as Record<string, { id_tokens?: unknown; variables?: Record<string, string>; image?: unknown }>;
    expect(expanded["deploy"]?.id_tokens).toEqual({ INFISICAL_ID_TOKEN: { aud: AUDIENCE } });
    expect(expanded["deploy"]?.image).toMatchObject({ name: "node:22-alpine" });
    expect(expanded["deploy"]?.variables).toMatchObject({ INFISICAL_DOMAIN: server.url, INFISICAL_PROJECT_SLUG: PROJECT.slug, INFISICAL_COMMAND: "./deploy.sh" });
    expect(expanded[".secrets-action"]?.id_tokens).toEqual({ INFISICAL_ID_TOKEN: { aud: "https://app.infisical.com" } });
  });

  it("has a project pipeline that validates, and whose check passes on the committed files and fails on a changed CLI", async () => {
    const projectCi = readFileSync(new URL("../../actions/gitlab/.gitlab-ci.yml", import.meta.url), "utf8");
    const listed = await pipeline({ ciYaml: projectCi, list: true });
    expect(listed.exitCode, listed.output).toBe(0);
    expect(listed.output).toMatch(/^check-cli\s+check\s+on_success/m);
    // The check job's script, run by a shell in the project as a runner would (its image only provides node).
    const script = (parse(projectCi) as { "check-cli": { script: string[] } })["check-cli"].script.join("\n");
    const check = (env: Record<string, string> = {}) => spawnSync("sh", ["-e", "-c", script], { cwd: listed.repo, env: { ...process.env, ...env }, encoding: "utf8" });
    const ok = check();
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("secrets-action 0.1.0");
    expect(check({ CI_COMMIT_TAG: "9.9.9" }).status).not.toBe(0);
    appendFileSync(join(listed.repo, "bin/secrets-action-gitlab.mjs"), "\n");
    expect(check().status).not.toBe(0);
  });

  describe("with universal auth", () => {
    let result: PipelineResult;
    const jobs = ["secrets", "own-script", "failing-command", "tampered-cli", "misconfigured"];

    beforeAll(async () => {
      const command = [
        'echo "a line without secrets passes unchanged"',
        // Exact values: a hash of each, as the command sees it.
        "node -e 'for (const k of [\"DB_PASSWORD\", \"API_TOKEN\", \"TLS_KEY\", \"SPLIT_ME\", \"TRICKY\", \"PORT\"]) console.log(\"sha256\", k, require(\"crypto\").createHash(\"sha256\").update(process.env[k] ?? \"<unset>\").digest(\"hex\"))'",
        'echo "password: $$DB_PASSWORD"',
        'printf "%s\\n" "$$TLS_KEY"',
        'printf "%s\\n" "$$TLS_KEY" | sed -n 3p | sed "s/^/third line: /"',
        'printf %s "$$API_TOKEN" | base64 | sed "s/^/base64: /"',
        'printf "split: "; printf %s "$$SPLIT_ME" | cut -c1-9 | tr -d "\\n"; sleep 0.3; printf %s "$$SPLIT_ME" | cut -c10-',
        "node -e 'console.log(\"json:\", JSON.stringify({ key: process.env.TLS_KEY }))'",
        "node -e 'console.log(\"url:\", encodeURIComponent(process.env.TRICKY))'",
        'echo "port: $$PORT"',
      ].join("\n");
      result = await pipeline({
        variables: settings,
        jobs,
        schemaValidation: false,
        files: { "tampered.mjs": `${readFileSync(new URL("../../actions/gitlab/bin/secrets-action-gitlab.mjs", import.meta.url), "utf8")}\n// one byte more\n` },
        ciYaml: stringify({
          include: [{ local: "templates/secrets.yml", inputs: inputs({ command }) }],
          secrets: { extends: ".secrets-action", image: null },
          "own-script": {
            extends: ".secrets-action",
            image: null,
            script: [
              "secrets-action run --secret-path /deploy -- sh -c 'echo \"deploy key: $DEPLOY_KEY\"'",
              "FILE=$(secrets-action export --format json)",
              'echo "exported to ${FILE#$SECRETS_ACTION_HOME/}"',
              'stat -c "mode %a" "$FILE"',
              "node -e 'console.log(\"names:\", Object.keys(JSON.parse(require(\"fs\").readFileSync(process.argv[1], \"utf8\"))).join(\",\"))' \"$FILE\"",
            ],
          },
          "failing-command": { extends: ".secrets-action", image: null, variables: { INFISICAL_COMMAND: 'echo "failing with $$DB_PASSWORD"; exit 3' } },
          "tampered-cli": { extends: ".secrets-action", image: null, variables: { SECRETS_ACTION_CLI_URL: "$CI_PROJECT_DIR/tampered.mjs" } },
          misconfigured: { extends: ".secrets-action", image: null, variables: { INFISICAL_ENV_SLUG: "", INFISICAL_METHOD: "odic" } },
        }),
      });
    });

    it("runs the command with every secret in its environment, exactly", () => {
      const log = result.logs["secrets"] ?? "";
      expect(result.output).toMatch(/PASS\s+secrets/);
      expect(log).toContain("secrets-action: installed the CLI 0.1.0 (SHA-256 verified) as secrets-action.");
      expect(log).toContain("a line without secrets passes unchanged");
      for (const [key, value] of Object.entries(SECRETS)) expect(log).toContain(`sha256 ${key} ${sha256(value)}`);
    });

    it("shows [MASKED] wherever a secret was printed: plain, a multi-line PEM and one of its lines, base64, split across writes, JSON- and URL-escaped", () => {
      const log = result.logs["secrets"] ?? "";
      expect(log).toContain("password: [MASKED]\n");
      expect(log).toContain("[MASKED]\nthird line: [MASKED]\n");
      expect(log).toContain("base64: [MASKED]\n");
      expect(log).toContain("split: [MASKED]\n");
      expect(log).toContain('json: {"key":"[MASKED]"}\n');
      expect(log).toContain("url: [MASKED]\n");
      for (const line of PEM.split("\n")) expect(log).not.toContain(line);
      assertNoLeaks(log, sensitive);
      assertNoLeaks(result.output, sensitive);
    });

    it("leaves a short value visible, and says so naming its key", () => {
      const log = result.logs["secrets"] ?? "";
      expect(log).toContain("port: 5432\n");
      expect(log).toMatch(/secrets-action: warning: .*shorter than INFISICAL_MASK_MIN_LENGTH 6 and not redacted: PORT\./);
    });

    it("lets the job's own script call the installed CLI: run with options, and export to a private 0600 file that after_script deletes", () => {
      const log = result.logs["own-script"] ?? "";
      expect(result.output).toMatch(/PASS\s+own-script/);
      expect(log).toContain("deploy key: [MASKED]");
      expect(log).toMatch(/exported to secrets-action-[^/]+\/secrets\.json\n/);
      expect(log).toContain("mode 600\n");
      expect(log).toContain(`names: ${Object.keys(SECRETS).join(",")}\n`);
      assertNoLeaks(log, sensitive);
      // after_script removed the job's folder: the CLI and the exported file.
      const runnerTemp = `${result.repo}.tmp`;
      const left = existsSync(runnerTemp) ? readdirSync(runnerTemp).filter((name) => name.startsWith("secrets-action-")) : [];
      expect(left).toEqual([]);
    });

    it("fails the job with the command's exit code, and still runs after_script", () => {
      const log = result.logs["failing-command"] ?? "";
      expect(result.output).toMatch(/FAIL\s+failing-command/);
      expect(result.output).toMatch(/failing-command finished in .* FAIL 3/);
      expect(log).toContain("failing with [MASKED]");
      expect(log).toContain("secrets-action: the INFISICAL_COMMAND script exited with 3.");
      expect(log).toContain('$ rm -rf "$SECRETS_ACTION_HOME"');
      assertNoLeaks(log, sensitive);
    });

    it("refuses a CLI file whose checksum is not the pinned one, before running anything", () => {
      const log = result.logs["tampered-cli"] ?? "";
      expect(result.output).toMatch(/FAIL\s+tampered-cli/);
      expect(log).toMatch(/secrets-action install: .*tampered\.mjs has SHA-256 [0-9a-f]{64}, not the expected [0-9a-f]{64}\. Refusing to run it\./);
      expect(log).not.toContain("$ secrets-action run");
    });

    it("lists every configuration problem and sends nothing", () => {
      const log = result.logs["misconfigured"] ?? "";
      expect(result.output).toMatch(/misconfigured finished in .* FAIL 2/);
      expect(log).toContain('secrets-action: error: INFISICAL_METHOD: "odic" is not one of universal, oidc, aws-iam, token, service-token. Did you mean oidc?');
      expect(log).toContain("secrets-action: error: --env-slug (or INFISICAL_ENV_SLUG): required (the environment's slug, e.g. dev).");
      expect(log).toContain("secrets-action: error: 2 problems; nothing was sent to the server.");
    });
  });

  describe("with OIDC", () => {
    let result: PipelineResult;
    let jwt: string;
    let wrongAudience: string;

    beforeAll(async () => {
      jwt = server.oidc.mint({ preset: "gitlab", audience: AUDIENCE, claims: { project_path: GITLAB_PROJECT_PATH } });
      wrongAudience = server.oidc.mint({ preset: "gitlab", audience: "https://gitlab.com", claims: { project_path: GITLAB_PROJECT_PATH } });
      const command = "node -e 'console.log(\"db password sha256\", require(\"crypto\").createHash(\"sha256\").update(process.env.DB_PASSWORD).digest(\"hex\"))'; echo \"printed: $$DB_PASSWORD\"; echo \"token: $$INFISICAL_ID_TOKEN\"";
      result = await pipeline({
        // As GitLab would: each id_tokens entry becomes a variable holding a JWT with its aud.
        variables: { INFISICAL_ID_TOKEN: jwt, OTHER_ID_TOKEN: wrongAudience },
        jobs: ["oidc", "oidc-wrong-audience"],
        schemaValidation: false,
        ciYaml: stringify({
          include: [{ local: "templates/secrets.yml", inputs: inputs({ method: "oidc", "identity-id": OIDC_IDENTITY_ID, audience: AUDIENCE, command }) }],
          oidc: { extends: ".secrets-action", image: null },
          "oidc-wrong-audience": {
            extends: ".secrets-action",
            image: null,
            id_tokens: { OTHER_ID_TOKEN: { aud: "https://gitlab.com" } },
            variables: { INFISICAL_ID_TOKEN_VARIABLE: "OTHER_ID_TOKEN" },
          },
        }),
      });
    });

    it("logs in with the id_tokens JWT and the identity id, and redacts the JWT too", () => {
      const log = result.logs["oidc"] ?? "";
      expect(result.output).toMatch(/PASS\s+oidc\b/);
      expect(log).toContain(`db password sha256 ${sha256(SECRETS["DB_PASSWORD"] ?? "")}`);
      expect(log).toContain("printed: [MASKED]");
      expect(log).toContain("token: [MASKED]");
      assertNoLeaks(log, { ...sensitive, JWT: jwt });
      const logins = server.requests.list().filter((request) => request.path === "/api/v1/auth/oidc-auth/login");
      expect(logins.length).toBeGreaterThanOrEqual(1);
    });

    it("fails with the server's reason when the token's audience is not the identity's", () => {
      const log = result.logs["oidc-wrong-audience"] ?? "";
      expect(result.output).toMatch(/FAIL\s+oidc-wrong-audience/);
      expect(log).toMatch(/secrets-action: error: .*audience/i);
      assertNoLeaks(log, { ...sensitive, JWT: wrongAudience });
    });
  });
});
