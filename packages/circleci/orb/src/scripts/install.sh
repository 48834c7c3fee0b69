#!/bin/bash
# The orb's install command. Parameters arrive as PARAM_* variables (commands/install.yml); CircleCI interpolates
# nothing into this text. Installs one file, verified against the SHA-256 pinned in the orb, and a wrapper on PATH.
set -eu -o pipefail

fail() {
  echo "install: $*" >&2
  exit 1
}

version="${PARAM_VERSION:?}"
expected="$(printf '%s' "${PARAM_SHA256:?}" | tr 'A-F' 'a-f')"
case "$expected" in
  *[!0-9a-f]* | "") fail "sha256 \"${PARAM_SHA256}\" is not a SHA-256 (64 hexadecimal digits)." ;;
esac
[ "${#expected}" -eq 64 ] || fail "sha256 \"${PARAM_SHA256}\" is not a SHA-256 (64 hexadecimal digits)."
case "$version" in
  [0-9]*[!0-9A-Za-z.+-]* | [!0-9]*) fail "version \"${version}\" is not a version number such as 0.1.0." ;;
esac

if ! command -v node >/dev/null 2>&1; then
  fail "the CLI needs Node.js 20 or later, and this executor has no node. Use the orb's executor (cimg/node) or an image with Node.js."
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  fail "the CLI needs Node.js 20 or later; this executor has $(node --version). Use the orb's executor (cimg/node) or a newer image."
fi

home="${SECRETS_ACTION_HOME:-$HOME/.secrets-action}"
target="$home/$version/secrets-action-circleci.mjs"
bin="$home/bin"
sha256_of() {
  node -e 'const { createHash } = require("node:crypto"); process.stdout.write(createHash("sha256").update(require("node:fs").readFileSync(process.argv[1])).digest("hex"))' "$1"
}

if [ -f "$target" ] && [ "$(sha256_of "$target")" = "$expected" ]; then
  echo "install: secrets-action-circleci $version is already installed at $target (SHA-256 checked)."
else
  source="${PARAM_SOURCE:-}"
  if [ -z "$source" ]; then
    [ -n "${PARAM_BASE_URL:-}" ] || fail "set source (a URL or a path) or base-url."
    source="${PARAM_BASE_URL%/}/v${version}/secrets-action-circleci.mjs"
  fi
  mkdir -p "$home/$version"
  partial="$(mktemp "$home/$version/.download.XXXXXX")"
  trap 'rm -f "$partial"' EXIT
  case "$source" in
    http://* | https://*)
      echo "install: downloading secrets-action-circleci $version from $source"
      if command -v curl >/dev/null 2>&1; then
        curl --fail --silent --show-error --location --retry 4 --retry-connrefused --connect-timeout 20 --max-time 300 --output "$partial" "$source" ||
          fail "could not download $source (curl exit $?). Check the version, or set source to a reachable mirror."
      elif command -v wget >/dev/null 2>&1; then
        wget --quiet --tries=5 --timeout=60 --output-document="$partial" "$source" ||
          fail "could not download $source (wget exit $?). Check the version, or set source to a reachable mirror."
      else
        fail "neither curl nor wget is installed. Install one, or set source to a path on the executor."
      fi
      ;;
    file://*) cp "${source#file://}" "$partial" || fail "could not read ${source#file://}." ;;
    *) cp "$source" "$partial" || fail "could not read $source." ;;
  esac
  actual="$(sha256_of "$partial")"
  if [ "$actual" != "$expected" ]; then
    fail "the file from $source has SHA-256 $actual, not the pinned $expected. Nothing was installed. If you changed version or source on purpose, set sha256 to the checksum published with that version."
  fi
  chmod 0755 "$partial"
  mv -f "$partial" "$target"
  trap - EXIT
  echo "install: installed secrets-action-circleci $version at $target (SHA-256 $expected)."
fi

# The wrapper finds the file relative to itself, so no path is written into it; the version has no shell syntax.
mkdir -p "$bin"
wrapper="$bin/secrets-action-circleci"
printf '#!/bin/sh\nexec node "$(dirname "$0")/../%s/secrets-action-circleci.mjs" "$@"\n' "$version" >"$wrapper.tmp"
chmod 0755 "$wrapper.tmp"
mv -f "$wrapper.tmp" "$wrapper"
# Later steps find the wrapper on PATH (the orb's load and exec call it by its full path).
path_line="$(printf 'export PATH=%q:"$PATH"' "$bin")"
if [ -n "${BASH_ENV:-}" ] && ! grep -qxF -- "$path_line" "$BASH_ENV" 2>/dev/null; then
  printf '%s\n' "$path_line" >>"$BASH_ENV"
fi
