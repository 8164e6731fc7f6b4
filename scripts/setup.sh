#!/usr/bin/env bash
# Installs what the tests, the demo and the benchmark need on a fresh Debian 12 machine: Debian packages, then npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  pacemaker corosync pcs pacemaker-cli-utils   # the real cluster the integration tests run in
  resource-agents fence-agents                 # ocf-tester, ra-api-1.dtd, the fence RNG, the peer fence agents
  libxml2-utils                                # xmllint for metadata validation
  iproute2 procps psmisc                       # network namespaces for pacemaker_remote nodes
  python3-novaclient python3-keystoneauth1 python3-keystoneclient  # the peer agents' libraries (benchmarks)
)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  [ -x /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=600
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
