#!/bin/bash
# backends-down.sh: stop what masakari-up.sh and mistral-up.sh started, by their pid files (PID
# and start time); nothing is signalled by name. Databases, configs and Keystone entries stay.
#   backends-down.sh                    both back-ends
#   backends-down.sh masakari|mistral   one back-end
#   backends-down.sh mistral-engine ... single daemons (to kill one mid-recovery: add --kill)
#   backends-down.sh --purge            both, then drop their databases, Keystone entries and files
# Run it before nova-down.sh (which would only sweep them by the lab's mark, after MariaDB).
. "$(dirname "$(readlink -f "$0")")/backends-common.sh"
set -uo pipefail

MASAKARI=(masakari-api masakari-engine)
MISTRAL=(mistral-api mistral-engine mistral-executor)

purge() {
    sql "DROP DATABASE IF EXISTS masakari; DROP DATABASE IF EXISTS mistral;" 2>/dev/null || say "MariaDB not reachable: databases left"
    http_up "$AUTH_URL" && ADMIN_PASS=$ADMIN_PASS AUTH_URL=$AUTH_URL $PY - <<'EOF' || say "Keystone clean-up failed"
import os
from keystoneauth1 import adapter, session
from keystoneauth1.identity import v3
auth = v3.Password(auth_url=os.environ["AUTH_URL"], username="admin", password=os.environ["ADMIN_PASS"],
                   project_name="admin", user_domain_id="default", project_domain_id="default")
ks = adapter.Adapter(session.Session(auth=auth), service_type="identity", interface="public")
for name in ("masakari", "mistral"):
    for s in ks.get("/services").json()["services"]:
        if s["name"] == name:
            ks.delete(f"/services/{s['id']}")
    for u in ks.get("/users", params={"name": name}).json()["users"]:
        ks.delete(f"/users/{u['id']}")
EOF
    rm -rf "$ETC/masakari" "$ETC/mistral" "$LAB/masakari" "$LAB/mistral" "$LAB/pkgfiles/etc/masakari" \
        "$LAB"/state/{masakari,mistral}-db.done
    say "purged"
}

# kill_now NAME...: SIGKILL (a crash, for the tests), pid files go.
kill_now() {
    local n pid
    for n in "$@"; do
        pid=$(daemon_pid "$n") && kill -KILL "$pid" 2>/dev/null && say "killed $n (pid $pid)"
        rm -f "$RUN/$n.pid"
    done
}

names=()
do_purge=0 do_kill=0
[ $# -eq 0 ] && set -- all
for a in "$@"; do
    case $a in
    all) names+=("${MISTRAL[@]}" "${MASAKARI[@]}") ;;
    masakari) names+=("${MASAKARI[@]}") ;;
    mistral) names+=("${MISTRAL[@]}") ;;
    masakari-api | masakari-engine | mistral-api | mistral-engine | mistral-executor) names+=("$a") ;;
    --kill) do_kill=1 ;;
    --purge) do_purge=1 names+=("${MISTRAL[@]}" "${MASAKARI[@]}") ;;
    *) echo "usage: $0 [all|masakari|mistral|DAEMON...] [--kill] [--purge]" >&2; exit 2 ;;
    esac
done
[ ${#names[@]} -eq 0 ] && names=("${MISTRAL[@]}" "${MASAKARI[@]}")
if [ $do_kill = 1 ]; then kill_now "${names[@]}"; else stop_daemons "${names[@]}"; fi
[ $do_purge = 1 ] && purge
exit 0
