#!/usr/bin/env bash
# Brings up the jore4 e2e environment for another repository's CI and waits until every service
# answers; the shell part of the setup-e2e action (action.yml beside it), usable on its own:
#
#   setup-e2e.sh [fetch|up|wait|all]      (default: all = fetch, up, wait)
#
#   fetch  download the e2e docker-compose bundle (a release of jore4-flux) and unpack it into
#          $E2E_DIR; write the chosen images into its .env, which docker compose reads
#   up     compose: `docker compose up -d --wait` in $E2E_DIR: the services start in dependency
#          order (databases first) and must all be healthy within $E2E_TIMEOUT seconds; then
#          print the image each service runs. On failure name each service that is not healthy
#          with its healthcheck's last output and its logs, save every service's logs into
#          $E2E_LOGS_DIR, and exit 1. kind: remotecluster.sh (jore4-flux kind up)
#   wait   run each check of $E2E_DIR/health-checks.txt until it passes, with one deadline;
#          on failure print the logs of the service that did not come up (and the proxy's, for
#          a check through it), save every service's logs into $E2E_LOGS_DIR and exit 1
#
# Environment:
#   E2E_MODE             compose (default) or kind
#   E2E_BUNDLE_VERSION   release tag of the bundle, or latest (default)
#   E2E_BUNDLE_BASE_URL  releases URL (default https://github.com/HSLdevcom/jore4-flux/releases):
#                        <base>/latest/download/<file> or <base>/download/<version>/<file>
#   E2E_DIR              where the bundle is unpacked (default ${RUNNER_TEMP:-/tmp}/jore4-e2e)
#   E2E_TIMEOUT          seconds all checks may take together, and the services to become
#                        healthy in `up` (default 600)
#   E2E_LOGS_DIR         where a failing step saves every service's logs, for a CI artifact
#                        (default ${RUNNER_TEMP:-/tmp}/jore4-e2e-logs); named in the step's
#                        `logs_dir` output ($GITHUB_OUTPUT)
#   E2E_SCRIPTS_VERSION  kind mode: the jore4-flux ref remotecluster.sh runs (default e2e)
#   <SERVICE>_VERSION    e.g. UI_VERSION: a full image (hsldevcom/jore4-ui:main--1a2b) or only a
#                        tag of the bundle's image (main--1a2b); empty keeps the bundle's image
#
# Every input is data, never code: each version must match the image reference grammar of the
# distribution project (name[:tag][@digest]; a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}),
# E2E_BUNDLE_VERSION a tag, E2E_SCRIPTS_VERSION a ref of such components joined by '/'. Anything
# else (a space, a newline, `$(...)`, `../`) is refused with one line and exit 2 before anything
# is touched. The .env is written single-quoted (docker compose reads such values literally), and
# kind mode reads it back as KEY='value' data, only the bundle's *_DOCKER_IMAGE keys.
#
# E2E_DIR is replaced by fetch only when it is safe to: it must not be empty or `/`, and an existing
# path must be a folder (not a symlink) that is empty or holds .setup-e2e-bundle, the mark every
# fetch leaves, so a folder of anything else is never removed.
set -euo pipefail
# The bracket ranges of the grammars below are ASCII only in the C locale.
export LC_ALL=C

