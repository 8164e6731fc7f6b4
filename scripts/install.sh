#!/usr/bin/env bash
# Installs the built agents where a distribution package puts them; honours DESTDIR and PREFIX.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${PREFIX:-/usr}"
DESTDIR="${DESTDIR:-}"
[ -x ocf/NovaEvacuate ] || npm run build >/dev/null
install -d "$DESTDIR$PREFIX/lib/ocf/resource.d/openstack" "$DESTDIR$PREFIX/sbin" "$DESTDIR$PREFIX/bin"
install -m 0755 ocf/NovaEvacuate ocf/NovaCompute "$DESTDIR$PREFIX/lib/ocf/resource.d/openstack/"
install -m 0755 fence/fence_compute fence/fence_evacuate "$DESTDIR$PREFIX/sbin/"
install -m 0755 bin/nova-ha "$DESTDIR$PREFIX/bin/"
install -D -m 0644 share/workflows/nova-ha-host-evacuate.yaml "$DESTDIR$PREFIX/share/nova-ha/workflows/nova-ha-host-evacuate.yaml"
echo "installed into ${DESTDIR:-/}${PREFIX#/}: lib/ocf/resource.d/openstack/{NovaEvacuate,NovaCompute} sbin/{fence_compute,fence_evacuate} bin/nova-ha share/nova-ha/workflows/nova-ha-host-evacuate.yaml"
