#!/usr/bin/env bash
# Installs the Debian 12 packages logbridge builds and tests with. Idempotent:
# packages already present are skipped, so the README commands can run it every time.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev
  libsqlitecpp-dev libsqlite3-dev libspdlog-dev libfmt-dev catch2
  libre2-dev libtomlplusplus-dev libcli11-dev libicu-dev libboost-dev
  tzdata
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
