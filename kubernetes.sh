#!/usr/bin/env bash
# The original kubernetes.sh commands, kept as a thin wrapper of `jore4-flux`.
#   ./kubernetes.sh login <stage>            az login + credentials + namespace
#   ./kubernetes.sh deploy:crd <stage>       Flux and the Secrets Store CSI driver
#   ./kubernetes.sh deploy:cluster <stage>   apply clusters/<stage>
# Any further options go to the command (e.g. --dry-run, --server-dry-run, --yes).
set -euo pipefail
cd "$(dirname "$0")"
cli() { node bin/jore4-flux.js "$@"; }

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  login) cli login "$@" ;;
  context) cli context check "$@" ;;
  deploy:crd) cli deploy crds "$@" ;;
  deploy:cluster) cli deploy cluster "$@" ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
