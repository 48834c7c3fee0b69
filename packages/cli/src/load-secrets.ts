/**
 * Config → core: log in once, fetch and merge, decide the variable names, revoke the access token. The plumbing every
 * secrets command shares; the pieces are exported for commands that need the session longer (leases).
 */
import {
  type AuthConfig,
  type ExportVariable,
  type FetchSecretsResult,
  type InfisicalHttpClient,
  type MergedSecret,
  type Session,
  parseServiceToken,
  fetchFor,
  createSession,
  errorMessage,
  invalidNameOptions,
  planExport,
} from "@secrets-action/core";
import type { CiConventions } from "./conventions.js";
import type { AuthPlan, ExportInputNames, FetchConfig, LoginConfig } from "./fetch-config.js";
import { createCliHttpClient } from "./http.js";
import { type Leased, type LeasePlan, leaseWith } from "./leases.js";
import type { Logger } from "./logger.js";
import type { Env } from "./option-values.js";

/** What a command needs around core. */
export interface LoadContext {
  readonly env: Env;
  readonly conventions: CiConventions;
  readonly log: Logger;
  /** Node's name for the OS the variables are for (default process.platform). */
  readonly platform?: string;
}

/** A logged-in session and its client. `close()` revokes the token (unless it came from --token) and closes. */
export interface OpenSession {
  readonly http: InfisicalHttpClient;
  readonly session: Session;
  /** Every credential this session uses or obtained, to keep out of logs. */
  credentials(): string[];
  /** Revokes the access token we logged in for (a failure is a warning: it expires on its own), then closes. */
  close(): Promise<void>;
}

/** The login config core takes, for a plan read by readFetchConfig. */
export function authConfig(auth: AuthPlan): AuthConfig {
  switch (auth.method) {
    case "universal":
      return { method: "universal", clientId: auth.clientId, clientSecret: auth.clientSecret };
    case "oidc":
      // The CI minted the token when the job started; it cannot be minted again, so every try sends the same one.
      return { method: "oidc", identityId: auth.identityId, getJwt: () => Promise.resolve(auth.jwt) };
    case "aws-iam":
      return { method: "aws-iam", identityId: auth.identityId, region: auth.region, credentials: auth.credentials };
    case "token":
      return { method: "token", accessToken: auth.token };
    case "service-token":
      return { method: "service-token", serviceToken: auth.serviceToken };
  }
}

/** The credentials in a plan, for redaction. The client id and identity id are not secrets. */
export function planCredentials(auth: AuthPlan): string[] {
  switch (auth.method) {
    case "universal":
      return [auth.clientSecret];
    case "oidc":
      return [auth.jwt];
    case "aws-iam":
      return [auth.credentials.secretAccessKey, auth.credentials.sessionToken ?? ""].filter((text) => text !== "");
    case "token":
      return [auth.token];
    case "service-token":
      // The whole token, and its key alone: both decrypt the project.
      return [auth.serviceToken, parseServiceToken(auth.serviceToken).key ?? auth.serviceToken];
  }
}

/** Creates the client and session and logs in (once). Throws the login's error, after closing the client. */
export async function openSession(config: LoginConfig, context: LoadContext): Promise<OpenSession> {
  const http = createCliHttpClient(config, context.env, context.conventions, context.log);
  const session = createSession(http, authConfig(config.auth));
  const obtained = new Set<string>();
  try {
    obtained.add(await session.token());
  } catch (error) {
    await http.close();
    throw error;
  }
  let closed = false;
  return {
    http,
    session,
    credentials: () => {
      const latest = session.current()?.accessToken;
      if (latest) obtained.add(latest);
      return [...planCredentials(config.auth), ...obtained];
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        // The token of a login lives only as long as this command needs it; one handed in (--token) is its owner's.
        if (config.auth.method !== "token" && config.auth.method !== "service-token") await session.revoke();
      } catch (error) {
        context.log.warn(`could not revoke the access token: ${errorMessage(error)}. It expires on its own at the end of its TTL.`);
      } finally {
        await http.close();
      }
    },
  };
}

