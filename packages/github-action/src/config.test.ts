import { describe, expect, it } from "vitest";
import { parseConfig, readInputs, splitList } from "./config.js";
import { INPUTS } from "./inputs.js";

/** The runner fills in action.yml defaults for inputs the workflow leaves out. */
function inputsWith(given: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string> = {};
  for (const input of INPUTS) env[`INPUT_${input.name.toUpperCase()}`] = given[input.name] ?? input.default ?? "";
  return readInputs(env);
}

const runnerEnv = { GITHUB_WORKSPACE: "/home/runner/work/app/app", RUNNER_TEMP: "/home/runner/work/_temp" };
const universal = { "client-id": "id", "client-secret": "secret", "project-slug": "demo", "env-slug": "dev" };

function problems(given: Record<string, string>, env: Record<string, string> = runnerEnv): string[] {
  try {
    parseConfig(inputsWith(given), env);
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  return [];
}

describe("parseConfig", () => {
  it("gives the official action's defaults for a workflow copied from its README", () => {
    const config = parseConfig(inputsWith(universal), runnerEnv);
    expect(config).toMatchObject({
      domain: "https://app.infisical.com",
      auth: { method: "universal", clientId: "id", clientSecret: "secret" },
      projectSlug: "demo",
      projectId: undefined,
      environment: "dev",
      paths: ["/"],
      includeImports: true,
      recursive: false,
      prefix: "",
      suffix: "",
    });
    expect([...config.exportTypes]).toEqual(["env"]);
    expect(config.file).toBeUndefined();
  });

  it("reports every problem at once, each naming its input", () => {
    const found = problems({ method: "universal", recursive: "yes", "export-type": "evn", domain: "app.infisical.com" });
    expect(found).toEqual(
      expect.arrayContaining([
        'domain: "app.infisical.com" has no scheme. Did you mean "https://app.infisical.com"?',
        "client-id: required with method universal.",
        "client-secret: required with method universal.",
        "project-slug: set project-slug or project-id.",
        "env-slug: required (the environment's slug, e.g. dev).",
        'recursive: "yes" is not a boolean. Use true or false.',
        'export-type: "evn" is not one of env, output, file, none. Did you mean env?',
      ]),
    );
  });

  it("refuses an unknown method with a suggestion", () => {
    expect(problems({ ...universal, method: "odic" })).toEqual(['method: "odic" is not one of universal, oidc, aws-iam, token, service-token. Did you mean oidc?']);
  });

  it("takes a service token from its input or INFISICAL_TOKEN, needing no project or environment", () => {
    const token = "st.abc.def.0123456789abcdef0123456789abcdef";
    const fromEnv = parseConfig(inputsWith({ method: "service-token" }), { ...runnerEnv, INFISICAL_TOKEN: token });
    expect(fromEnv).toMatchObject({ auth: { method: "service-token", serviceToken: token }, projectId: undefined, projectSlug: undefined, environment: undefined });
    const fromInput = parseConfig(inputsWith({ method: "service-token", "service-token": token, "env-slug": "prod", "revoke-token": "true" }), { ...runnerEnv, INFISICAL_TOKEN: "st.other.x.y" });
    expect(fromInput).toMatchObject({ auth: { serviceToken: token }, environment: "prod" });
    expect(fromInput.warnings).toContain("revoke-token is ignored with a service token: it is not an access token, and its owner manages it.");
  });

  it("refuses a missing or malformed service token without repeating it", () => {
    expect(problems({ method: "service-token" })).toEqual(["service-token: required with method service-token. Set the input, or INFISICAL_TOKEN in the job's env."]);
    const found = problems({ method: "service-token", "service-token": "eyJhbGciOiJIUzI1NiJ9.e30.sig-value-x" });
    expect(found).toEqual(["service-token: not a service token (expected st.<id>.<secret>.<key>, 3 dot-separated parts given). For a machine identity use another method."]);
    expect(found.join()).not.toContain("sig-value-x");
  });

  it("refuses both project-id and project-slug", () => {
    expect(problems({ ...universal, "project-id": "p1" })).toEqual(["project-id: set only one of project-id and project-slug, not both."]);
  });

  it("explains a missing OIDC token request URL with the permissions fix", () => {
    const found = problems({ method: "oidc", "identity-id": "i", "project-slug": "demo", "env-slug": "dev" });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/permissions: id-token: write/);
    expect(found[0]).toMatch(/forks/);
  });

  it("takes the OIDC request URL and token from the runner", () => {
    const config = parseConfig(inputsWith({ method: "oidc", "identity-id": "i", "oidc-audience": "aud", "project-slug": "demo", "env-slug": "dev" }), {
      ...runnerEnv,
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://token/x?api-version=2.0",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
    });
    expect(config.auth).toEqual({ method: "oidc", identityId: "i", audience: "aud", requestUrl: "https://token/x?api-version=2.0", requestToken: "request-token" });
  });

  it("takes AWS credentials and region from the job, and says what to run when they are missing", () => {
    expect(problems({ method: "aws-iam", "identity-id": "i", "project-slug": "demo", "env-slug": "dev" })[0]).toMatch(/configure-aws-credentials/);
    const config = parseConfig(inputsWith({ method: "aws-iam", "identity-id": "i", "project-slug": "demo", "env-slug": "dev" }), {
      ...runnerEnv,
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "SECRET",
      AWS_SESSION_TOKEN: "SESSION",
      AWS_REGION: "eu-west-1",
    });
    expect(config.auth).toMatchObject({ method: "aws-iam", region: "eu-west-1", accessKeyId: "AKID", sessionToken: "SESSION" });
  });

  it("accepts only the YAML boolean words", () => {
    for (const word of ["true", "True", "TRUE"]) expect(parseConfig(inputsWith({ ...universal, recursive: word }), runnerEnv).recursive).toBe(true);
    for (const word of ["1", "yes", "on"]) expect(problems({ ...universal, recursive: word })).toEqual([`recursive: "${word}" is not a boolean. Use true or false.`]);
  });

  it("combines export types and refuses none with others", () => {
    const config = parseConfig(inputsWith({ ...universal, "export-type": "env, output\nfile" }), runnerEnv);
    expect([...config.exportTypes].sort()).toEqual(["env", "file", "output"]);
    expect(problems({ ...universal, "export-type": "none,env" })).toEqual(["export-type: none cannot be combined with other export types."]);
  });

  it("writes the file under RUNNER_TEMP by default, and a given path relative to the workspace as the official action", () => {
    const temp = parseConfig(inputsWith({ ...universal, "export-type": "file" }), runnerEnv).file;
    expect(temp?.path.startsWith("/home/runner/work/_temp/infisical-secrets-")).toBe(true);
    expect(temp?.path.endsWith(".env")).toBe(true);
    expect(parseConfig(inputsWith({ ...universal, "export-type": "file", "file-output-path": "/.env" }), runnerEnv).file?.path).toBe("/home/runner/work/app/app/.env");
    expect(parseConfig(inputsWith({ ...universal, "export-type": "file", "file-output-path": "config/app.env" }), runnerEnv).file?.path).toBe(
      "/home/runner/work/app/app/config/app.env",
    );
    expect(parseConfig(inputsWith({ ...universal, "export-type": "file", "file-output-path": "/home/runner/work/_temp/x.json", "file-format": "json" }), runnerEnv).file).toEqual({
      path: "/home/runner/work/_temp/x.json",
      format: "json",
      clean: true,
    });
    expect(problems({ ...universal, "export-type": "file", "file-output-path": "../../etc/passwd" })).toEqual([
      'file-output-path: "../../etc/passwd" leaves the workspace. Use a path inside it, or one under RUNNER_TEMP.',
    ]);
  });

  it("reads several paths, names and tags from lists", () => {
    const config = parseConfig(inputsWith({ ...universal, "secret-path": "/\n/app\n", "secret-name": "A, B\nC", tags: "db" }), runnerEnv);
    expect(config.paths).toEqual(["/", "/app"]);
    expect(config.names).toEqual(["A", "B", "C"]);
    expect(config.tags).toEqual(["db"]);
  });

  it("parses extra headers, joining repeats, and refuses a line without a name", () => {
    const config = parseConfig(inputsWith({ ...universal, "extra-headers": "X-Team: a\nx-team: b\nCF-Access-Client-Id: id" }), runnerEnv);
    expect(config.extraHeaders).toEqual({ "x-team": "a, b", "cf-access-client-id": "id" });
    expect(problems({ ...universal, "extra-headers": "no colon here" })).toEqual(['extra-headers: a line is not "Name: value" (the header name is missing or has invalid characters).']);
  });

  it("warns about plain http to a remote host but not to loopback", () => {
    expect(parseConfig(inputsWith({ ...universal, domain: "http://infisical.internal" }), runnerEnv).warnings.join()).toMatch(/plain http/);
    expect(parseConfig(inputsWith({ ...universal, domain: "http://127.0.0.1:8080/" }), runnerEnv)).toMatchObject({ domain: "http://127.0.0.1:8080", warnings: [] });
  });

  it("refuses a CA that is not PEM and out-of-range numbers", () => {
    expect(problems({ ...universal, "ca-certificate": "not pem", timeout: "0", retries: "x" })).toEqual([
      "ca-certificate: not a PEM certificate (expected -----BEGIN CERTIFICATE-----).",
      'timeout: "0" must be a whole number from 1 to 3600.',
      'retries: "x" must be a whole number from 0 to 10.',
    ]);
  });

});

