/** The dev server's state for the GitLab tests: one project, a universal-auth identity, an OIDC identity for GitLab. */
import type { Seed } from "@secrets-action/dev-server";

export const PROJECT = { slug: "shop", id: "7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a60" };
export const CLIENT = { clientId: "gitlab-ci-client", clientSecret: "gitlab-ci-secret-7e2d91" };
export const OIDC_IDENTITY_ID = "5b6f4a52-3d7e-4f99-9fa2-6d8bae2f4c55";
/** What the project's id_tokens ask for, and the identity accepts. */
export const AUDIENCE = "https://infisical.example.com";
export const GITLAB_PROJECT_PATH = "acme/shop";
/** An identity that logs in with AWS IAM; the dev server checks SigV4 signatures made with these keys. */
export const AWS = {
  identityId: "6c7a5b63-4e8f-4a00-8ab3-7e9cbf305d66",
  accessKeyId: "AKIAGITLABRUNNER0001",
  secretAccessKey: "gitlabRunner0EXAMPLE0secret0access0key00",
  arn: "arn:aws:sts::123456789012:assumed-role/gitlab-runner/job-1",
};

export const PEM = [
  "-----BEGIN PRIVATE KEY-----",
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgq6nXlNOBhLokekvt",
  "jkbEQyK5I6NYgN50ohw7xElqzLOhRANCAAQ75DjjimtXySPNQtWaxSHS0yHyL0nS",
  "F04wpLSaz00rtfbTWHRhiDRaSlnImtC/Fffbx3cyyIzS/ijg3P4Uk+eM",
  "-----END PRIVATE KEY-----",
].join("\n");

/** The secrets of dev at /, by key. */
export const SECRETS: Record<string, string> = {
  DB_PASSWORD: "pg-pass-8Jq2xZ71vL",
  API_TOKEN: "tok_live_51Hc2eZvKYlo2C",
  TLS_KEY: PEM,
  SPLIT_ME: "split-across-writes-4Vt9",
  TRICKY: "it's \"quoted\" $HOME `whoami` ünïcødé ✓",
  PORT: "5432",
};

export function gitlabSeed(): Seed {
  return {
    projects: [
      {
        slug: PROJECT.slug,
        id: PROJECT.id,
        environments: ["dev", "prod"],
        secrets: { dev: { "/": { ...SECRETS }, "/deploy": { DEPLOY_KEY: "deploy-key-0c4e8a1f" } }, prod: { "/": { DB_PASSWORD: "prod-pass-3Xy7" } } },
      },
    ],
    identities: [
      { name: "gitlab-ci", projects: { [PROJECT.slug]: "member" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [CLIENT.clientSecret], accessTokenTTL: 3600 } },
      {
        id: AWS.identityId,
        name: "gitlab-aws",
        projects: { [PROJECT.slug]: "viewer" },
        awsAuth: {
          allowedAccountIds: "123456789012",
          allowedPrincipalArns: "arn:aws:iam::123456789012:role/gitlab-runner",
          credentials: [{ accessKeyId: AWS.accessKeyId, secretAccessKey: AWS.secretAccessKey, arn: AWS.arn }],
        },
      },
      {
        id: OIDC_IDENTITY_ID,
        name: "gitlab-oidc",
        projects: { [PROJECT.slug]: { role: "viewer", environments: ["dev"] } },
        oidcAuth: {
          oidcDiscoveryUrl: "{{self}}/__oidc",
          boundIssuer: "{{self}}/__oidc",
          boundAudiences: AUDIENCE,
          boundSubject: `project_path:${GITLAB_PROJECT_PATH}:ref_type:branch:ref:main`,
          boundClaims: { project_path: GITLAB_PROJECT_PATH },
          accessTokenTTL: 600,
        },
      },
    ],
  };
}
