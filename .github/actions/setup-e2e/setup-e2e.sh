#!/usr/bin/env bash
# Brings up the jore4 e2e environment for another repository's CI and waits until every service
# answers; the shell part of the setup-e2e action (action.yml beside it), usable on its own:
#
#   setup-e2e.sh [fetch|up|wait|all]      (default: all = fetch, up, wait)
#
#   fetch  download the e2e docker-compose bundle (a release of jore4-flux) and unpack it into
#          $E2E_DIR; write the chosen images into its .env, which docker compose reads
#   up     compose: `docker compose up -d` in $E2E_DIR; kind: remotecluster.sh (jore4-flux kind up)
#   wait   run each check of $E2E_DIR/health-checks.txt until it passes, with one deadline;
#          on failure print the logs of the service that did not come up and exit 1
#
# Environment:
#   E2E_MODE             compose (default) or kind
#   E2E_BUNDLE_VERSION   release tag of the bundle, or latest (default)
#   E2E_BUNDLE_BASE_URL  releases URL (default https://github.com/HSLdevcom/jore4-flux/releases):
#                        <base>/latest/download/<file> or <base>/download/<version>/<file>
#   E2E_DIR              where the bundle is unpacked (default ${RUNNER_TEMP:-/tmp}/jore4-e2e)
#   E2E_TIMEOUT          seconds all checks may take together (default 600)
#   E2E_SCRIPTS_VERSION  kind mode: the jore4-flux ref remotecluster.sh runs (default e2e)
#   <SERVICE>_VERSION    e.g. UI_VERSION: a full image (hsldevcom/jore4-ui:main--1a2b) or only a
#                        tag of the bundle's image (main--1a2b); empty keeps the bundle's image
set -euo pipefail

mode="${E2E_MODE:-compose}"
version="${E2E_BUNDLE_VERSION:-latest}"
base="${E2E_BUNDLE_BASE_URL:-https://github.com/HSLdevcom/jore4-flux/releases}"
dir="${E2E_DIR:-${RUNNER_TEMP:-/tmp}/jore4-e2e}"
timeout="${E2E_TIMEOUT:-600}"
archive="e2e-docker-compose.tar.gz"

say() { echo "setup-e2e: $*" >&2; }
usage() {
  say "$1"
  say "usage: setup-e2e.sh [fetch|up|wait|all]  (E2E_MODE compose|kind)"
  exit 2
}

case "$mode" in compose | kind) ;; *) usage "E2E_MODE must be compose or kind, not '$mode'" ;; esac
case "$timeout" in '' | *[!0-9]*) usage "E2E_TIMEOUT must be a number of seconds, not '$timeout'" ;; esac
[ "$#" -le 1 ] || usage "one step at most, got $#"
step="${1:-all}"

# The image for `<NAME>_DOCKER_IMAGE` from `<NAME>_VERSION` (a full image, or a tag of the default).
chosen_image() {
  local variable="$1" default="$2"
  local name="${variable%_DOCKER_IMAGE}"
  local wanted_name="${name}_VERSION"
  local wanted="${!wanted_name:-}"
  if [ -z "$wanted" ]; then
    return 0
  elif [[ "$wanted" == */* || "$wanted" == *:* || "$wanted" == *@* ]]; then
    echo "$wanted"
  else
    echo "${default%%[:@]*}:${wanted}"
  fi
}

fetch() {
  local url
  if [ "$version" = latest ]; then url="${base}/latest/download/${archive}"; else url="${base}/download/${version}/${archive}"; fi
  say "fetching the e2e bundle ${version} from ${url}"
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! curl -fsSL --retry 3 --max-time 120 "$url" | tar -xz -C "$dir"; then
    say "could not download or unpack ${url}"
    exit 3
  fi
  [ -f "$dir/docker-compose.yml" ] || { say "${url} holds no docker-compose.yml"; exit 3; }
  : > "$dir/.env"
  # Every image line reads `image: ${NAME_DOCKER_IMAGE:-default}`.
  while IFS= read -r line; do
    local variable default image
    variable="$(sed -E 's/.*\$\{([A-Z0-9_]+_DOCKER_IMAGE):-.*/\1/' <<< "$line")"
    default="$(sed -E 's/.*:-([^}]*)\}.*/\1/' <<< "$line")"
    image="$(chosen_image "$variable" "$default")"
    if [ -n "$image" ]; then
      say "${variable}=${image}"
      echo "${variable}=${image}" >> "$dir/.env"
    fi
  done < <(grep -E '^\s+image: \$\{[A-Z0-9_]+_DOCKER_IMAGE:-' "$dir/docker-compose.yml")
}

up() {
  if [ "$mode" = compose ]; then
    say "docker compose up -d in ${dir}"
    docker compose --project-directory "$dir" up -d
  else
    # remotecluster.sh reads the images from the environment.
    set -a
    # shellcheck disable=SC1091
    . "$dir/.env"
    set +a
    local ref="${E2E_SCRIPTS_VERSION:-e2e}"
    say "kind: remotecluster.sh of jore4-flux ${ref}"
    curl -fsSL "https://raw.githubusercontent.com/HSLdevcom/jore4-flux/${ref}/remotecluster.sh" | E2E_SCRIPTS_VERSION="$ref" bash
  fi
}

logs() {
  local service="$1"
  say "logs of ${service}:"
  if [ "$mode" = compose ]; then
    docker compose --project-directory "$dir" logs --no-color --tail 200 "$service" >&2 || say "could not print the logs of ${service}"
  else
    kubectl logs --namespace hsl-jore4 "deployment/${service}" --tail 200 >&2 || say "could not print the logs of ${service}"
  fi
}

check_once() {
  local service="$1" kind="$2" target="$3"
  case "$kind" in
    direct | proxy) curl -fsS -o /dev/null --max-time 5 "$target" 2>&1 ;;
    # shellcheck disable=SC2086
    exec) docker compose --project-directory "$dir" exec -T "$service" $target 2>&1 ;;
    *) echo "unknown check kind '${kind}'"; return 1 ;;
  esac
}

wait_all() {
  [ -f "$dir/health-checks.txt" ] || { say "no ${dir}/health-checks.txt: run the fetch step first"; exit 2; }
  local deadline=$((SECONDS + timeout)) service kind target output
  while read -r service kind target; do
    case "$service" in '' | '#'*) continue ;; esac
    # In kind only the ingress port is published on the host, and the rollout wait covers the rest.
    if [ "$mode" = kind ] && [ "$kind" != proxy ]; then continue; fi
    until output="$(check_once "$service" "$kind" "$target" < /dev/null)"; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        say "${service} did not come up: ${kind} ${target} failed for ${timeout} s: ${output:-no answer}"
        logs "$service"
        exit 1
      fi
      sleep 2
    done
    say "${service}: ${kind} ${target} ok"
  done < "$dir/health-checks.txt"
  say "every service answers"
}

case "$step" in
  fetch) fetch ;;
  up) up ;;
  wait) wait_all ;;
  all) fetch && up && wait_all ;;
  *) usage "unknown step '$step'" ;;
esac
