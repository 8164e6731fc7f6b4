#!/bin/bash
# The Debian release a Pacemaker lab runs on (issue 14: Pacemaker 3.0 beside 2.1). LAB_SUITE=bookworm is this
# machine itself (Pacemaker 2.1.5); LAB_SUITE=trixie (3.0.0) or sid (3.0.x, by hand only, not for CI) is a chroot
# made with debootstrap from Debian's registry, with the cluster packages and Debian's own nodejs inside.
#
#   lab-suite.sh build          make the chroot once (debootstrap --variant=minbase, then the packages)
#   lab-suite.sh exec CMD...    run CMD inside it, with /proc, /sys, /dev, /run and the repository mounted
#   lab-suite.sh umount         undo the mounts
#   lab-suite.sh path           print the chroot's directory
#
# Environment: LAB_SUITE (bookworm), LAB_CHROOTS (/var/lib/nova-ha-lab/chroots), LAB_MIRROR (http://deb.debian.org/debian).
# The chroot shares the host's network namespace: its cluster and a bookworm lab cannot run at the same time (the
# daemons' abstract unix sockets would collide), exactly like two bookworm labs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
LAB_SUITE=${LAB_SUITE:-bookworm}
LAB_CHROOTS=${LAB_CHROOTS:-/var/lib/nova-ha-lab/chroots}
LAB_MIRROR=${LAB_MIRROR:-http://deb.debian.org/debian}
ROOT="$LAB_CHROOTS/$LAB_SUITE"
# What pacemaker-up.sh needs (its PACKAGES: trixie's fence-agents depends on every agent, the azure SDK included,
# 2.7 GB in all; fence-agents-compute alone would do for the peers) and Node.js for our agents.
PACKAGES=(pacemaker pacemaker-cli-utils corosync pcs resource-agents fence-agents libxml2-utils nodejs
  iproute2 procps psmisc ca-certificates python3-novaclient python3-keystoneauth1 python3-keystoneclient)

die() { echo "lab-suite: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
case "$LAB_SUITE" in
  bookworm) [ "${1:-}" = path ] && { echo /; exit 0; }; die "LAB_SUITE=bookworm is this machine: no chroot" ;;
  trixie|sid) ;;
  *) die "LAB_SUITE must be bookworm, trixie or sid" ;;
esac

mounted() { mountpoint -q "$ROOT/$1"; }
mount_all() {
  local dir
  # ip netns needs / to be a mount point it can make a slave of: the chroot's root is bound onto itself.
  mountpoint -q "$ROOT" || mount --bind "$ROOT" "$ROOT"
  for dir in proc sys dev dev/pts run work/repo; do mkdir -p "$ROOT/$dir"; done
  mounted proc || mount -t proc proc "$ROOT/proc"
  mounted sys || mount --rbind /sys "$ROOT/sys"
  mounted dev || mount --rbind /dev "$ROOT/dev"
  mounted run || mount -t tmpfs -o mode=0755 tmpfs "$ROOT/run"
  mounted work/repo || mount --bind "$REPO" "$ROOT/work/repo"
}
umount_all() {
  local dir
  # ip netns needs / to be a mount point it can make a slave of: the chroot's root is bound onto itself.
  mountpoint -q "$ROOT" || mount --bind "$ROOT" "$ROOT"
  for dir in work/repo run dev sys proc; do
    if mounted "$dir"; then umount -R "$ROOT/$dir" || umount -lR "$ROOT/$dir"; fi
  done
  if mountpoint -q "$ROOT"; then umount "$ROOT" || umount -l "$ROOT"; fi
}

build() {
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 install debootstrap >/dev/null
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    mkdir -p "$LAB_CHROOTS"
    local started=$SECONDS
    debootstrap --variant=minbase "$LAB_SUITE" "$ROOT" "$LAB_MIRROR" >"$LAB_CHROOTS/$LAB_SUITE-debootstrap.log" 2>&1 \
      || die "debootstrap failed, see $LAB_CHROOTS/$LAB_SUITE-debootstrap.log"
    echo "lab-suite: debootstrap $LAB_SUITE took $((SECONDS - started)) s"
  fi
  mount_all
  local started=$SECONDS
  chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get -q update && apt-get -y -q install --no-install-recommends ${PACKAGES[*]}" \
    >"$LAB_CHROOTS/$LAB_SUITE-packages.log" 2>&1 || { umount_all; die "package install failed, see $LAB_CHROOTS/$LAB_SUITE-packages.log"; }
  echo "lab-suite: packages took $((SECONDS - started)) s"
  chroot "$ROOT" dpkg-query -W -f '${Package} ${Version}\n' pacemaker corosync pcs resource-agents fence-agents nodejs
  umount_all
}

case "${1:-}" in
  build) build ;;
  exec) shift; mount_all; chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@" ;;
  umount) umount_all ;;
  path) echo "$ROOT" ;;
  *) die "usage: lab-suite.sh build|exec CMD...|umount|path" ;;
esac
