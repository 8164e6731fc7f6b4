#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds when the bundles are older than the sources, then runs the live
# demo (scripts/demo/main.ts): a compute node of a real Pacemaker cluster dies and its instances are recovered.
# Options: --keep, --computes N, --instances N, --no-color, --plain, --help (all of them: --help).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run it as root (it starts a Pacemaker cluster and network namespaces): sudo npm run demo" >&2
  exit 1
fi

for arg in "$@"; do
  case $arg in -h | --help | --teardown) exec node --import tsx scripts/demo/main.ts "$@" ;; esac
done

bash scripts/setup.sh

# The agent bundles npm run build writes; rebuilt when one is missing or older than a source file.
stale=0
for bundle in ocf/NovaEvacuate ocf/NovaCompute fence/fence_compute fence/fence_evacuate bin/nova-ha; do
  if [ ! -e "$bundle" ] || [ -n "$(find src bin scripts/build.ts -name '*.ts' -newer "$bundle" -print -quit)" ]; then stale=1; fi
done
if [ "$stale" = 1 ]; then
  echo "demo: building the agents (npm run build)" >&2
  npm run --silent build
fi

exec node --import tsx scripts/demo/main.ts "$@"
