#!/bin/bash
# pacemaker-down.sh: stop the nova-ha lab started by pacemaker-up.sh. Only what the lab recorded
# under /run/nova-ha-lab is touched: pacemakerd first (it stops resources and remote
# connections, waited for), then each compute node's pacemaker-remoted, then corosync; then the
# compute nodes' namespaces (with anything still running in them) and veth pairs are removed.
# Idempotent; a zombie counts as dead.
#
# Knobs (environment):
#   LAB_WIPE=0    1 = also wipe the CIB, restore the original corosync.conf and remove
#                 /usr/sbin/fence_labpower
#   LAB_GRACE=60  seconds to wait for pacemakerd to shut down before SIGKILL
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
LAB_SCRIPT=pacemaker-down
# shellcheck source=lab-common.sh
. "$HERE/lab-common.sh"
lab_enter_suite "$@"

LAB_WIPE=${LAB_WIPE:-0}
LAB_GRACE=${LAB_GRACE:-60}
lab_require_root

# stop_recorded <pidfile> <comm prefix> <grace>: stop the recorded daemon, forget the PID file.
stop_recorded() {
  local p
  if p=$(lab_pid_of "$1" "$2"); then
    lab_log "stopping $2 (pid $p)"
    lab_stop_pid "$p" "$3"
  fi
  rm -f "$1"
}

# 1. pacemakerd, then any subdaemon it left behind: children it had, and those pacemaker-up.sh
#    recorded (a pacemakerd killed earlier orphans them, and a new one adopts rather than
#    restarts them).
children=$(cat "$LAB_STATE/pacemaker-children.pid" 2>/dev/null || true)
if p=$(lab_pid_of "$LAB_STATE/pacemakerd.pid" pacemakerd); then
  children="$children $(pgrep -P "$p" || true)"
  lab_log "stopping pacemakerd (pid $p)"
  lab_stop_pid "$p" "$LAB_GRACE"
fi
for c in $children; do
  if lab_alive "$c" && [[ "$(readlink "/proc/$c/exe" 2>/dev/null)" == /usr/lib/pacemaker/pacemaker-* ]]; then
    lab_log "stopping leftover $(cat "/proc/$c/comm") (pid $c)"; lab_stop_pid "$c" 5
  fi
done
rm -f "$LAB_STATE/pacemakerd.pid" "$LAB_STATE/pacemaker-children.pid"

# 2. remoted of each compute node, 3. corosync
nodes=$(lab_nodes)
for n in $nodes; do stop_recorded "$(lab_remoted_pidfile "$n")" pacemaker-remot 10; done
stop_recorded "$LAB_STATE/corosync.pid" corosync 30

# 4. compute node namespaces and veths
for n in $nodes; do
  lab_log "removing compute-$n (netns $(lab_netns "$n"))"
  LAB_SCRIPT=compute-$n "$HERE/compute-node.sh" destroy "$n"
done
rm -f "$LAB_STATE/lab-dir"
rmdir "$LAB_STATE" 2>/dev/null || true

# 5. optional wipe
if [ "$LAB_WIPE" = 1 ]; then
  lab_log "wiping the CIB, restoring corosync.conf, removing /usr/sbin/fence_labpower"
  rm -f /var/lib/pacemaker/cib/* /var/lib/pacemaker/pengine/*
  if [ -e "$LAB_COROSYNC_BACKUP" ]; then
    if [ -s "$LAB_COROSYNC_BACKUP" ]; then cp -p "$LAB_COROSYNC_BACKUP" /etc/corosync/corosync.conf
    else rm -f /etc/corosync/corosync.conf; fi
    rm -f "$LAB_COROSYNC_BACKUP"
  fi
  rm -f /usr/sbin/fence_labpower
fi
lab_log "lab down"
