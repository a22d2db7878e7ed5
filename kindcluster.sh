#!/usr/bin/env bash
# The original kindcluster.sh commands, kept as a thin wrapper of `jore4-flux kind`.
#   ./kindcluster.sh kind:start [--kindconfig=FILE]      create the kind cluster
#   ./kindcluster.sh stop                                delete it
#   ./kindcluster.sh deploy:crd                          ingress-nginx and Flux into it
#   ./kindcluster.sh deploy:cluster [--cluster=DIR]      apply the e2e stage (or DIR)
#   ./kindcluster.sh start [--cluster=DIR]               all three
# Any further options go to the command (see `npx jore4-flux kind --help`).
set -euo pipefail
cd "$(dirname "$0")"
cli() { node bin/jore4-flux.js kind "$@"; }

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  kind:start) cli start "$@" ;;
  stop | kind:stop) cli stop "$@" ;;
  login) cli login "$@" ;;
  check) cli check "$@" ;;
  deploy:crd) cli crds "$@" ;;
  deploy:cluster) cli deploy "$@" ;;
  start) cli up "$@" ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
