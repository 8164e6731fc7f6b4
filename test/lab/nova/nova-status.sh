#!/bin/bash
# nova-status.sh: what of the nova lab runs: each recorded daemon with its PID, whether it is
# alive, and the memory of it plus its children (uwsgi workers, beam, API workers); then
# processes of the lab that belong to no recorded daemon (epmd). Exit 0 only if all are alive.
. "$(dirname "$(readlink -f "$0")")/nova-up.sh"
set -u

# tree PID: PID and all its descendants.
tree() {
    local c
    echo "$1"
    for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do tree "$c"; done
}

# mem PID...: "RSS PSS" in KiB, summed over the PIDs.
mem() {
    local p
    for p in "$@"; do cat "/proc/$p/smaps_rollup" 2>/dev/null; done |
        awk '$1 == "Rss:" { r += $2 } $1 == "Pss:" { s += $2 } END { printf "%d %d\n", r, s }'
}

status_main() {
    local f name pid pids rss pss dead=0 seen=" " trss=0 tpss=0 p
    printf '%-16s %8s %-6s %5s %8s %8s\n' SERVICE PID STATE PROCS RSS_MiB PSS_MiB
    for f in "$RUN"/*.pid; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .pid)
        if ! pid=$(daemon_pid "$name"); then
            printf '%-16s %8s %-6s\n' "$name" "$(recorded_pid "$name")" dead
            dead=$((dead + 1))
            continue
        fi
        mapfile -t pids < <(tree "$pid")
        seen+="${pids[*]} "
        read -r rss pss < <(mem "${pids[@]}")
        trss=$((trss + rss))
        tpss=$((tpss + pss))
        printf '%-16s %8s %-6s %5s %8d %8d\n' "$name" "$pid" alive "${#pids[@]}" $((rss / 1024)) $((pss / 1024))
    done
    for p in $(lab_pids); do
        [[ $seen == *" $p "* ]] && continue
        read -r rss pss < <(mem "$p")
        trss=$((trss + rss))
        tpss=$((tpss + pss))
        printf '%-16s %8s %-6s %5s %8d %8d\n' "($(cat "/proc/$p/comm"))" "$p" alive 1 $((rss / 1024)) $((pss / 1024))
    done
    printf '%-16s %8s %-6s %5s %8d %8d\n' TOTAL "" "" "" $((trss / 1024)) $((tpss / 1024))
    [ "$dead" = 0 ]
}

status_main "$@"
