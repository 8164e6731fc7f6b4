#!/bin/bash
# compute-node.sh: one lab compute node (pacemaker_remote node compute-N in netns nha-cN) and
# its "power". Used by pacemaker-up.sh/-down.sh, by fence_labpower and by tests.
#
# Usage: compute-node.sh COMMAND N [-- CMD...]
#   create N       netns + veth pair + pacemaker-remoted, then power on (idempotent)
#   destroy N      kill everything in the netns, delete veth and netns, forget the node
#   power-off N    SIGKILL pacemaker-remoted and every other process in the netns, veth down
#   power-on N     veth up, start pacemaker-remoted (clean environment) and wait for :3121
#   status N       prints "compute-N: ON|OFF"; exit 0 = ON, 2 = OFF, 1 = no such lab node
#   info N         key=value lines (name, netns, addresses, power, remoted_pid)
#   exec N -- CMD  run CMD inside the node's netns (exec'd: the PID is CMD's); node must be ON
#   list           names of the lab's compute nodes, one per line
# Power state is the admin state of the host-side veth. A node that is ON but whose remoted
# died (a crash, not a power loss) stays ON until someone powers it off.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
LAB_SCRIPT=${LAB_SCRIPT:-compute-node}
# shellcheck source=lab-common.sh
. "$HERE/lab-common.sh"
lab_enter_suite "$@"

usage() { sed -n '5,13s/^# \{0,1\}//p' "$HERE/compute-node.sh" >&2; exit 1; }

node_exists() { [ -e "$(lab_node_marker "$1")" ] && lab_netns_exists "$(lab_netns "$1")"; }
require_node() { node_exists "$1" || { echo "compute-$1: no such lab node" >&2; exit 1; }; }
powered_on() { ip -o link show dev "$(lab_veth_host "$1")" 2>/dev/null | grep '[<,]UP[,>]' >/dev/null; }

# Serialise power changes per node (the fencer and a test may race). The descriptor is closed
# for everything spawned, so a daemon never holds the lock.
take_lock() {
  mkdir -p "$LAB_STATE"
  exec 9>"$LAB_STATE/compute-$1.lock"
  flock -w 120 9 || lab_die "compute-$1: lock busy"
}

# PID of the pacemaker-remoted running inside node $1's netns, if any.
remoted_pid() {
  local p
  for p in $(lab_netns_pids "$(lab_netns "$1")"); do
    [[ "$(cat "/proc/$p/comm" 2>/dev/null)" == pacemaker-remot* ]] && { echo "$p"; return 0; }
  done
  return 1
}

listening() { ip netns exec "$(lab_netns "$1")" ss -Hltn 'sport = :3121' 2>/dev/null | grep . >/dev/null; }

# Kill every live process in the netns: signal $2 first, SIGKILL after $3 seconds.
kill_all_in_netns() {
  local ns; ns=$(lab_netns "$1")
  local pids; pids=$(lab_netns_pids "$ns")
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill "-$2" $pids 2>/dev/null || true
  lab_wait "$3" eval '[ -z "$(lab_netns_pids '"$ns"')" ]' && return 0
  local tries=0
  while pids=$(lab_netns_pids "$ns") && [ -n "$pids" ]; do
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    tries=$((tries + 1)); [ "$tries" -lt 50 ] || lab_die "compute-$1: processes survive SIGKILL: $pids"
    sleep 0.1
  done
}

do_power_on() {
  local n="$1" ns pid
  ns=$(lab_netns "$n")
  ip link set "$(lab_veth_host "$n")" up
  if ! pid=$(remoted_pid "$n"); then
    [ -x "$LAB_REMOTED" ] || lab_die "$LAB_REMOTED missing (pacemaker-up.sh with LAB_REMOTES>0 extracts it)"
    mkdir -p "$LAB_LOG_DIR"
    # Own netns = own abstract-socket namespace, so remoted's IPC names do not clash with the
    # cluster daemons'. The filesystem is shared with the host.
    pid=$(lab_spawn "$LAB_LOG_DIR/remoted-compute-$n.out" ip netns exec "$ns" "${LAB_CLEAN_ENV[@]}" \
      PCMK_logfile="/var/log/pacemaker/remote-compute-$n.log" PCMK_logfacility=none PCMK_dh_max_bits=1024 "$LAB_REMOTED")
    lab_wait 5 remoted_pid "$n" >/dev/null || lab_die "compute-$n: pacemaker-remoted did not start (see $LAB_LOG_DIR/remoted-compute-$n.out)"
    pid=$(remoted_pid "$n")
  fi
  echo "$pid" >"$(lab_remoted_pidfile "$n")"
  lab_wait 10 listening "$n" || lab_die "compute-$n: pacemaker-remoted (pid $pid) not listening on :3121"
}

