#!/bin/bash
# The Debian release a Pacemaker lab runs on (issue 14: Pacemaker 3.0 beside 2.1). LAB_SUITE=bookworm is this
# machine itself (Pacemaker 2.1.5); LAB_SUITE=trixie (3.0.0) or sid (3.0.x, by hand only, not for CI) is a chroot
# made with debootstrap from Debian's registry, with the cluster packages and Debian's own nodejs inside.
#
#   lab-suite.sh build          make the chroot (debootstrap --variant=minbase, then the packages); a chroot that
#                               already has this package list is kept as it is (a stamp file), so CI pays once per machine
#   lab-suite.sh exec CMD...    run CMD inside it, with /proc, /sys, /dev, /run and the repository mounted (undone after)
#   lab-suite.sh vitest ARGS... build, then run `vitest run ARGS` inside it from the repository (/work/repo) under
#                               Debian's nodejs: the cloud lab, pcs, the crm_* tools and the agents are then all the
#                               chroot's; the Pacemaker lab is stopped and the mounts undone afterwards
#   lab-suite.sh down           stop a lab left running inside it (pacemaker-down.sh with LAB_WIPE=1), undo the mounts
#   lab-suite.sh umount         undo the mounts
#   lab-suite.sh path           print the chroot's directory
#
# Environment: LAB_SUITE (bookworm), LAB_CHROOTS (/var/lib/nova-ha-lab/chroots), LAB_MIRROR (http://deb.debian.org/debian).
# The built bundles (npm run build, on this machine) are used as they are: lab-bundles.ts rebuilds stale ones with the
# repository's own tsx under the chroot's node, since Debian's nodejs package has no npm.
# The chroot shares the host's network namespace: its cluster and a bookworm lab cannot run at the same time (the
# daemons' abstract unix sockets would collide), exactly like two bookworm labs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
LAB_SUITE=${LAB_SUITE:-bookworm}
LAB_CHROOTS=${LAB_CHROOTS:-/var/lib/nova-ha-lab/chroots}
LAB_MIRROR=${LAB_MIRROR:-http://deb.debian.org/debian}
ROOT="$LAB_CHROOTS/$LAB_SUITE"
STAMP="$ROOT/etc/nova-ha-lab-packages"          # the package list the chroot was last completed with
# What pacemaker-up.sh needs (inside a chroot it installs nothing itself) and Node.js for our agents. From trixie on,
# fence-agents is a metapackage of every agent (the azure SDK included, 2.7 GB in all): the peers need only
# fence-agents-compute and fence-agents-common (the fencing library and the fence metadata.rng).
PACKAGES=(pacemaker pacemaker-cli-utils corosync pcs resource-agents fence-agents-compute fence-agents-common libxml2-utils
  nodejs iproute2 procps psmisc ca-certificates python3-novaclient python3-keystoneauth1 python3-keystoneclient)

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
  # Always this repository: a bind left by a run from another clone would run that clone's tests and code.
  if mounted work/repo; then umount "$ROOT/work/repo" || umount -l "$ROOT/work/repo"; fi
  mount --bind "$REPO" "$ROOT/work/repo"
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
  if [ "$(cat "$STAMP" 2>/dev/null)" = "${PACKAGES[*]}" ]; then return 0; fi
  # No service may start inside the chroot while packages install (there is no init there).
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"; chmod 755 "$ROOT/usr/sbin/policy-rc.d"
  mount_all
  local started=$SECONDS
  # Check-Valid-Until=false: sid's Release file expires within days, and a mirror (or this machine's clock) may lag.
  chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get -q -o Acquire::Check-Valid-Until=false update && apt-get -y -q install --no-install-recommends ${PACKAGES[*]}" \
    >"$LAB_CHROOTS/$LAB_SUITE-packages.log" 2>&1 || { umount_all; die "package install failed, see $LAB_CHROOTS/$LAB_SUITE-packages.log"; }
  echo "lab-suite: packages took $((SECONDS - started)) s"
  echo "${PACKAGES[*]}" >"$STAMP"
  chroot "$ROOT" dpkg-query -W -f '${Package} ${Version}\n' pacemaker corosync pcs resource-agents fence-agents-compute nodejs
  umount_all
}

# Runs vitest inside the chroot as root, with the suite's name (LAB_IN_SUITE: the lab scripts are already inside).
run_vitest() {
  build
  local rc=0
  mount_all
  chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 LAB_SUITE="$LAB_SUITE" LAB_IN_SUITE=1 \
    sh -c 'cd /work/repo && exec node node_modules/vitest/vitest.mjs run "$@"' vitest "$@" || rc=$?
  down
  return "$rc"
}

down() {
  mount_all
  chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 LAB_IN_SUITE=1 LAB_WIPE=1 \
    bash /work/repo/test/lab/pacemaker/pacemaker-down.sh >/dev/null 2>&1 || echo "lab-suite: pacemaker-down.sh failed inside $ROOT" >&2
  umount_all
}

case "${1:-}" in
  build) build ;;
  exec) shift; mount_all; rc=0; chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@" || rc=$?; umount_all; exit "$rc" ;;
  vitest) shift; run_vitest "$@" ;;
  down) down ;;
  umount) umount_all ;;
  path) echo "$ROOT" ;;
  *) die "usage: lab-suite.sh build|exec CMD...|vitest ARGS...|down|umount|path" ;;
esac