say() { echo "setup-e2e: $*" >&2; }
usage() {
  say "$1"
  say "usage: setup-e2e.sh [fetch|up|wait|all]  (E2E_MODE compose|kind)"
  exit 2
}
refuse() {
  say "$1"
  exit 2
}
# A value as one line, for messages only: quoted, shortened, and with a newline, an escape or a
# quote shown as bash would write it ($'a\nb') so that it cannot fake another line.
shown() {
  local value="$1"
  [ "${#value}" -le 200 ] || value="${value:0:200}..."
  if [[ "$value" =~ ^[[:print:]]*$ && "$value" != *\'* ]]; then printf "'%s'" "$value"; else printf '%q' "$value"; fi
}

# The distribution project's reference grammar (the one docker parses image names with).
domain_component='([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
domain="(${domain_component}(\\.${domain_component})*|\\[[a-fA-F0-9:]+\\])(:[0-9]+)?"
path_component='[a-z0-9]+(([._]|__|[-]+)[a-z0-9]+)*'
tag_grammar='[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'
digest_grammar='[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
reference_pattern="^((${domain}/)?${path_component}(/${path_component})*)(:${tag_grammar})?(@${digest_grammar})?\$"
tag_pattern="^${tag_grammar}\$"
ref_pattern="^${tag_grammar}(/${tag_grammar})*\$"

is_image() {
  # Bounded before the pattern runs; a name is at most 255 characters.
  [ "${#1}" -le 512 ] && [[ "$1" =~ $reference_pattern ]] && [ "${#BASH_REMATCH[1]}" -le 255 ]
}
is_tag() { [[ "$1" =~ $tag_pattern ]]; }

# `<NAME>_VERSION`: empty, a full image (it names a registry, tag or digest) or a tag.
check_version() {
  local name="$1" value="${!1:-}"
  if [ -z "$value" ]; then
    return 0
  elif [[ "$value" == */* || "$value" == *:* || "$value" == *@* ]]; then
    is_image "$value" || refuse "${name} must be an image (registry/name:tag or name@sha256:...), not $(shown "$value")"
  else
    is_tag "$value" || refuse "${name} must be an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) or an image, not $(shown "$value")"
  fi
}

# E2E_DIR is where every step works: refuse what cannot be a bundle's own folder (see the header).
check_dir() {
  [ "${E2E_DIR+set}" != set ] || [ -n "$E2E_DIR" ] || refuse "E2E_DIR is set but empty"
  [[ "$dir" =~ ^/+$ ]] && refuse "E2E_DIR must not be /"
  if [ -L "$dir" ]; then
    refuse "E2E_DIR $(shown "$dir") is a symlink: name a folder of its own"
  elif [ -e "$dir" ] && [ ! -d "$dir" ]; then
    refuse "E2E_DIR $(shown "$dir") is not a folder"
  fi
}

# fetch removes E2E_DIR: only an empty folder or one an earlier fetch made (it holds the mark).
check_removable() {
  if [ -d "$dir" ] && [ -n "$(ls -A -- "$dir")" ] && ! { [ -f "$dir/$mark" ] && [ ! -L "$dir/$mark" ]; }; then
    refuse "E2E_DIR $(shown "$dir") holds files and is not an earlier bundle (no ${mark}): it is not removed; name another folder"
  fi
}

mode="${E2E_MODE:-compose}"
version="${E2E_BUNDLE_VERSION:-latest}"
scripts_ref="${E2E_SCRIPTS_VERSION:-e2e}"
base="${E2E_BUNDLE_BASE_URL:-https://github.com/HSLdevcom/jore4-flux/releases}"
dir="${E2E_DIR:-${RUNNER_TEMP:-/tmp}/jore4-e2e}"
timeout="${E2E_TIMEOUT:-600}"
logs_dir="${E2E_LOGS_DIR:-${RUNNER_TEMP:-/tmp}/jore4-e2e-logs}"
archive="e2e-docker-compose.tar.gz"
mark=".setup-e2e-bundle"
# Separates the fields docker prints for one `read`: not a blank, so an empty field stays a field.
sep=$'\x1f'
# The bundle's nginx service: a check through the proxy that fails shows its logs too.
proxy_service="jore4-proxy"

case "$mode" in compose | kind) ;; *) usage "E2E_MODE must be compose or kind, not $(shown "$mode")" ;; esac
case "$timeout" in '' | *[!0-9]*) usage "E2E_TIMEOUT must be a number of seconds, not $(shown "$timeout")" ;; esac
[ "${#timeout}" -le 9 ] || usage "E2E_TIMEOUT must be a number of seconds, not $(shown "$timeout")"
timeout=$((10#$timeout))
[ "$#" -le 1 ] || usage "one step at most, got $#"
step="${1:-all}"
[ "$version" = latest ] || is_tag "$version" || refuse "E2E_BUNDLE_VERSION must be latest or a release tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), not $(shown "$version")"
[ "${#scripts_ref}" -le 255 ] && [[ "$scripts_ref" =~ $ref_pattern ]] || refuse "E2E_SCRIPTS_VERSION must be a git ref (tag-like components joined by /, no ..), not $(shown "$scripts_ref")"
# The services of the bundle; one the bundle adds is checked when fetch reads its image line.
for name in AUTH_VERSION HASURA_VERSION UI_VERSION TESTDB_VERSION PROXY_VERSION; do check_version "$name"; done
check_dir
case "$step" in fetch | all) check_removable ;; esac

# The bundle's image variables, one `VARIABLE DEFAULT` a line: every image line of its
# docker-compose.yml reads `image: ${NAME_DOCKER_IMAGE:-default}`.
image_variables() {
  local line pattern='^[[:space:]]+image: \$\{([A-Z0-9_]+_DOCKER_IMAGE):-([^}]*)\}[[:space:]]*$'
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ $pattern ]]; then echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"; fi
  done < "$dir/docker-compose.yml"
}

# The image for `<NAME>_DOCKER_IMAGE` from `<NAME>_VERSION` (a full image, or a tag of the default).
chosen_image() {
  local variable="$1" default="$2"
  local wanted_name="${variable%_DOCKER_IMAGE}_VERSION"
  check_version "$wanted_name"
  local wanted="${!wanted_name:-}"
  if [ -z "$wanted" ]; then
    return 0
  elif [[ "$wanted" == */* || "$wanted" == *:* || "$wanted" == *@* ]]; then
    echo "$wanted"
  else
    # The default's name: without its digest, and without its tag (a colon after the last slash).
    local name="${default%%@*}"
    [[ "${name##*/}" != *:* ]] || name="${name%:*}"
    echo "${name}:${wanted}"
  fi
}

fetch() {
  local url
  if [ "$version" = latest ]; then url="${base}/latest/download/${archive}"; else url="${base}/download/${version}/${archive}"; fi
  say "fetching the e2e bundle ${version} from ${url}"
  rm -rf -- "$dir"
  mkdir -p -- "$dir"
  echo "setup-e2e.sh fetch unpacked the e2e bundle here; the next fetch replaces this folder" > "$dir/$mark"
  if ! curl -fsSL --retry 3 --max-time 120 "$url" | tar -xz -C "$dir"; then
    say "could not download or unpack ${url}"
    exit 3
  fi
  [ -f "$dir/docker-compose.yml" ] || { say "${url} holds no docker-compose.yml"; exit 3; }
  # Every value was checked against the image grammar, so none holds a quote: single quotes make
  # docker compose read it literally (no interpolation), and kind mode reads it back as data.
  local variable default image env=""
  while read -r variable default; do
    image="$(chosen_image "$variable" "$default")"
    if [ -n "$image" ]; then
      say "${variable}=${image}"
      env+="${variable}='${image}'"$'\n'
    fi
  done < <(image_variables)
  printf '%s' "$env" > "$dir/.env"
}

# Kind mode: the images of .env into the environment remotecluster.sh reads, as data: only the
# bundle's *_DOCKER_IMAGE keys, each a valid image; any other line is refused.
export_images() {
  local known line number=0 key value
  known=" $(image_variables | while read -r variable _; do printf '%s ' "$variable"; done)"
  local quoted="^([A-Z0-9_]+)='([^']*)'\$" plain='^([A-Z0-9_]+)=([^[:space:]]*)$'
  [ -f "$dir/.env" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    number=$((number + 1))
    case "$line" in '' | '#'*) continue ;; esac
    if [[ "$line" =~ $quoted || "$line" =~ $plain ]]; then
      key="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
    else
      refuse "${dir}/.env:${number}: expected NAME_DOCKER_IMAGE='image', not $(shown "$line")"
    fi
    [[ "$known" == *" $key "* ]] || refuse "${dir}/.env:${number}: ${key} is not an image variable of the bundle:${known% }"
    is_image "$value" || refuse "${dir}/.env:${number}: ${key} must be an image, not $(shown "$value")"
    export "${key}=${value}"
  done < "$dir/.env"
}

compose() { docker compose --project-directory "$dir" "$@"; }

# Which image each service runs ("which docker images are we testing"): the reference, the image
# id, the registry digest when it came from one, and the version labels it carries; also as a
# table in the job summary.
print_images() {
  local service id reference image digests version revision line
  [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '| service | image | id | digest | version |\n|---|---|---|---|---|\n' >> "$GITHUB_STEP_SUMMARY"
  while read -r service <&3; do
    id="$(compose ps -q "$service")"
    [ -n "$id" ] || continue
    IFS="$sep" read -r reference image < <(docker inspect --format '{{.Config.Image}}{{"\x1f"}}{{.Image}}' "$id")
    IFS="$sep" read -r digests version revision < <(docker image inspect --format \
      '{{join .RepoDigests " "}}{{"\x1f"}}{{index .Config.Labels "org.opencontainers.image.version"}}{{"\x1f"}}{{index .Config.Labels "org.opencontainers.image.revision"}}' "$image")
    image="${image#sha256:}"
    line="${service} runs ${reference} (image ${image:0:12}"
    [ -z "$digests" ] || line+=", ${digests}"
    [ -z "$version" ] || line+=", version ${version}"
    [ -z "$revision" ] || line+=", revision ${revision}"
    say "${line})"
    [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '| %s | %s | %s | %s | %s |\n' "$service" "$reference" "${image:0:12}" "${digests:--}" "${version:--}" >> "$GITHUB_STEP_SUMMARY"
  done 3< <(compose config --services | sort)
}

# Every service's logs (and the containers' states) into $logs_dir, named in the step's output.
save_logs() {
  local service
  mkdir -p "$logs_dir"
  if [ "$mode" = compose ]; then
    compose ps -a > "$logs_dir/containers.txt" 2>&1 || true
    while read -r service <&3; do
      compose logs --no-color --timestamps "$service" > "$logs_dir/${service}.log" 2>&1 < /dev/null || true
    done 3< <(compose config --services 2> /dev/null)
  else
    kubectl get pods --namespace hsl-jore4 -o wide > "$logs_dir/pods.txt" 2>&1 || true
    while read -r service _ <&3; do
      case "$service" in '' | '#'*) continue ;; esac
      kubectl logs --namespace hsl-jore4 "deployment/${service}" --all-containers > "$logs_dir/${service}.log" 2>&1 < /dev/null || true
    done 3< <(sort -u "$dir/health-checks.txt")
  fi
  say "saved every service's logs in ${logs_dir}"
  [ -z "${GITHUB_OUTPUT:-}" ] || echo "logs_dir=${logs_dir}" >> "$GITHUB_OUTPUT"
}

# After a failed `up`: each service that is not running healthy, with its state, its
# healthcheck's last output and its logs; one never created waited for another.
report_unhealthy() {
  local service id state health output
  # The list on fd 3: the docker commands in the loop read standard input.
  while read -r service <&3; do
    id="$(compose ps -aq "$service")"
    [ -z "$id" ] || IFS="$sep" read -r state health < <(docker inspect --format '{{.State.Status}}{{"\x1f"}}{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id")
    if [ -z "$id" ] || [ "$state" = created ]; then
      say "${service} was not started: a service it depends on did not become healthy"
      continue
    fi
    if [ "$state" = running ] && { [ -z "$health" ] || [ "$health" = healthy ]; }; then continue; fi
    output="$(docker inspect --format '{{if .State.Health}}{{range .State.Health.Log}}{{"\n"}}{{printf "%q" .Output}}{{end}}{{end}}' "$id" | tail -n 1)"
    say "${service} is ${state}${health:+, ${health}}${output:+; its healthcheck said: ${output}}"
    logs "$service" < /dev/null
  done 3< <(compose config --services | sort)
}

up() {
  if [ "$mode" = compose ]; then
    say "docker compose up -d --wait in ${dir}: services in dependency order, healthy within ${timeout} s"
    # One deadline for all of it. Not --wait-timeout: compose applies it to each wait on its own,
    # and a service whose dependencies time out is started all the same.
    local status=0
    timeout --kill-after=10 "$timeout" docker compose --project-directory "$dir" up -d --wait || status=$?
    if [ "$status" -ne 0 ]; then
      if ! compose config --services > /dev/null 2>&1; then
        say "docker compose cannot load the bundle in ${dir} (its error is above)"
      else
        # 124: the deadline; else compose gave up itself (a service unhealthy or exited: above).
        if [ "$status" -eq 124 ]; then
          say "the e2e environment did not come up within ${timeout} s"
        else
          say "the e2e environment did not come up: docker compose up --wait failed (exit ${status})"
        fi
        report_unhealthy
      fi
      save_logs
      exit 1
    fi
    print_images
  else
    [ -f "$dir/docker-compose.yml" ] || { say "no ${dir}/docker-compose.yml: run the fetch step first"; exit 2; }
    export_images
    say "kind: remotecluster.sh of jore4-flux ${scripts_ref}"
    curl -fsSL "https://raw.githubusercontent.com/HSLdevcom/jore4-flux/${scripts_ref}/remotecluster.sh" | E2E_SCRIPTS_VERSION="$scripts_ref" bash
  fi
}

logs() {
  local service="$1"
  say "logs of ${service}:"
  if [ "$mode" = compose ]; then
    compose logs --no-color --tail 200 "$service" >&2 || say "could not print the logs of ${service}"
  else
    kubectl logs --namespace hsl-jore4 "deployment/${service}" --tail 200 >&2 || say "could not print the logs of ${service}"
  fi
}

check_once() {
  local service="$1" kind="$2" target="$3"
  case "$kind" in
    direct | proxy) curl -fsS -o /dev/null --max-time 5 "$target" 2>&1 ;;
    # shellcheck disable=SC2086
    exec) compose exec -T "$service" $target 2>&1 ;;
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
        if [ "$kind" = proxy ] && [ "$mode" = compose ]; then logs "$proxy_service"; fi
        save_logs
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
  *) usage "unknown step $(shown "$step")" ;;
esac
