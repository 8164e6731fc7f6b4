#!/bin/bash
# nova-compute.sh: fail or recover one compute host of the nova lab.
#   nova-compute.sh kill N     host compute-N crashes: SIGKILL nova-compute-N and power off its
#                              fake guests (on restart nova finds them shut down)
#   nova-compute.sh stop N     SIGTERM it (clean service stop; the guests keep running)
#   nova-compute.sh start N    start it again and wait until it has reported to nova
#                              (NOWAIT=1: do not wait)
#   nova-compute.sh clean N    drop compute-N's stray guests (see stray_guests), restarting it if it runs
#                              and has any
#   nova-compute.sh status [N] process state and nova's view (up/down, disabled, forced down)
# Exit status of status: 0 when the process runs, 3 when it does not.
. "$(dirname "$(readlink -f "$0")")/nova-up.sh"
set -u
# nova's own setting, as the running lab was configured
SERVICE_DOWN_TIME=$(awk -F' = ' '$1 == "service_down_time" { print $2 }' "$ETC/nova/nova.conf" 2>/dev/null)
SERVICE_DOWN_TIME=${SERVICE_DOWN_TIME:-60}

usage() {
    echo "usage: $0 kill|stop|start|clean N | status [N]" >&2
    exit 2
}

# nova_view N: nova's record of compute-N from the cell DB.
nova_view() {
    sql "SELECT IF(forced_down, 'down(forced)',
                   IF(COALESCE(last_seen_up, updated_at) > UTC_TIMESTAMP() - INTERVAL $SERVICE_DOWN_TIME SECOND, 'up', 'down')),
                IF(disabled, 'disabled', 'enabled'),
                TIMESTAMPDIFF(SECOND, COALESCE(last_seen_up, updated_at), UTC_TIMESTAMP())
         FROM nova.services WHERE host = 'compute-$1' AND \`binary\` = 'nova-compute' AND deleted = 0" 2>/dev/null |
        awk -F'\t' '{ printf "nova: %s %s, last report %ss ago", $1, $2, $3 }'
}

# status_one N: one line per compute; fails if the process does not run.
status_one() {
    local pid state=dead rc=3
    if pid=$(daemon_pid "nova-compute-$1"); then
        state="running pid $pid"
        rc=0
    fi
    printf 'compute-%s  %-18s %s\n' "$1" "$state" "$(nova_view "$1")"
    return $rc
}

# power_off_guests N: the saved guests of compute-N went down with the host.
power_off_guests() {
    local f=$LAB/compute/compute-$1/fake-guests.json
    [ -f "$f" ] || return 0
    $PY - "$f" <<'EOF'
import json, sys
path = sys.argv[1]
with open(path) as f:
    guests = json.load(f)
for g in guests.values():
    g["state"] = 4  # nova.compute.power_state.SHUTDOWN
with open(path, "w") as f:
    json.dump(guests, f)
print(f"powered off {len(guests)} guests of the crashed host")
EOF
}

# stray_guests N: the saved guests of compute-N that Nova places on another host, settled there (no task,
# no resize waiting for its confirmation), or that Nova deleted. A real hypervisor would keep such a domain
# too: two evacuations of one server sent at once (the back-end tests' retries do it) both spawn it, and
# only one destination stays its host. Any later rebuild of that server onto compute-N then fails with
# InstanceExists, and the evacuation is retried elsewhere: the lab is no longer the seeded one.
stray_guests() {
    local f=$LAB/compute/compute-$1/fake-guests.json uuids keep
    [ -f "$f" ] || return 0
    uuids=$($PY -c 'import json, sys; print(",".join("\x27%s\x27" % u for u in json.load(open(sys.argv[1]))))' "$f")
    [ -n "$uuids" ] || return 0
    # An unreadable database fails here: it must never make every guest look stray.
    keep=$(sql "SELECT uuid FROM nova.instances WHERE uuid IN ($uuids) AND deleted = 0
         AND (host = 'compute-$1' OR task_state IS NOT NULL OR vm_state = 'resized')") || return 1
    $PY -c 'import json, sys; keep = set(sys.argv[2].split()); print(" ".join(u for u in json.load(open(sys.argv[1])) if u not in keep))' "$f" "$keep"
}

# drop_stray_guests N: removes them from compute-N's saved guests (the driver reads them at its start).
drop_stray_guests() {
    local f=$LAB/compute/compute-$1/fake-guests.json strays
    strays=$(stray_guests "$1") || return 1
    [ -n "$strays" ] || return 0
    # shellcheck disable=SC2086 # one argument per uuid
    $PY - "$f" $strays <<'PYEOF'
import json, os, sys
path, strays = sys.argv[1], set(sys.argv[2:])
with open(path) as f:
    guests = json.load(f)
with open(path + ".tmp", "w") as f:
    json.dump({u: g for u, g in guests.items() if u not in strays}, f)
os.replace(path + ".tmp", path)
PYEOF
    say "compute-$1: dropped stray guests $strays"
}

# reported_since N TIME: compute-N has reported to nova at or after TIME (UTC).
reported_since() {
    [ "$(sql "SELECT COUNT(*) FROM nova.services WHERE host = 'compute-$1' AND \`binary\` = 'nova-compute'
        AND deleted = 0 AND COALESCE(last_seen_up, updated_at) >= '$2'" 2>/dev/null)" = 1 ]
}

compute_main() {
    local cmd=${1:-} n=${2:-} id pid start sig t rc=0
    case $cmd in
    kill | stop)
        [[ $n =~ ^[0-9]+$ ]] || usage
        id=$(daemon_id "nova-compute-$n") || { echo "nova-compute-$n is not running" >&2; return 1; }
        read -r pid start <<<"$id"
        sig=KILL
        [ "$cmd" = stop ] && sig=TERM
        kill -"$sig" "$pid"
        for t in $(seq 150); do same_process "$pid" "$start" || break; sleep 0.2; done
        same_process "$pid" "$start" && { echo "nova-compute-$n (pid $pid) still runs after SIG$sig" >&2; return 1; }
        say "nova-compute-$n (pid $pid) ended by SIG$sig"
        [ "$cmd" = kill ] && power_off_guests "$n"
        return 0
        ;;
    start)
        [[ $n =~ ^[0-9]+$ ]] || usage
        t=$(sql "SELECT UTC_TIMESTAMP()")
        compute_start "$n"
        [ "${NOWAIT:-0}" = 1 ] && return 0
        wait_until 120 "compute-$n to report" reported_since "$n" "$t"
        say "compute-$n reported to nova"
        ;;
    clean)
        [[ $n =~ ^[0-9]+$ ]] || usage
        t=$(stray_guests "$n") || { echo "cannot read Nova's instances from the lab's database" >&2; return 1; }
        [ -n "$t" ] || return 0
        if daemon_pid "nova-compute-$n" >/dev/null; then
            compute_main stop "$n" || return 1
            drop_stray_guests "$n" || return 1
            compute_main start "$n"
        else
            drop_stray_guests "$n"
        fi
        ;;
    status)
        if [ -n "$n" ]; then
            status_one "$n"
            return
        fi
        for t in "$RUN"/nova-compute-*.pid; do
            [ -f "$t" ] || continue
            t=${t##*/nova-compute-}
            status_one "${t%.pid}" || rc=$?
        done
        return $rc
        ;;
    *) usage ;;
    esac
}

compute_main "$@"
