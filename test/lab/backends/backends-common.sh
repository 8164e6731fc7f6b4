#!/bin/bash
# backends-common.sh: helpers of masakari-up.sh, mistral-up.sh and backends-down.sh (sourced, not run).
#
# They add a real Masakari 14 and a real Mistral 15 (Debian 12 packages) to the Nova lab of
# nova-up.sh and reuse its MariaDB, RabbitMQ (127.0.0.1:5672, guest) and Keystone (:5000). The
# process helpers (daemon_start, daemon_pid, wait_until, sql, run_once ...) are nova-up.sh's own,
# so the daemons carry the lab's mark and pid files "PID START" in $LAB/run: nova-status.sh lists
# them and nova-down.sh's sweep would find them. Knobs: those of nova-up.sh (LAB, ADMIN_PASS,
# DB_PASS, SKIP_APT).
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../nova/nova-up.sh"
# the daemons' HTTP clients (Mistral's std.http, keystoneauth) must reach 127.0.0.1 directly
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

# Every back-end daemon: name, port (- for none), readiness URL (- for none); appended to
# nova-up.sh's service table so that daemon_start checks the port.
BACKEND_SERVICES="masakari-api:15868:http://$IP:15868/
masakari-engine:-:-
mistral-api:8989:http://$IP:8989/
mistral-engine:-:-
mistral-executor:-:-"
SERVICES="$SERVICES
$BACKEND_SERVICES"

# require_nova_lab: MariaDB, RabbitMQ and Keystone of nova-up.sh answer.
require_nova_lab() {
    [ -f "$LAB/openrc" ] || die "no $LAB/openrc: run test/lab/nova/nova-up.sh first"
    sql_ok 'SELECT 1' || die "MariaDB of the Nova lab does not answer ($LAB/mysql/mysqld.sock): run test/lab/nova/nova-up.sh"
    port_busy 5672 || die "RabbitMQ of the Nova lab does not listen on 5672: run test/lab/nova/nova-up.sh"
    http_up "$AUTH_URL" || die "Keystone of the Nova lab does not answer on $AUTH_URL: run test/lab/nova/nova-up.sh"
    mkdir -p "$RUN" "$LOGS" "$ETC" "$LAB/state" "$LAB/pkgfiles" "$LAB/bin"
}

# install_debs PKG...: apt-get install the missing ones (never when SKIP_APT=1).
install_debs() {
    local p missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$SKIP_APT" = 1 ] && die "SKIP_APT=1 but packages are missing: ${missing[*]}"
    say "apt-get install ${missing[*]}"
    apt-get install -y -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >"$LOGS/apt-install-$1.log" 2>&1 ||
        { apt-get -o DPkg::Lock::Timeout=600 update >"$LOGS/apt-update.log" 2>&1 &&
            apt-get install -y -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >"$LOGS/apt-install-$1.log" 2>&1; } ||
        die "apt-get install failed, see $LOGS/apt-install-$1.log"
}

