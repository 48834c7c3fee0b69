import type { AuthConfig } from "../auth/types.js";
import { ConfigError } from "../errors.js";
import { createSecretsClient, type SecretsClient } from "../secrets/client.js";
import { fetchSecrets, type FetchSecretsOptions, type FetchSecretsResult } from "../secrets/fetch.js";
import type { Authorized, ProjectRef } from "../secrets/types.js";
import { createServiceTokenSecretsClient } from "./service-token-client.js";
import { getServiceTokenInfo, parseServiceToken, singleScope } from "./service-token.js";

/** Where a run reads: the client to use, the project and the environment. */
export interface ReadTarget {
  client: SecretsClient;
  project: ProjectRef;
  environment: string;
}

/** What the user asked for; a service token fills in what is missing. */
export interface ReadTargetOptions extends ProjectRef {
  environment?: string | undefined;
  /** How the front door calls the environment setting, for the error (default `environment`). */
  environmentInput?: string | undefined;
}

/**
 * The client, project and environment to read. A machine identity reads what was asked for. A service token reads its
 * own project (the id from `GET /api/v2/service-token` when none is given) and, without an environment, the one of
 * its single scope; its client switches to the encrypted endpoints for an end-to-end encrypted project.
 * @throws ConfigError when a service token has several (or glob) scopes and no environment was given.
 */
export async function readTarget(session: Authorized, auth: AuthConfig, options: ReadTargetOptions): Promise<ReadTarget> {
  if (auth.method !== "service-token") {
    return { client: createSecretsClient(session), project: { projectId: options.projectId, projectSlug: options.projectSlug }, environment: options.environment ?? "" };
  }
  const info = await getServiceTokenInfo(session);
  const environment = options.environment ?? singleScope(info)?.environment;
  if (environment === undefined) {
    const scopes = info.scopes.map((each) => `${each.environment}:${each.secretPath}`).join(", ") || "none";
    const input = options.environmentInput ?? "environment";
    throw new ConfigError([
      `${input}: required, since the service token ${info.name || info.id} has ${info.scopes.length === 1 ? "a glob scope" : `${info.scopes.length} scopes`} (${scopes}). Set ${input} to one of them.`,
    ]);
  }
  return {
    client: createServiceTokenSecretsClient(session, info, parseServiceToken(auth.serviceToken).key),
    project: { projectId: options.projectId ?? info.projectId, projectSlug: options.projectSlug },
    environment,
  };
}

/** What a front door asks for: a fetch whose project and environment a service token may fill in. */
export interface FetchForOptions extends Omit<FetchSecretsOptions, "environment">, ReadTargetOptions {}

/** The fetch's result, with the project and environment it read. */
export interface FetchForResult extends FetchSecretsResult {
  project: ProjectRef;
  environment: string;
}

/** `readTarget` then `fetchSecrets`: what every front door does once it is logged in. */
export async function fetchFor(session: Authorized, auth: AuthConfig, options: FetchForOptions): Promise<FetchForResult> {
  const { client, project, environment } = await readTarget(session, auth, options);
  const result = await fetchSecrets(client, {
    ...project,
    environment,
    paths: options.paths,
    recursive: options.recursive,
    includeImports: options.includeImports,
    expandReferences: options.expandReferences,
    names: options.names,
    tags: options.tags,
    onCollision: options.onCollision,
  });
  return { ...result, project, environment };
}
