#!/bin/bash
# nova-down.sh: stop the nova lab started by nova-up.sh, by recorded PID; its state stays, so
# nova-up.sh brings the same lab back.
#   nova-down.sh           stop every daemon, then any process still carrying the lab's mark
#   nova-down.sh --purge   also delete $LAB
# Only this lab's processes are signalled (see daemon_id and lab_owns in nova-up.sh): recorded
# daemons (PID and start time), and processes that carry NOVA_HA_LAB=$LAB in their environment
# (inherited from a daemon) or run one of $LAB/bin. Nothing is killed by name.
. "$(dirname "$(readlink -f "$0")")/nova-up.sh"
set -u

# Stop order: the OpenStack services together, then RabbitMQ, then MariaDB.
GROUPS_IN_ORDER=("nova-compute-* nova-api nova-scheduler nova-conductor neutron-server glance-api placement keystone"
    rabbitmq mariadb)

# gone_within SECONDS PID START: wait for the process PID that started at START to exit.
gone_within() {
    local i
    for i in $(seq $(($1 * 5))); do
        same_process "$2" "$3" || return 0
        sleep 0.2
    done
    ! same_process "$2" "$3"
}

# stop_group PATTERN...: TERM every running daemon whose name matches (after a clean shutdown
# request for rabbit and mariadb), then wait for all of them, KILL after 30 s.
stop_group() {
    local pat f name id pid start names=() pids=() starts=() i
    for pat in "$@"; do
        for f in "$RUN"/$pat.pid; do
            [ -f "$f" ] || continue
            name=$(basename "$f" .pid)
            if ! id=$(daemon_id "$name"); then
                rm -f "$f"
                continue
            fi
            read -r pid start <<<"$id"
            case $name in
            rabbitmq) (rabbit_env && timeout 60 "$RABBITMQCTL" -q stop) >/dev/null 2>&1 ;;
            mariadb) timeout 60 mariadb-admin --no-defaults -S "$LAB/mysql/mysqld.sock" shutdown >/dev/null 2>&1 ;;
            esac
            same_process "$pid" "$start" && kill -TERM "$pid" 2>/dev/null
            names+=("$name")
            pids+=("$pid")
            starts+=("$start")
        done
    done
    for i in "${!pids[@]}"; do
        if ! gone_within 30 "${pids[$i]}" "${starts[$i]}"; then
            say "${names[$i]} (pid ${pids[$i]}) ignored TERM: KILL"
            kill -KILL "${pids[$i]}" 2>/dev/null
        fi
        rm -f "$RUN/${names[$i]}.pid"
        STOPPED+=("${pids[$i]} ${starts[$i]}")
        say "stopped ${names[$i]} (pid ${pids[$i]})"
    done
}

# unreaped PID START: the process has exited but its parent (PID 1 once nova-up.sh is gone) has
# not reaped it yet: it still shows in ps and pgrep as <defunct>.
unreaped() {
    local st
    st=$(proc_stat "$1") && [ "${st#* }" = "$2" ]
}

# await_reaped: wait up to 5 s until every process stopped here is reaped, so that a ps or pgrep
# right after nova-down.sh lists none of them. Never fails: reaping is the parent's job.
STOPPED=()
await_reaped() {
    local i id left
    for i in $(seq 25); do
        left=0
        for id in "${STOPPED[@]}"; do
            unreaped "${id% *}" "${id#* }" && left=$((left + 1))
        done
        [ $left = 0 ] && return 0
        sleep 0.2
    done
    say "$left stopped processes not reaped yet by their parent"
}

# epmd_shared: the Erlang port mapper still serves a node (not ours: ours is stopped by now).
epmd_shared() { epmd -names 2>/dev/null | grep -q '^name '; }

# sweep: whatever still carries the lab's mark (workers, beam children, epmd). Returns 1 if
# something survives.
sweep() {
    local p start left=()
    for p in $(lab_pids); do
        if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = epmd ] && epmd_shared; then
            say "leaving epmd (pid $p): another Erlang node uses it"
            continue
        fi
        start=$(proc_start "$p") || continue
        say "TERM leftover $(cat "/proc/$p/comm" 2>/dev/null) (pid $p)"
        kill -TERM "$p" 2>/dev/null
        left+=("$p $start")
    done
    for p in "${left[@]}"; do
        read -r p start <<<"$p"
        gone_within 5 "$p" "$start" || kill -KILL "$p" 2>/dev/null
        STOPPED+=("$p $start")
    done
    sleep 0.2
    left=()
    for p in $(lab_pids); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = epmd ] && epmd_shared && continue
        left+=("$p")
    done
    [ ${#left[@]} -eq 0 ] || { say "still running: ${left[*]}"; return 1; }
}

down_main() {
    local group pats rc=0
    if [ -d "$RUN" ]; then
        for group in "${GROUPS_IN_ORDER[@]}"; do
            read -ra pats <<<"$group"   # split, no globbing against the current directory
            stop_group "${pats[@]}"
        done
        rm -f "$RUN"/*.sock
    fi
    sweep || rc=1
    await_reaped
    if [ "${1:-}" = --purge ]; then
        rm -rf "$LAB"
        say "deleted $LAB"
    fi
    say "nova lab down"
    return $rc
}

down_main "$@"
