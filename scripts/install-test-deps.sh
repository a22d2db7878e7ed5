#!/usr/bin/env bash
# Debian packages the tests use that a fresh machine lacks: installed once, skipped when present.
#   chromium: the history HTML report is checked in headless Chromium.
set -euo pipefail
declare -A command_of=([chromium]=chromium)
missing=()
for package in "${!command_of[@]}"; do
  command -v "${command_of[$package]}" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing Debian packages for the tests: ${missing[*]} (install them with: apt-get install -y ${missing[*]})" >&2
  exit 3
fi
echo "installing Debian packages for the tests: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