# unpack_deb PKG FILE: $LAB/pkgfiles/FILE from the (not installed) deb PKG, whose maintainer
# scripts want debconf, dbconfig and systemd.
unpack_deb() {
    local tmp
    [ -f "$LAB/pkgfiles/$2" ] && return 0
    [ "$SKIP_APT" = 1 ] && die "SKIP_APT=1 but $LAB/pkgfiles/$2 (from the $1 deb) is missing"
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download "$1") >"$LOGS/apt-download-$1.log" 2>&1 ||
        { rm -rf "$tmp"; die "apt-get download $1 failed, see $LOGS/apt-download-$1.log"; }
    dpkg-deb -x "$tmp"/*.deb "$LAB/pkgfiles"
    rm -rf "$tmp"
    [ -f "$LAB/pkgfiles/$2" ] || die "the $1 deb has no $2"
}

# keystone_register USER TYPE URL: service user USER (admin + service in project service),
# service USER of type TYPE, endpoints public/internal/admin = URL in RegionOne. Idempotent.
keystone_register() {
    KS_USER=$1 KS_TYPE=$2 KS_URL=$3 ADMIN_PASS=$ADMIN_PASS AUTH_URL=$AUTH_URL $PY - <<'EOF' >>"$LOGS/keystone-register.log" 2>&1 ||
import os
from keystoneauth1 import adapter, session
from keystoneauth1.identity import v3

pw = os.environ["ADMIN_PASS"]
auth = v3.Password(auth_url=os.environ["AUTH_URL"], username="admin", password=pw, project_name="admin",
                   user_domain_id="default", project_domain_id="default")
ks = adapter.Adapter(session.Session(auth=auth), service_type="identity", interface="public")


def find_or_create(kind, key, body, **query):
    rows = ks.get(f"/{kind}", params=query).json()[kind]
    return rows[0] if rows else ks.post(f"/{kind}", json={key: body}).json()[key]


name, kind, url = os.environ["KS_USER"], os.environ["KS_TYPE"], os.environ["KS_URL"]
project = find_or_create("projects", "project", {"name": "service", "domain_id": "default"}, name="service")
user = find_or_create("users", "user", {"name": name, "domain_id": "default", "password": pw}, name=name)
for r in ("admin", "service"):
    role = find_or_create("roles", "role", {"name": r}, name=r)
    ks.put(f"/projects/{project['id']}/users/{user['id']}/roles/{role['id']}")
svc = find_or_create("services", "service", {"name": name, "type": kind}, type=kind)
have = {e["interface"]: e for e in ks.get("/endpoints", params={"service_id": svc["id"]}).json()["endpoints"]}
for iface in ("public", "internal", "admin"):
    if iface not in have:
        ks.post("/endpoints", json={"endpoint": {"service_id": svc["id"], "interface": iface, "url": url,
                                                 "region_id": "RegionOne"}})
    elif have[iface]["url"] != url:
        ks.patch(f"/endpoints/{have[iface]['id']}", json={"endpoint": {"url": url}})
print(f"registered {name} ({kind}) at {url}")
EOF
        die "Keystone registration of $1 failed, see $LOGS/keystone-register.log"
}

# alive NAME: the daemon runs; otherwise show its log tails and die.
alive() {
    daemon_pid "$1" >/dev/null && return 0
    tail -n 30 "$LOGS/$1.log" "$LOGS/$1.out" >&2 2>/dev/null
    die "$1 died"
}
# api_ready NAME: alive and its readiness URL answers.
api_ready() { alive "$1" && http_up "$(service_url "$1")"; }
# amqp_ready NAME: alive and holds an established connection to RabbitMQ (oslo.messaging logs
# nothing at INFO when it connects, so the socket is the sign that its RPC server consumes).
amqp_ready() {
    local p
    alive "$1" && p=$(daemon_pid "$1") &&
        ss -Htnp state established '( dport = :5672 )' 2>/dev/null | grep -q "pid=$p,"
}

# stop_daemons NAME...: TERM each running one, wait up to 20 s, then KILL; pid files go.
stop_daemons() {
    local n id pid start names=() pids=() starts=() i t
    for n in "$@"; do
        if id=$(daemon_id "$n"); then
            read -r pid start <<<"$id"
            kill -TERM "$pid" 2>/dev/null
            names+=("$n") pids+=("$pid") starts+=("$start")
        else
            rm -f "$RUN/$n.pid"
        fi
    done
    for i in "${!pids[@]}"; do
        for t in $(seq 100); do same_process "${pids[$i]}" "${starts[$i]}" || break; sleep 0.2; done
        if same_process "${pids[$i]}" "${starts[$i]}"; then
            say "${names[$i]} (pid ${pids[$i]}) ignored TERM: KILL"
            kill -KILL "${pids[$i]}" 2>/dev/null
        fi
        rm -f "$RUN/${names[$i]}.pid"
        say "stopped ${names[$i]} (pid ${pids[$i]})"
    done
}
