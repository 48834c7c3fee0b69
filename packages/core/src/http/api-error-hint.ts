import type { HttpMethod, RequestContext } from "./types.js";

/** Everything a hint may draw on: the request (never its body), the answer, and the names the caller gave. */
export interface ApiErrorHintInput {
  method: HttpMethod;
  path: string;
  status: number;
  serverError?: string | undefined;
  serverMessage?: string | undefined;
  reqId?: string | undefined;
  retryAfterMs?: number | undefined;
  /** First field named by a 422's issues, e.g. "environment". */
  field?: string | undefined;
  /** Whether the body was JSON (an HTML page means the domain is not the API). */
  json: boolean;
  /** The server, e.g. "https://app.infisical.com". */
  domain: string;
  context?: RequestContext | undefined;
}

const LOGIN = /\/api\/v\d+\/auth\/([a-z]+)-auth\/login$/;

/** Which login a path is, or undefined: "universal", "oidc", "aws", "jwt", "kubernetes"… */
export function loginKind(path: string): string | undefined {
  return LOGIN.exec(path)?.[1];
}

function quote(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : `"${value}"`;
}

/** `environment "dev" of project "acme"`, `path "/app" in environment "dev" of project "acme"`, or "". */
function where(context: RequestContext | undefined): string {
  if (context === undefined) return "";
  const parts: string[] = [];
  if (context.secretName) parts.push(`secret "${context.secretName}"`);
  if (context.secretPath) parts.push(`${parts.length ? "at " : ""}path "${context.secretPath}"`);
  if (context.environment) parts.push(`${parts.length ? "in " : ""}environment "${context.environment}"`);
  if (context.project) parts.push(`${parts.length ? "of " : ""}project "${context.project}"`);
  return parts.join(" ");
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

function loginHint401(kind: string | undefined, message: string, context: RequestContext | undefined): string {
  if (/temporarily locked/i.test(message)) {
    return "the identity's login is locked after repeated failures: wait 5 minutes before the next try, fix the credentials first, and do not retry in a loop";
  }
  if (/expired client secret/i.test(message)) {
    return "the client secret has expired: create a new client secret for the identity and update the CI secret that holds it";
  }
  if (/usage limit/i.test(message)) {
    return "the client secret has reached its usage limit: create a new one (each run logs in once)";
  }
  if (/\bip\b.*(not allowed|trusted)|trusted ip/i.test(message)) {
    return "the runner's IP address is not in the identity's trusted IPs: add the runner's egress range to the identity";
  }
  if (kind === "universal" || kind === undefined) {
    return "check the client id and client secret; three failed logins in a row lock the identity for 5 minutes, so do not retry";
  }
  if (kind === "oidc" || kind === "jwt" || kind === "kubernetes") {
    if (/audience/i.test(message)) {
      return "the token's audience is not one of the identity's bound audiences: set the audience option to one of them (GitHub's default audience is https://github.com/<owner>)";
    }
    if (/issuer/i.test(message)) {
      return "the token's issuer differs from the identity's bound issuer (GitHub: https://token.actions.githubusercontent.com; GitLab: your GitLab URL; CircleCI: https://oidc.circleci.com/org/<org-id>)";
    }
    if (/expired/i.test(message)) {
      return "the CI's ID token had expired when it reached the server: request it just before the login, and check the runner's clock";
    }
    if (/claim|has no .* field/i.test(message)) {
      return "the token's claims do not match the identity's bound claims: compare them with this job's ID token (repository, ref, project path…)";
    }
    if (/discovery|jwks|signing key/i.test(message)) {
      return "the Infisical server could not check the token against the identity's discovery URL / JWKS: check the OIDC discovery URL configured on the identity";
    }
    if (/invalid jwt/i.test(message)) {
      return "what was sent as the ID token is not a JWT: check that the job requests an ID token (GitHub: `permissions: id-token: write`)";
    }
    const identity = quote(context?.identityId);
    return `check the OIDC settings of identity ${identity ?? "(the identity id)"} (issuer, audiences, subject, claims) against this job's ID token`;
  }
  if (kind === "aws") {
    if (/account id/i.test(message)) {
      return "the AWS account of the runner's credentials is not in the identity's allowed account IDs";
    }
    if (/principal arn/i.test(message)) {
      return "the runner's AWS role or user is not in the identity's allowed principal ARNs";
    }
    return "check that the runner has AWS credentials for a principal the identity allows, and the identity's AWS auth settings";
  }
  return `check the credentials for ${kind} auth`;
}

/** Legacy service tokens: the server's three refusals, and the raw endpoints refusing an end-to-end encrypted project. */
function serviceTokenHint(status: number, message: string, serverError: string, domain: string): string | undefined {
  if (status === 401 && /^invalid service token/i.test(message)) {
    return "the service token's secret part is wrong: copy the whole token again (st.<id>.<secret>.<key>) into the CI secret";
  }
  if (status === 403 && /service token has expired/i.test(message)) {
    return "the service token has expired and the server deleted it: create a new service token for the project and update INFISICAL_TOKEN";
  }
  if (status === 404 && /^service token with id/i.test(message)) {
    return `no service token has this id on ${domain}: it was deleted or expired, or belongs to another server; check the token and the domain`;
  }
  if (status === 400 && serverError === "bot_not_found_error") {
    return "the project is end-to-end encrypted, so the server cannot decrypt it: read it with its service token (method service-token), which decrypts on the runner";
  }
  return undefined;
}

/** What to do about an error status, or undefined when the server's message says enough. */
export function apiErrorHint(input: ApiErrorHintInput): string | undefined {
  const { status, context } = input;
  const message = input.serverMessage ?? "";
  const serverError = input.serverError ?? "";
  const kind = loginKind(input.path);
  const isRenew = /\/auth\/token\/renew$/.test(input.path);
  const isRevoke = /\/auth\/token\/revoke$/.test(input.path);
  const place = where(context);

  if (status >= 300 && status < 400) {
    return `the server redirected the request: set the domain to the address it redirects to (https:// rather than http://?), not ${input.domain}`;
  }
  // An HTML page or a proxy's answer: the domain points at something that is not the Infisical API.
  if (!input.json && status !== 429 && status < 500) {
    return `the answer did not come from the Infisical API: check that the domain ${input.domain} is the Infisical server (not its web page, a different service or a proxy's page)`;
  }

  const serviceToken = serviceTokenHint(status, message, serverError, input.domain);
  if (serviceToken !== undefined) return serviceToken;

  if (status === 401) {
    if (kind !== undefined) return loginHint401(kind, message, context);
    if (isRenew) {
      if (/max ttl/i.test(message)) return "the access token reached its maximum lifetime and cannot be renewed: log in again";
      if (/ttl/i.test(message)) return "the access token expired before it was renewed: log in again";
      if (/uses? limit/i.test(message)) return "the access token's use limit is reached: log in again, or raise the identity's token use limit";
    }
    if (/token missing/i.test(message)) return "no access token was sent: log in first, or set the token";
    if (/no identity access token found|revoked/i.test(message)) {
      return `the access token was revoked or is unknown to ${input.domain}: log in again, and check that the domain is the server that issued it`;
    }
    if (/uses? limit/i.test(message)) return "the access token's use limit is reached: log in again, or raise the identity's token use limit";
    return `the server refused the access token: log in again; if it persists, check that ${input.domain} is the server that issued it`;
  }

  if (status === 403) {
    if (serverError === "TokenError") {
      if (/expired/i.test(message)) return "the access token has expired: log in again, or raise the identity's access token TTL";
      if (/malformed/i.test(message)) {
        return "the access token is malformed: pass a whole machine-identity access token (a JWT), not a client secret or a truncated value";
      }
      return `the access token was not issued by ${input.domain} (bad signature or algorithm): check the domain and the token`;
    }
    if (/subject not allowed/i.test(message)) {
      return "the job's subject claim does not match the identity's bound subject (GitHub: repo:<owner>/<repo>:ref:refs/heads/<branch>; GitLab: project_path:<group>/<project>:ref_type:branch:ref:<branch>)";
    }
    // The server names the cause in `error` and keeps the generic "not allowed to access this resource" as message.
    if (/not a member of the specified project/i.test(serverError)) {
      const project = context?.project ? ` "${context.project}"` : "";
      return `the identity is not a member of project${project}: add it to the project with a role that can read this environment, or check the project id or slug`;
    }
    // Reference expansion runs with the identity's own permissions: one unreadable target fails the whole list.
    if (/failed to expand .*secret references?/i.test(message)) {
      return `a secret ${place ? `in ${place} ` : ""}references a secret the identity may not read (in another environment or folder): give the identity read access there, or turn off reference expansion`;
    }
    if (serverError.startsWith("Forbidden access to")) {
      return "this kind of token may not call this endpoint: use a machine identity login (service tokens cannot)";
    }
    if (serverError === "PermissionDenied" || /not allowed to/i.test(message)) {
      const action = /not allowed to (\w+) on (\w+)/i.exec(message);
      const what = action ? `${action[1]} ${action[2]}` : "do this";
      return place
        ? `the identity may not ${what} in ${place}: give it a project role that allows this environment and path`
        : `the identity may not ${what}: check its role in the project`;
    }
    if (isRevoke) return undefined;
    return "the server refused this request: check the identity's role and the project's settings";
  }

  if (status === 404) {
    if (/^Route \S+ not found|^Route [A-Z]+:/i.test(message) || serverError === "Not Found") {
      return `the server has no such endpoint: it may be older than this feature needs, or ${input.domain} is not the Infisical API (check the domain and any path in it)`;
    }
    const method = /(\w+) auth method not found/i.exec(message);
    if (method) {
      const identity = quote(context?.identityId);
      return `the identity ${identity ?? ""}${identity ? " " : ""}has no ${method[1]} auth configured: add it to the identity, or check the identity id`;
    }
    if (kind === "universal") return "no identity has this client id: check the client id";
    if (serverError === "SecretPathNotFound" || /folder|path .*not found|secret path/i.test(message)) {
      const folder = quote(context?.secretPath) ?? "the folder";
      const env = context?.environment ? ` in environment "${context.environment}"` : "";
      const project = context?.project ? ` of project "${context.project}"` : "";
      return `${folder} does not exist${env}${project}: check the secret path (it starts with / and is case-sensitive)`;
    }
    if (/project|workspace/i.test(message)) {
      return `check the project ${context?.project ? `"${context.project}" ` : ""}(slug or id) and that the identity belongs to its organization`;
    }
    if (/environment/i.test(message)) {
      return `check the environment slug${context?.environment ? ` "${context.environment}"` : ""} (e.g. dev, staging, prod)`;
    }
    if (/identity/i.test(message)) return "check the identity id";
    if (/secret/i.test(message)) {
      return place ? `check the secret name and where it is looked up: ${place}` : "check the secret name and path";
    }
    return place ? `check ${place}` : undefined;
  }

  if (status === 422) {
    const field = input.field ? `"${input.field}"` : "a field";
    return `the server rejected ${field} of the request: check that input's value`;
  }

  if (status === 400) {
    if (/aws region/i.test(message)) return "check the AWS region (e.g. us-east-1)";
    if (/does not belong to this organization/i.test(message)) return "add the identity to the project's organization";
    if (/plan restriction|upgrade plan/i.test(message)) return "this feature needs a paid Infisical plan on this server";
    if (/api key/i.test(message)) return "API keys are gone: use a machine identity (universal auth, OIDC or AWS IAM)";
    return undefined;
  }

  if (status === 429) {
    const after = input.retryAfterMs === undefined ? "" : ` (it asked to wait ${seconds(input.retryAfterMs)})`;
    return `the server's rate limit was reached${after}; the budget is per client IP per minute, so runners behind one NAT share it: run fewer jobs at once or fetch less often`;
  }

  if (status >= 500) {
    if (kind !== undefined && (serverError === "Find one" || /find one/i.test(message))) {
      const identity = quote(context?.identityId);
      return `the server found no identity ${identity ?? "with this id"}: check the identity id`;
    }
    const id = input.reqId ? ` (request id ${input.reqId})` : "";
    // The server replays the signed request to STS and answers 500 when STS refuses it (bad key, stale signature).
    if (kind === "aws" && status === 500) {
      return `the server could not verify the signed AWS request: STS refused it, or the server failed${id}; check the runner's AWS credentials (secret key, session token) and its clock, and if they are right, give the request id to your Infisical administrator`;
    }
    if (status === 502 || status === 503 || status === 504) {
      return `the server or a proxy in front of it is unavailable: try again later, and check that ${input.domain} is up`;
    }
    const project =
      context?.project && kind === undefined ? `; some server versions answer 500 for an unknown project, so check the project "${context.project}" too` : "";
    return `the server failed${id}: try again later; if it persists, give the request id and time to your Infisical administrator or support${project}`;
  }
  return undefined;
}
