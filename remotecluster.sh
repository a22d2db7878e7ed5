#!/usr/bin/env bash
# Brings up the jore4 end-to-end environment in a kind cluster, for other repositories' CI:
#
#   curl -fsSL https://raw.githubusercontent.com/HSLdevcom/jore4-flux/e2e/remotecluster.sh | bash
#
# It fetches this repository at a git ref and runs `jore4-flux kind up` from it (kind create,
# ingress-nginx, then the e2e stage). Needs curl, tar, node (>= 20.6) with npm, kind and kubectl.
#
# Environment:
#   E2E_SCRIPTS_VERSION   git ref of jore4-flux to use (default: e2e)
#   JORE4_FLUX_BASE_URL   archives are fetched from $JORE4_FLUX_BASE_URL/<ref>.tar.gz
#                         (default: https://github.com/HSLdevcom/jore4-flux/archive; set it for mirrors and tests)
#   UI_DOCKER_IMAGE, HASURA_DOCKER_IMAGE, AUTH_DOCKER_IMAGE
#                         replace the stage's default image of that service when set and non-empty
#   E2E_KUBE_CONTEXT      use the cluster of this existing kube context instead of creating one with kind
# Arguments are passed on to `jore4-flux kind up` (e.g. `bash -s -- --timeout 600`).
set -euo pipefail

ref="${E2E_SCRIPTS_VERSION:-e2e}"
base="${JORE4_FLUX_BASE_URL:-https://github.com/HSLdevcom/jore4-flux/archive}"

work="$(mktemp -d "${TMPDIR:-/tmp}/jore4-flux-e2e.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "remotecluster: fetching jore4-flux at ${ref} from ${base}" >&2
curl -fsSL "${base}/${ref}.tar.gz" | tar -xz -C "$work" --strip-components=1
echo "remotecluster: installing its dependencies" >&2
(cd "$work" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2)

args=(kind up)
for override in "ui:${UI_DOCKER_IMAGE:-}" "hasura:${HASURA_DOCKER_IMAGE:-}" "auth:${AUTH_DOCKER_IMAGE:-}"; do
  service="${override%%:*}"
  image="${override#*:}"
  if [ -n "$image" ]; then
    echo "remotecluster: ${service} image ${image}" >&2
    args+=(--set-image "${service}=${image}")
  fi
done
if [ -n "${E2E_KUBE_CONTEXT:-}" ]; then
  args+=(--existing-cluster --context "$E2E_KUBE_CONTEXT")
fi

node "$work/bin/jore4-flux.js" --dir "$work" "${args[@]}" "$@"
