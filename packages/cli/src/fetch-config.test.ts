import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CiConventions, genericConventions } from "./conventions.js";
import { jwtProblem, readFetchConfig } from "./fetch-config.js";
import { OptionValues } from "./option-values.js";
import { OPTIONS } from "./options.js";
import { parseArgs } from "./parse-args.js";

const base = { INFISICAL_PROJECT_SLUG: "demo", INFISICAL_ENV_SLUG: "dev" };
const NOW = Date.UTC(2025, 0, 1);

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(payload)}.${Buffer.from("signature").toString("base64url")}`;
}

function read(argv: string[], env: Record<string, string>, conventions: CiConventions = genericConventions, cwd = process.cwd()) {
  const parsed = parseArgs(argv, { options: OPTIONS, takesCommand: () => false });
  const values = new OptionValues(parsed.flags, env, OPTIONS, conventions.defaults === undefined ? {} : { defaults: conventions.defaults });
  const config = readFetchConfig({ values, env, conventions, cwd, now: () => NOW });
  return { config, problems: [...parsed.problems, ...values.problems] };
}

describe("readFetchConfig", () => {
  it("gives the GitHub Action's defaults", () => {
    const { config, problems } = read([], { ...base, INFISICAL_CLIENT_ID: "id", INFISICAL_CLIENT_SECRET: "secret" });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      domain: "https://app.infisical.com",
      auth: { method: "universal", clientId: "id", clientSecret: "secret" },
      projectSlug: "demo",
      projectId: undefined,
      environment: "dev",
      paths: ["/"],
      includeImports: true,
      recursive: false,
      onCollision: "deepest",
      invalidNames: "skip",
      maskMinLength: 6,
      timeoutMs: 120_000,
      retries: 4,
    });
  });

  it("takes the OIDC token from the CI's variables in order, and checks it is a live JWT", () => {
    const circle: CiConventions = { ...genericConventions, idTokenVariables: ["CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN"] };
    const token = jwt({ sub: "x", exp: NOW / 1000 + 300 });
    const { config, problems } = read(["--method", "oidc", "--identity-id", "i-1"], { ...base, CIRCLE_OIDC_TOKEN: token }, circle);
    expect(problems).toEqual([]);
    expect(config.auth).toEqual({ method: "oidc", identityId: "i-1", jwt: token, variable: "CIRCLE_OIDC_TOKEN" });

    const missing = read(["--method", "oidc", "--identity-id", "i-1"], base, circle).problems;
    expect(missing).toEqual([
      "--method oidc: no ID token in $CIRCLE_OIDC_TOKEN_V2 or $CIRCLE_OIDC_TOKEN. Put the OIDC ID token (a JWT) in CIRCLE_OIDC_TOKEN_V2, or name its variable with --id-token-variable.",
    ]);
    const named = read(["--method", "oidc", "--identity-id", "i-1", "--id-token-variable", "MY_TOKEN"], { ...base, MY_TOKEN: "not-a-jwt" }).problems;
    expect(named).toEqual(["$MY_TOKEN: does not hold a JWT (three base64url parts separated by dots). Check that it is the variable named under id_tokens."]);
    const expired = read(["--method", "oidc", "--identity-id", "i-1"], { ...base, INFISICAL_ID_TOKEN: jwt({ exp: NOW / 1000 - 60 }) }).problems;
    expect(expired).toEqual(["$INFISICAL_ID_TOKEN: the ID token expired at 2024-12-31T23:59:00.000Z. It is minted when the job starts; retry the job."]);
  });

  it("reads AWS credentials from the job and refuses a malformed region", () => {
    const env = { ...base, AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "SECRET", AWS_SESSION_TOKEN: "SESSION", AWS_REGION: "eu-west-1" };
    expect(read(["--method=aws-iam", "--identity-id", "i"], env).config.auth).toEqual({
      method: "aws-iam",
      identityId: "i",
      region: "eu-west-1",
      credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "SESSION" },
    });
    expect(read(["--method=aws-iam", "--identity-id", "i", "--aws-region", "Europe"], base).problems).toEqual([
      "--method aws-iam: no AWS credentials in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) before this command.",
      '--aws-region: "Europe" is not an AWS region name (e.g. eu-west-1).',
    ]);
  });

  it("reads lists from repeated flags or from commas and newlines, and headers one per line", () => {
    const { config } = read(["--secret-path", "/a", "--path", "/b,/c", "--method", "token"], {
      ...base,
      INFISICAL_TOKEN: "t",
      INFISICAL_SECRET_NAME: "A, B\nC",
      INFISICAL_EXTRA_HEADERS: "CF-Access-Client-Id: id, with comma\nX-Team: a\nx-team: b",
    });
    expect(config.paths).toEqual(["/a", "/b", "/c"]);
    expect(config.names).toEqual(["A", "B", "C"]);
    expect(config.extraHeaders).toEqual({ "cf-access-client-id": "id, with comma", "x-team": "a, b" });
  });

  it("names each problem the way it was set, without echoing header values", () => {
    const { problems } = read(["--method", "token", "--project-id", "p"], {
      ...base,
      INFISICAL_TOKEN: "t",
      INFISICAL_EXTRA_HEADERS: "no colon secret-ish",
      INFISICAL_TIMEOUT: "0",
      INFISICAL_ENV_PREFIX: "1X-",
      INFISICAL_INVALID_NAMES: "normalize",
      INFISICAL_SECRET_PATH: "/app/../etc",
    });
    expect(problems).toEqual([
      'INFISICAL_EXTRA_HEADERS: a header is not "Name: value" (the name is missing or has invalid characters).',
      'INFISICAL_TIMEOUT: "0" must be a whole number from 1 to 3600.',
      "--project-id: set only one of project-id and project-slug, not both (INFISICAL_PROJECT_SLUG is set too).",
      'INFISICAL_SECRET_PATH: "/app/../etc" has a . or .. segment. Use an absolute folder path such as /app/db.',
      'INFISICAL_ENV_PREFIX: "1X-" cannot start an environment variable name (letters, digits and _, not starting with a digit). Did you mean _1X_?',
      'INFISICAL_INVALID_NAMES: "normalize" is not one of skip, normalise, fail. Did you mean normalise?',
    ]);
    expect(problems.join("\n")).not.toContain("secret-ish");
  });

  it("reads a CA from a file or as PEM text, and refuses anything else", () => {
    const dir = mkdtempSync(join(tmpdir(), "ca-"));
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    writeFileSync(join(dir, "ca.pem"), pem);
    const env = { ...base, INFISICAL_TOKEN: "t", INFISICAL_METHOD: "token" };
    expect(read(["--ca-certificate", "ca.pem"], env, genericConventions, dir).config.caCertificate).toBe(pem);
    expect(read([], { ...env, INFISICAL_CA_CERTIFICATE: pem }).config.caCertificate).toBe(pem.trim());
    expect(read(["--ca-certificate", "missing.pem"], env, genericConventions, dir).problems).toEqual([
      `--ca-certificate: cannot read ${join(dir, "missing.pem")} (ENOENT). Give the path of a PEM file, or the PEM text.`,
    ]);
  });

  it("warns about plain http to a remote host", () => {
    const { config } = read(["--domain", "http://infisical.internal/", "--method", "token"], { ...base, INFISICAL_TOKEN: "t" });
    expect(config.domain).toBe("http://infisical.internal");
    expect(config.warnings.join()).toMatch(/plain http/);
  });
});

describe("jwtProblem", () => {
  it("accepts a JWT without exp", () => {
    expect(jwtProblem(jwt({ sub: "s" }), () => NOW)).toBeUndefined();
  });
  it("refuses a payload that is not JSON", () => {
    expect(jwtProblem("aGVhZA.bm90IGpzb24.c2ln", () => NOW)).toBe("does not hold a JWT: its middle part is not base64url-encoded JSON.");
  });
});