describe("splitList", () => {
  it("splits on commas and newlines, dropping blanks", () => {
    expect(splitList(" a,b\n\n c ,")).toEqual(["a", "b", "c"]);
    expect(splitList(undefined)).toEqual([]);
  });
});

describe("parseConfig: dynamic-secrets", () => {
  it("reads one lease per line, fetching secrets too unless told not to", () => {
    const config = parseConfig(inputsWith({ ...universal, "dynamic-secrets": "pg-app@30m\npg-reports:/reporting PGUSER=DB_USERNAME" }), runnerEnv);
    expect(config.fetchSecrets).toBe(true);
    expect(config.leases).toEqual([
      { name: "pg-app", path: "/", ttl: "30m", mappings: [] },
      { name: "pg-reports", path: "/reporting", ttl: undefined, mappings: [{ name: "PGUSER", field: "DB_USERNAME" }] },
    ]);
    expect(parseConfig(inputsWith({ ...universal, "dynamic-secrets": "pg", "fetch-secrets": "false" }), runnerEnv).fetchSecrets).toBe(false);
  });

  it("refuses a bad TTL, a project id alone and a service token, all before any request", () => {
    expect(problems({ ...universal, "dynamic-secrets": "pg@forever" })).toEqual([
      'dynamic-secrets: the TTL "forever" is not a duration: write it like 30m, 1h, 12h or 7d',
    ]);
    const byId = { "client-id": "id", "client-secret": "secret", "project-id": "6f3c1a2e", "env-slug": "dev", "dynamic-secrets": "pg" };
    expect(problems(byId)).toEqual(["dynamic-secrets: needs project-slug (the lease API names projects by slug, not id)."]);
    expect(problems({ method: "service-token", "service-token": "st.a.b.c", "dynamic-secrets": "pg" })).toEqual([
      "dynamic-secrets: a service token cannot lease dynamic secrets. Log in with a machine identity (universal, oidc, aws-iam or token).",
    ]);
  });

  it("refuses fetch-secrets: false with nothing to lease", () => {
    expect(problems({ ...universal, "fetch-secrets": "false" })).toEqual([
      "fetch-secrets: false with no dynamic-secrets leaves nothing to do. Remove fetch-secrets, or list dynamic-secrets to lease.",
    ]);
  });
});
