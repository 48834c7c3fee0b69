#!/bin/bash
# The orb's load, exec, lease and revoke commands. Parameters arrive as PARAM_* variables (commands/*.yml,
# jobs/with-secrets.yml); CircleCI interpolates nothing into this text, so no parameter can become shell syntax.
set -eu -o pipefail

subcommand="${PARAM_SUBCOMMAND:?}"
fail() {
  echo "$subcommand: $*" >&2
  exit 1
}

cli="${SECRETS_ACTION_HOME:-$HOME/.secrets-action}/bin/secrets-action-circleci"
if [ ! -x "$cli" ] && [ "$subcommand" = revoke ]; then
  # revoke runs even after a failed install: without the CLI nothing was leased, and nothing is left to do.
  echo "revoke: the secrets-action CLI is not installed in this job, so nothing was leased; nothing to revoke."
  exit 0
fi
[ -x "$cli" ] || fail "the secrets-action CLI is not installed in this job. Run the orb's install command in an earlier step."

# A parameter that is set becomes the CLI's INFISICAL_* variable; one left empty keeps the job's own variable, e.g.
# from a context, and otherwise the CLI's default.
for name in DOMAIN METHOD IDENTITY_ID AWS_REGION PROJECT_SLUG PROJECT_ID ENV_SLUG SECRET_PATH RECURSIVE \
  INCLUDE_IMPORTS SECRET_NAME TAGS ENV_PREFIX ENV_SUFFIX INVALID_NAMES ALLOW_RESERVED_NAMES MASK_MIN_LENGTH \
  DYNAMIC_SECRETS LEASE_FILE; do
  param="PARAM_$name"
  if [ -n "${!param:-}" ]; then export "INFISICAL_$name=${!param}"; fi
done

# Credentials are never parameters: each of these names the variable (in a context or the project) that holds one.
for name in CLIENT_ID CLIENT_SECRET TOKEN SERVICE_TOKEN; do
  param="PARAM_$name"
  variable="${!param:-}"
  [ -n "$variable" ] || continue
  case "$variable" in
    [!A-Za-z_]* | *[!A-Za-z0-9_]*) fail "\"$variable\" is not an environment variable name." ;;
  esac
  if [ "$variable" != "INFISICAL_$name" ] && [ -n "${!variable:-}" ]; then export "INFISICAL_$name=${!variable}"; fi
done

# OIDC with an audience other than the organization id: ask CircleCI for a token with that audience.
if [ "${INFISICAL_METHOD:-}" = oidc ] && [ -n "${PARAM_OIDC_AUDIENCE:-}" ]; then
  command -v circleci >/dev/null 2>&1 ||
    fail "oidc-audience needs the circleci CLI in the job to mint a token (CircleCI's images have it). Or leave oidc-audience empty and bind the identity to the organization id."
  claims="$(node -e 'process.stdout.write(JSON.stringify({ aud: process.env.PARAM_OIDC_AUDIENCE }))')"
  SECRETS_ACTION_OIDC_TOKEN="$(circleci run oidc get --claims "$claims")" ||
    fail "circleci run oidc get could not mint a token for audience \"$PARAM_OIDC_AUDIENCE\". CircleCI issues OIDC tokens only to jobs that use a context."
  export SECRETS_ACTION_OIDC_TOKEN
  export INFISICAL_ID_TOKEN_VARIABLE=SECRETS_ACTION_OIDC_TOKEN
fi

case "$subcommand" in
  load)
    exec "$cli" load
    ;;
  lease)
    # load that only leases: the credentials go to $BASH_ENV, the leases to the lease file for revoke.
    [ -n "${PARAM_DYNAMIC_SECRETS:-}" ] || fail "dynamic-secrets is empty. Name the dynamic secrets to lease, one per line, e.g. pg-tests@30m."
    export INFISICAL_FETCH_SECRETS=false
    exec "$cli" load
    ;;
  revoke)
    exec "$cli" revoke
    ;;
  exec)
    [ -n "${PARAM_COMMAND:-}" ] || fail "command is empty. Give the shell command to run with the secrets."
    # The shell as CircleCI's own steps use it; split into words, never globbed.
    set -f
    # shellcheck disable=SC2206
    shell=(${PARAM_SHELL:-/bin/bash -eo pipefail})
    set +f
    exec "$cli" exec -- "${shell[@]}" -c "$PARAM_COMMAND"
    ;;
  *)
    fail "unknown subcommand"
    ;;
esac
