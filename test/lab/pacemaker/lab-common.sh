# lab-common.sh: names, paths and helpers shared by the nova-ha lab scripts.
# Sourced by pacemaker-up.sh, pacemaker-down.sh and compute-node.sh; never run on its own.
# Everything the lab starts is recorded under $LAB_STATE, so teardown touches nothing else.

LAB_STATE=/run/nova-ha-lab                      # PID files, node markers, lock files
LAB_LOG_DIR=/var/log/nova-ha-lab                # lab logs (fence_labpower.log, daemon stdout)
LAB_REMOTE_ROOT=/opt/pacemaker-remote           # pacemaker-remote .deb unpacked here, never installed
LAB_REMOTED="$LAB_REMOTE_ROOT/usr/sbin/pacemaker-remoted"
LAB_NET=198.51.100                              # TEST-NET-2: exists only on the lab's veth pairs
LAB_MAX_NODES=63                                # one /30 per node inside $LAB_NET.0/24
LAB_COROSYNC_BACKUP=/etc/corosync/corosync.conf.nova-ha-lab-orig

# The environment a service manager would give a daemon: nothing from the caller's shell.
LAB_CLEAN_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)

LAB_T0=${LAB_T0:-$(date +%s%N)}
export LAB_T0

# Progress messages go to stderr with the time since the outermost lab script started.
lab_log() {
  local now; now=$(date +%s%N)
  printf '[%s +%d.%02ds] %s\n' "${LAB_SCRIPT:-lab}" $(((now - LAB_T0) / 1000000000)) \
    $((((now - LAB_T0) / 10000000) % 100)) "$*" >&2
}

lab_die() { lab_log "ERROR: $*"; exit 1; }

lab_require_root() { [ "$(id -u)" = 0 ] || lab_die "must run as root"; }

# ---------------------------------------------------------------- compute node naming
# Node N (1..63) is cluster node compute-N in netns nha-cN. Its veth pair is nha-cN-h (host
# side, .4(N-1)+1/30) and nha-cN-n (inside, .4(N-1)+2/30, default route via the host side).

lab_check_n() {
  [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] && [ "$1" -le "$LAB_MAX_NODES" ] ||
    lab_die "node number must be 1..$LAB_MAX_NODES, got '${1:-}'"
}
lab_node_name() { echo "compute-$1"; }
lab_netns() { echo "nha-c$1"; }
lab_veth_host() { echo "nha-c$1-h"; }
lab_veth_node() { echo "nha-c$1-n"; }
lab_host_addr() { echo "$LAB_NET.$((4 * ($1 - 1) + 1))"; }
lab_node_addr() { echo "$LAB_NET.$((4 * ($1 - 1) + 2))"; }
lab_node_marker() { echo "$LAB_STATE/compute-$1.node"; }
lab_remoted_pidfile() { echo "$LAB_STATE/remoted-compute-$1.pid"; }

# Node numbers the lab created (a marker file exists), ascending.
lab_nodes() {
  local f n
  for f in "$LAB_STATE"/compute-*.node; do
    [ -e "$f" ] || continue
    n=${f##*/compute-}; echo "${n%.node}"
  done | sort -n
}

lab_netns_exists() { [ -e "/run/netns/$1" ]; }

# ---------------------------------------------------------------- processes
# A PID counts as alive when it exists and is not a zombie (PID 1 here reaps orphans late).
lab_alive() {
  local st
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
  st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

# lab_pid_of <pidfile> <comm prefix>: print the recorded PID if it is alive and runs <comm>.
lab_pid_of() {
  local p comm
  [ -s "$1" ] || return 1
  p=$(<"$1")
  lab_alive "$p" || return 1
  comm=$(<"/proc/$p/comm") || return 1
  [[ "$comm" == "$2"* ]] || return 1
  echo "$p"
}

# lab_spawn <outfile> cmd...: start cmd detached (own session, stdin /dev/null, output to
# <outfile>, no inherited descriptors above 2) and print its PID. setsid, env and
# `ip netns exec` all exec in place, so the PID is the daemon's own.
lab_spawn() {
  local out="$1"; shift
  (
    cd /
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
    done
    exec setsid "$@"
  ) </dev/null >>"$out" 2>&1 &
  echo $!
}

# lab_wait <seconds> cmd...: poll cmd every 0.1 s until it succeeds or time runs out.
lab_wait() {
  local deadline=$(($(date +%s%N) + $1 * 1000000000)); shift
  until "$@"; do
    [ "$(date +%s%N)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# lab_stop_pid <pid> <grace seconds>: SIGTERM, wait, then SIGKILL. Returns when it is gone.
lab_stop_pid() {
  local p="$1" grace="$2"
  lab_alive "$p" || return 0
  kill -TERM "$p" 2>/dev/null || true
  if ! lab_wait "$grace" eval "! lab_alive $p"; then
    lab_log "pid $p still alive after ${grace}s, sending SIGKILL"
    kill -KILL "$p" 2>/dev/null || true
    lab_wait 5 eval "! lab_alive $p" || lab_log "WARNING: pid $p survived SIGKILL"
  fi
}

# Live (non-zombie) PIDs inside network namespace $1.
lab_netns_pids() {
  local p
  lab_netns_exists "$1" || return 0
  for p in $(ip netns pids "$1" 2>/dev/null); do lab_alive "$p" && echo "$p"; done
  return 0
}

# ---------------------------------------------------------------- cluster state
# Current `crm_mon` status as XML (empty when the cluster does not answer).
lab_mon_xml() { crm_mon -1 --output-as=xml 2>/dev/null || true; }

# lab_xpath <xml> <xpath>: string value of an XPath expression.
lab_xpath() { printf '%s' "$1" | xmllint --xpath "$2" - 2>/dev/null || true; }

# True when cluster node $1 is online and the DC.
lab_node_is_dc() {
  local x; x=$(lab_mon_xml)
  [ "$(lab_xpath "$x" "string(//nodes/node[@name='$1']/@online)")" = true ] &&
    [ "$(lab_xpath "$x" "string(//summary/current_dc/@name)")" = "$1" ]
}

# True when every named remote node is online and clean, with its connection resource started.
lab_remotes_online() {
  local x name; x=$(lab_mon_xml)
  for name in "$@"; do
    [ "$(lab_xpath "$x" "boolean(//nodes/node[@name='$name' and @type='remote' and @online='true' and @unclean='false']
      and //resources/resource[@id='$name' and @role='Started' and @failed='false' and not(@pending)])")" = true ] || return 1
  done
}

# LAB_SUITE=trixie|sid: re-runs the calling script inside that Debian release's chroot (lab-suite.sh), with every
# LAB_* variable (LAB_SCRIPT too, so compute-node.sh keeps its compute-N label); LAB_SUITE=bookworm (the default) is
# this machine itself and returns at once. The script is found by its own file name, not by LAB_SCRIPT.
lab_enter_suite() {
  [ "${LAB_SUITE:-bookworm}" = bookworm ] && return 0
  [ -n "${LAB_IN_SUITE:-}" ] && return 0
  local -a vars
  mapfile -t vars < <(env | grep -E '^LAB_[A-Z0-9_]+=' || true)
  exec "$HERE/lab-suite.sh" exec env LAB_IN_SUITE=1 "${vars[@]}" LAB_SCRIPT="$LAB_SCRIPT" \
    bash "/work/repo/test/lab/pacemaker/$(basename "$0")" "$@"
}