/** Fetches and merges what the config asks for with a logged-in session. */
export function fetchWith(open: OpenSession, config: FetchConfig): Promise<FetchSecretsResult> {
  // A service token reads its own project and scope, decrypting end-to-end encrypted projects on the runner.
  return fetchFor(open.session, authConfig(config.auth), { ...config, environmentInput: "env-slug" });
}

/** What a secrets command works with. Nothing here is printed; `sensitive` is what must never be. */
export interface LoadedSecrets {
  /** The leases made with --dynamic-secrets (their credentials are among `variables`). */
  readonly leased: Leased | undefined;
  /** Every secret fetched, merged. */
  readonly secrets: readonly MergedSecret[];
  /** The variables to export, named by the naming options (invalid and reserved names left out, with warnings). */
  readonly variables: readonly ExportVariable[];
  /** Every secret value and every credential used (client secret, ID token, access tokens, AWS keys). */
  readonly sensitive: readonly string[];
  /** `demo/dev at /, /app (recursive)`: where the secrets came from, for a log line. */
  readonly where: string;
  readonly apiVersion: "v3" | "v4";
}

/** Options of {@link loadSecrets}. */
export interface LoadSecretsOptions {
  /** How planExport's messages name the naming options. */
  readonly inputNames?: ExportInputNames;
  /** Where the values go (default "environment"), for the limits they must meet: see planExport. */
  readonly destination?: "environment" | "text-file" | "file";
  /** Dynamic secrets to lease after the fetch, with the same session. */
  readonly leases?: LeasePlan;
  /** Fetch the secrets (default true); false leases only. */
  readonly fetch?: boolean;
}

/** Logs in, fetches, plans the names, revokes the token; logs the warnings. Fails as a whole: nothing partial. */
export async function loadSecrets(config: FetchConfig, context: LoadContext, options: LoadSecretsOptions = {}): Promise<LoadedSecrets> {
  for (const warning of config.warnings) context.log.warn(warning);
  const open = await openSession(config, context);
  try {
    const result = options.fetch === false ? undefined : await fetchWith(open, config);
    for (const warning of result?.warnings ?? []) context.log.warn(warning);
    const secrets = result?.secrets ?? [];
    const platform = context.platform ?? process.platform;
    const plan = planExport(
      secrets.map((secret) => ({ key: secret.key, value: secret.value })),
      {
        prefix: config.prefix,
        suffix: config.suffix,
        ...invalidNameOptions(config.invalidNames),
        allowReserved: config.allowReserved,
        platform,
        ...(options.destination ? { destination: options.destination } : {}),
        ...(options.inputNames ? { inputNames: options.inputNames } : {}),
      },
    );
    for (const warning of plan.warnings) context.log.warn(warning);
    const leases = options.leases;
    const leased =
      leases && leases.requests.length > 0
        ? await leaseWith(open, { projectSlug: config.projectSlug ?? "", environment: config.environment ?? "" }, leases, context, {
            maskMinLength: config.maskMinLength,
            taken: new Map(plan.entries.map((entry) => [entry.name, `secret ${entry.key}`] as const)),
            platform,
          })
        : undefined;
    const project = config.projectSlug ?? config.projectId ?? "";
    return {
      leased,
      secrets,
      variables: [
        ...plan.entries.map((entry) => ({ name: entry.name, value: entry.value })),
        ...(leased?.variables ?? []).map((variable) => ({ name: variable.name, value: variable.value })),
      ],
      sensitive: [...secrets.map((secret) => secret.value), ...(leased?.sensitive ?? []), ...open.credentials()],
      where: `${project}/${config.environment} at ${config.paths.join(", ")}${config.recursive && config.names === undefined ? " (recursive)" : ""}`,
      apiVersion: result?.apiVersion ?? "v3",
    };
  } finally {
    await open.close();
  }
}
