/**
 * Claim presets shaped like the ID tokens of GitHub Actions, GitLab CI and CircleCI, so OIDC bindings can be tested
 * with realistic `sub`, `aud` and claims. Given claims override the defaults; `sub`/`aud`/`iss` are derived from them.
 */

export type OidcPreset = "github" | "gitlab" | "circleci";

export interface PresetResult {
  claims: Record<string, unknown>;
  subject: string;
  audience: string | string[];
  /** Only CircleCI changes the issuer (`<base>/org/<org id>`). */
  issuer: string;
}

const str = (value: unknown, fallback: string): string => (typeof value === "string" && value ? value : fallback);

const github = (base: string, given: Record<string, unknown>): PresetResult => {
  const repository = str(given["repository"], "octo-org/app");
  const owner = str(given["repository_owner"], repository.split("/")[0] ?? "octo-org");
  const ref = str(given["ref"], "refs/heads/main");
  const workflowRef = `${repository}/.github/workflows/ci.yml@${ref}`;
  const claims: Record<string, unknown> = {
    jti: "00000000-0000-4000-8000-000000000001",
    ref,
    sha: "8f2a2b8c2d0b6d4b36c8e4c4f1e5a0b9d3c7e1f2",
    repository,
    repository_owner: owner,
    repository_owner_id: "1000",
    repository_id: "2000",
    repository_visibility: "private",
    run_id: "3000",
    run_number: "1",
    run_attempt: "1",
    actor: "octocat",
    actor_id: "4000",
    workflow: "CI",
    workflow_ref: workflowRef,
    job_workflow_ref: workflowRef,
    event_name: "push",
    ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
    runner_environment: "github-hosted",
    ...given,
  };
  const environment = typeof claims["environment"] === "string" ? claims["environment"] : undefined;
  const subject = environment
    ? `repo:${repository}:environment:${environment}`
    : claims["event_name"] === "pull_request"
      ? `repo:${repository}:pull_request`
      : `repo:${repository}:ref:${str(claims["ref"], ref)}`;
  return { claims, subject, audience: `https://github.com/${owner}`, issuer: base };
};

const gitlab = (base: string, given: Record<string, unknown>): PresetResult => {
  const projectPath = str(given["project_path"], "group/project");
  const claims: Record<string, unknown> = {
    namespace_id: "10",
    namespace_path: projectPath.split("/").slice(0, -1).join("/") || "group",
    project_id: "20",
    project_path: projectPath,
    user_id: "30",
    user_login: "gitlab-user",
    user_email: "gitlab-user@example.com",
    pipeline_id: "100",
    pipeline_source: "push",
    job_id: "200",
    ref: "main",
    ref_type: "branch",
    ref_protected: "true",
    runner_environment: "gitlab-hosted",
    ...given,
  };
  const subject = `project_path:${projectPath}:ref_type:${str(claims["ref_type"], "branch")}:ref:${str(claims["ref"], "main")}`;
  return { claims, subject, audience: base, issuer: base };
};

const circleci = (base: string, given: Record<string, unknown>): PresetResult => {
  const orgId = str(given["oidc.circleci.com/org-id"], "c0c0c0c0-0000-4000-8000-000000000001");
  const projectId = str(given["oidc.circleci.com/project-id"], "c0c0c0c0-0000-4000-8000-000000000002");
  const userId = str(given["oidc.circleci.com/user-id"], "c0c0c0c0-0000-4000-8000-000000000003");
  const { "oidc.circleci.com/user-id": _userId, ...rest } = given;
  const claims: Record<string, unknown> = {
    "oidc.circleci.com/org-id": orgId,
    "oidc.circleci.com/project-id": projectId,
    "oidc.circleci.com/context-ids": [],
    "oidc.circleci.com/vcs-origin": "github.com/octo-org/app",
    "oidc.circleci.com/vcs-ref": "refs/heads/main",
    ...rest,
  };
  return { claims, subject: `org/${orgId}/project/${projectId}/user/${userId}`, audience: orgId, issuer: `${base}/org/${orgId}` };
};

/** The claims, subject, audience and issuer of a preset token, from the issuer base URL and the given claims. */
export const presetClaims = (preset: OidcPreset, base: string, given: Record<string, unknown>): PresetResult => {
  if (preset === "github") return github(base, given);
  if (preset === "gitlab") return gitlab(base, given);
  return circleci(base, given);
};
