#!/usr/bin/env bash
# Debian packages the tests use that a fresh machine lacks: installed once, skipped when present.
#   chromium:    the history HTML report is checked in headless Chromium.
#   docker.io:   the Docker engine (dockerd, containerd, runc, the docker client) the e2e bundle runs
#                on; the tests start a private daemon of their own (test/support/docker-engine.ts),
#                never the machine's default one.
#   debootstrap: builds the Debian root file system of the e2e test images offline
#                (test/support/e2e-images.ts): no image is pulled from a registry.
set -euo pipefail
declare -A command_of=([chromium]=chromium [docker.io]=dockerd [debootstrap]=debootstrap)
# Installed without their recommendations: docker.io recommends apparmor, needrestart, git,
# cgroupfs-mount … that the test daemon does not use; debootstrap needs only the archive keyring.
declare -A bare=([docker.io]=1 [debootstrap]=1)
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
plain=() without=()
for package in "${missing[@]}"; do
  if [ -n "${bare[$package]:-}" ]; then without+=("$package"); else plain+=("$package"); fi
done
install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
[ ${#plain[@]} -eq 0 ] || install "${plain[@]}"
[ ${#without[@]} -eq 0 ] || install --no-install-recommends "${without[@]}" debian-archive-keyring