do_power_off() {
  kill_all_in_netns "$1" KILL 2
  ip link set "$(lab_veth_host "$1")" down
  rm -f "$(lab_remoted_pidfile "$1")"
}

do_create() {
  local n="$1" ns vh vn
  ns=$(lab_netns "$n"); vh=$(lab_veth_host "$n"); vn=$(lab_veth_node "$n")
  if ! lab_netns_exists "$ns"; then
    ip link del "$vh" 2>/dev/null || true          # a stale host end left by a lost netns
    ip netns add "$ns"
    ip link add "$vh" type veth peer name "$vn"
    ip link set "$vn" netns "$ns"
    ip addr add "$(lab_host_addr "$n")/30" dev "$vh"
    ip -n "$ns" addr add "$(lab_node_addr "$n")/30" dev "$vn"
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$vn" up
    ip link set "$vh" up
    ip -n "$ns" route add default via "$(lab_host_addr "$n")"
  fi
  echo "$ns" >"$(lab_node_marker "$n")"
  do_power_on "$n"
}

do_destroy() {
  local n="$1" p
  if p=$(lab_pid_of "$(lab_remoted_pidfile "$n")" pacemaker-remot); then lab_stop_pid "$p" 10; fi
  kill_all_in_netns "$n" TERM 3
  ip link del "$(lab_veth_host "$n")" 2>/dev/null || true
  if lab_netns_exists "$(lab_netns "$n")"; then ip netns del "$(lab_netns "$n")"; fi
  rm -f "$(lab_node_marker "$n")" "$(lab_remoted_pidfile "$n")" "$LAB_STATE/compute-$n.lock"
}

do_info() {
  local n="$1" pid=""
  pid=$(remoted_pid "$n" || true)
  printf 'name=%s\nnetns=%s\nhost_veth=%s\nnode_veth=%s\nhost_addr=%s\nnode_addr=%s\npower=%s\nremoted_pid=%s\n' \
    "$(lab_node_name "$n")" "$(lab_netns "$n")" "$(lab_veth_host "$n")" "$(lab_veth_node "$n")" \
    "$(lab_host_addr "$n")" "$(lab_node_addr "$n")" "$(powered_on "$n" && echo on || echo off)" "$pid"
}

cmd="${1:-}"; n="${2:-}"
case "$cmd" in
  list)
    for m in $(lab_nodes); do if node_exists "$m"; then lab_node_name "$m"; fi; done; exit 0 ;;
  create|destroy|power-off|power-on|status|info|exec) lab_check_n "$n" ;;
  *) usage ;;
esac

case "$cmd" in
  create) lab_require_root; take_lock "$n"; do_create "$n" ;;
  destroy) lab_require_root; take_lock "$n"; do_destroy "$n" ;;
  power-off) lab_require_root; require_node "$n"; take_lock "$n"; do_power_off "$n" ;;
  power-on) lab_require_root; require_node "$n"; take_lock "$n"; do_power_on "$n" ;;
  status)
    require_node "$n"
    if powered_on "$n"; then echo "compute-$n: ON"; exit 0; fi
    echo "compute-$n: OFF"; exit 2 ;;
  info) require_node "$n"; do_info "$n" ;;
  exec)
    shift 2
    [ "${1:-}" = -- ] && shift
    [ $# -gt 0 ] || usage
    require_node "$n"
    powered_on "$n" || { echo "compute-$n: powered off" >&2; exit 1; }
    exec ip netns exec "$(lab_netns "$n")" "$@" ;;
esac
