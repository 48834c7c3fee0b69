import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { demoSeedPath } from "./demo-seed.js";
import { startDevServer } from "./server.js";
import { loadSeed, SeedError } from "./seed.js";
import { client, query, type ListJson, type SecretJson, type TokenJson } from "./test-support.js";

const YAML_SEED = `
projects:
  - slug: yaml-proj
    environments: [dev, { slug: prod, name: Production }]
    secrets:
      dev:
        /:
          PORT: 5432
          ENABLED: true
          EMPTY:
          ISSUER: "{{self}}/__oidc"
          PEM: |
            -----BEGIN KEY-----
            abc
            -----END KEY-----
identities:
  - name: ci
    projects: { yaml-proj: admin }
    universalAuth: { clientId: yaml-client, clientSecrets: [yaml-secret] }
`;

describe("seeds", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dev-server-seed-"));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("loads YAML, replaces {{self}} with the server URL, and turns scalars into strings", async () => {
    const path = join(dir, "seed.yaml");
    await writeFile(path, YAML_SEED);
    const server = await startDevServer({ seed: path });
    try {
      const api = client(server);
      const token = await api.login({ clientId: "yaml-client", clientSecret: "yaml-secret" });
      const { body } = await api.get<ListJson>(`/api/v3/secrets/raw${query({ workspaceSlug: "yaml-proj", environment: "dev" })}`, token);
      expect(Object.fromEntries(body.secrets.map((secret: SecretJson) => [secret.secretKey, secret.secretValue]))).toEqual({
        PORT: "5432",
        ENABLED: "true",
        EMPTY: "",
        ISSUER: `${server.url}/__oidc`,
        PEM: "-----BEGIN KEY-----\nabc\n-----END KEY-----\n",
      });
    } finally {
      await server.close();
    }
  });

  it("loads JSON", async () => {
    const path = join(dir, "seed.json");
    await writeFile(path, JSON.stringify({ projects: [{ slug: "json-proj", id: "p-1", secrets: { dev: { "/a": { K: { value: "v", comment: "c" } } } } }] }));
    expect(await loadSeed(path)).toMatchObject({ projects: [{ slug: "json-proj" }] });
    const server = await startDevServer({ seed: path });
    try {
      expect(server.store.getSecret("json-proj", "dev", "/a", "K")).toMatchObject({ value: "v", comment: "c", version: 1 });
      expect(server.store.projectById("p-1")?.environments.map((env) => env.slug)).toEqual(["dev", "staging", "prod"]);
    } finally {
      await server.close();
    }
  });

  it("lists every problem of a bad seed, with where it is, before listening", async () => {
    const attempt = startDevServer({
      seed: {
        projects: [{ slug: "p", environments: ["dev"], secrets: { qa: { "/": { A: "1" } } }, imports: { dev: { "/": [{ environment: "dev", path: "/nope" }] } } }],
        identities: [{ name: "x", projects: { nope: "admin", p: "owner" as "admin" } }],
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(SeedError);
    const error = (await attempt.catch((caught: unknown) => caught)) as SeedError;
    expect(error.problems).toEqual([
      'projects[0].secrets.qa: environment "qa" is not one of this project\'s environments (dev)',
      'projects[0].imports.dev./[0]: folder "/nope" does not exist in environment "dev"; add it under secrets or folders',
      'identities[0].projects.nope: no project with slug "nope" in this seed',
      "identities[0].projects.p: role must be one of admin, member, viewer, no-access",
    ]);
  });

  it("names a missing or unparsable file", async () => {
    await expect(loadSeed(join(dir, "missing.yaml"))).rejects.toThrow(/missing\.yaml: cannot read the seed file .* Check the path\./);
    const broken = join(dir, "broken.json");
    await writeFile(broken, "{ nope");
    await expect(loadSeed(broken)).rejects.toThrow(/broken\.json: not valid JSON/);
  });

  it("ships a demo seed whose identities can log in and read", async () => {
    const path = demoSeedPath();
    expect(path).toBeDefined();
    const server = await startDevServer({ seed: path ?? "" });
    try {
      const api = client(server);
      const token = await api.login({ clientId: "7c1b9a52-3e0f-4d6e-a1c8-5b2f90d3e4a7", clientSecret: "demo-ci-client-secret-0b9e5a7c" });
      const list = await api.get<ListJson>(
        `/api/v3/secrets/raw${query({ workspaceSlug: "demo", environment: "dev", expandSecretReferences: "true", include_imports: "true" })}`,
        token,
      );
      const values = Object.fromEntries(list.body.secrets.map((secret) => [secret.secretKey, secret.secretValue]));
      expect(values["DATABASE_URL"]).toBe("postgres://app:dev-db-pw-Zq81!x@localhost:5432/app");
      expect(values["PROD_API_URL"]).toBe("https://api.example.com");
      expect(values["TLS_PRIVATE_KEY"]).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
      expect(values["EMPTY_VALUE"]).toBe("");
      expect(list.body.imports?.[0]?.secrets.map((secret) => secret.secretKey).sort()).toEqual(["REDIS_URL", "SENTRY_DSN"]);
      const oidc = await api.post<TokenJson>("/api/v1/auth/oidc-auth/login", {
        identityId: "3f4d2e30-1b5c-4e77-9d90-4b6f8c0e2a33",
        jwt: server.oidc.mint({ preset: "github" }),
      });
      expect(oidc.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("resets the store to the seed", async () => {
    const server = await startDevServer({ seed: { projects: [{ slug: "r", secrets: { dev: { "/": { A: "1" } } } }] } });
    try {
      const secret = server.store.getSecret("r", "dev", "/", "A");
      if (secret) server.store.updateSecret(secret, { value: "changed" }, Date.now());
      await client(server).post("/__dev/reset", {});
      expect(server.store.getSecret("r", "dev", "/", "A")).toMatchObject({ value: "1", version: 1 });
    } finally {
      await server.close();
    }
  });
  it("reads dynamic secrets from YAML, with the Postgres default statements", async () => {
    const file = join(dir, "dynamic.yaml");
    await writeFile(
      file,
      `
projects:
  - slug: dyn
    environments: [dev]
    dynamicSecrets:
      dev:
        /db:
          - name: pg-app
            type: sql-database
            defaultTTL: 1h
            maxTTL: 24h
            usernameTemplate: "ci_{{randomUsername}}"
            inputs: { client: postgres, host: 127.0.0.1, port: 5432, database: app, username: postgres, password: pw }
`,
    );
    const server = await startDevServer({ seed: file });
    try {
      const secret = server.store.getDynamicSecret("dyn", "dev", "/db", "pg-app");
      expect(secret).toMatchObject({ name: "pg-app", defaultTTL: "1h", maxTTL: "24h", usernameTemplate: "ci_{{randomUsername}}", path: "/db", environment: "dev" });
      expect(secret?.inputs.creationStatement).toContain('CREATE USER "{{username}}" WITH ENCRYPTED PASSWORD');
      expect(secret?.inputs.renewStatement).toBe('ALTER ROLE "{{username}}" VALID UNTIL \'{{expiration}}\';');
    } finally {
      await server.close();
    }
  });

  it("lists every problem of a bad dynamic secret", async () => {
    const attempt = startDevServer({
      seed: {
        projects: [
          {
            slug: "p",
            environments: ["dev"],
            dynamicSecrets: {
              dev: {
                "/": [
                  { name: "Bad Name", defaultTTL: "30s", maxTTL: "soon", inputs: { client: "mysql2", host: "h", port: 3306, database: "d", username: "u", password: "p" } } as never,
                  { name: "ok", defaultTTL: "1h", inputs: { client: "postgres", host: "h", port: "5432", database: "d", username: "u" } } as never,
                ],
              },
              qa: { "/": [] },
            },
          },
        ],
      },
    });
    const error = (await attempt.catch((caught: unknown) => caught)) as SeedError;
    expect(error).toBeInstanceOf(SeedError);
    expect(error.problems).toEqual([
      'projects[0].dynamicSecrets.dev./[0].name: must be a slug: lowercase letters, digits and hyphens, at most 64 characters',
      "projects[0].dynamicSecrets.dev./[0].defaultTTL: TTL must be a greater than 1min",
      'projects[0].dynamicSecrets.dev./[0].maxTTL: "soon" is not a duration; use ms syntax such as 30m, 1h or 7d',
      'projects[0].dynamicSecrets.dev./[0].inputs: client "mysql2" is not supported by the dev server: only postgres leases are created. Use client postgres.',
      "projects[0].dynamicSecrets.dev./[1].inputs.port: Expected number, received string",
      "projects[0].dynamicSecrets.dev./[1].inputs.password: is required",
      'projects[0].dynamicSecrets.qa: environment "qa" is not one of this project\'s environments (dev)',
    ]);
  });
});
