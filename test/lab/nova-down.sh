#!/bin/bash
# nova-down.sh: stop the nova lab started by nova-up.sh, by recorded PID; its state stays, so
# nova-up.sh brings the same lab back.
#   nova-down.sh           stop every daemon, then any process still carrying the lab's mark
#   nova-down.sh --purge   also delete $LAB
# Only this lab's processes are signalled (see lab_owns in nova-up.sh): recorded PIDs, and
# processes that carry NOVA_HA_LAB=$LAB in their environment (inherited from a daemon) or run
# one of $LAB/bin. Nothing is killed by name.
. "$(dirname "$(readlink -f "$0")")/nova-up.sh"
set -u

# Stop order: the OpenStack services together, then RabbitMQ, then MariaDB.
GROUPS_IN_ORDER=("nova-compute-* nova-api nova-scheduler nova-conductor neutron-server glance-api placement keystone"
    rabbitmq mariadb)

# gone_within SECONDS PID: wait for PID to exit.
gone_within() {
    local i
    for i in $(seq $(($1 * 5))); do
        lab_owns "$2" || return 0
        sleep 0.2
    done
    ! lab_owns "$2"
}

# stop_group PATTERN...: TERM every running daemon whose name matches (after a clean shutdown
# request for rabbit and mariadb), then wait for all of them, KILL after 30 s.
stop_group() {
    local pat f name pid names=() pids=() i
    for pat in "$@"; do
        for f in "$RUN"/$pat.pid; do
            [ -f "$f" ] || continue
            name=$(basename "$f" .pid)
            if ! pid=$(daemon_pid "$name"); then
                rm -f "$f"
                continue
            fi
            case $name in
            rabbitmq) (rabbit_env && timeout 60 "$RABBITMQCTL" -q stop) >/dev/null 2>&1 ;;
            mariadb) timeout 60 mariadb-admin --no-defaults -S "$LAB/mysql/mysqld.sock" shutdown >/dev/null 2>&1 ;;
            esac
            lab_owns "$pid" && kill -TERM "$pid" 2>/dev/null
            names+=("$name")
            pids+=("$pid")
        done
    done
    for i in "${!pids[@]}"; do
        if ! gone_within 30 "${pids[$i]}"; then
            say "${names[$i]} (pid ${pids[$i]}) ignored TERM: KILL"
            kill -KILL "${pids[$i]}" 2>/dev/null
        fi
        rm -f "$RUN/${names[$i]}.pid"
        say "stopped ${names[$i]} (pid ${pids[$i]})"
    done
}

# epmd_shared: the Erlang port mapper still serves a node (not ours: ours is stopped by now).
epmd_shared() { epmd -names 2>/dev/null | grep -q '^name '; }

# sweep: whatever still carries the lab's mark (workers, beam children, epmd). Returns 1 if
# something survives.
sweep() {
    local p left=()
    for p in $(lab_pids); do
        if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = epmd ] && epmd_shared; then
            say "leaving epmd (pid $p): another Erlang node uses it"
            continue
        fi
        say "TERM leftover $(cat "/proc/$p/comm" 2>/dev/null) (pid $p)"
        kill -TERM "$p" 2>/dev/null
        left+=("$p")
    done
    for p in "${left[@]}"; do
        gone_within 5 "$p" || kill -KILL "$p" 2>/dev/null
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
    if [ "${1:-}" = --purge ]; then
        rm -rf "$LAB"
        say "deleted $LAB"
    fi
    say "nova lab down"
    return $rc
}

down_main "$@"
