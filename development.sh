#!/usr/bin/env bash
# Thin wrapper kept for habit: the seed's ./development.sh commands, now served by the jore4-flux CLI.
set -euo pipefail
cd "$(dirname "$0")"

cli() { node bin/jore4-flux.js "$@"; }

usage() {
  cat <<'USAGE'
Usage: ./development.sh <command> [args]

  generate [--check]   render every stage into clusters/ (jore4-flux generate)
  toc [--check]        refresh the README's table of contents (jore4-flux toc)
  lint [stage...]      validate the rendered stages (jore4-flux check)
  help                 this text; `npx jore4-flux --help` lists every command
USAGE
}

command="${1:-help}"
[ $# -gt 0 ] && shift
case "$command" in
  generate) cli generate "$@" ;;
  toc) cli toc "$@" ;;
  lint) cli check "$@" ;;
  help | --help | -h) usage ;;
  *) usage >&2; exit 2 ;;
esac
