#!/bin/bash
# masakari-up.sh: add a real Masakari 14 (Debian 12: python3-masakari 14.0.2) to the running Nova
# lab of nova-up.sh: masakari-api on 127.0.0.1:15868 and masakari-engine, with their own MariaDB
# database "masakari" (also taskflow's persistence), the lab's RabbitMQ, and Keystone user and
# service "masakari" (type instance-ha, endpoint http://127.0.0.1:15868/v1).
# Idempotent: a re-run starts only what is not running. Stop with backends-down.sh masakari.
#
# Knobs (environment), besides nova-up.sh's (LAB, ADMIN_PASS, DB_PASS, SKIP_APT). The lab's
# defaults are the settings docs/backends.md recommends with our fencing (the host is forced down
# before Masakari hears of it); Masakari's packaged defaults are in brackets:
#   MASAKARI_WAIT_SERVICE=5     wait_period_after_service_update [180]: sleep after disabling the host
#   MASAKARI_WAIT_EVACUATION=90 wait_period_after_evacuation [90]: per-server wait for the evacuation
#   MASAKARI_DUP_INTERVAL=10    duplicate_notification_detection_interval [180]: our driver finds its
#                               own notification again; a long window refuses a real second failure
#   MASAKARI_RETRY_INTERVAL=30  process_unfinished_notifications_interval [120]
#   MASAKARI_EXPIRED_INTERVAL=120 notifications_expired_interval [86400]: a notification still new,
#                               running or error this long after its generated_time is set failed.
#                               The only way out for one whose engine died mid-run (Masakari
#                               re-runs new and error ones only): keep it above the longest recovery
#   MASAKARI_EXPIRED_CHECK=15   check_expired_notifications_interval [600]
#   MASAKARI_DEBUG=false
# The config is rewritten on every run; a running daemon keeps what it started with.
. "$(dirname "$(readlink -f "$0")")/backends-common.sh"
set -euo pipefail

MASAKARI_WAIT_SERVICE=${MASAKARI_WAIT_SERVICE:-5}
MASAKARI_WAIT_EVACUATION=${MASAKARI_WAIT_EVACUATION:-90}
MASAKARI_DUP_INTERVAL=${MASAKARI_DUP_INTERVAL:-10}
MASAKARI_RETRY_INTERVAL=${MASAKARI_RETRY_INTERVAL:-30}
MASAKARI_EXPIRED_INTERVAL=${MASAKARI_EXPIRED_INTERVAL:-120}
MASAKARI_EXPIRED_CHECK=${MASAKARI_EXPIRED_CHECK:-15}
MASAKARI_DEBUG=${MASAKARI_DEBUG:-false}
MASAKARI_PORT=$(service_field masakari-api 2)
CONF=$ETC/masakari/masakari.conf

write_config() {
    mkdir -p "$ETC/masakari" "$LAB/masakari/lock"
    # the paste pipeline ships only in the masakari-api deb (not installed: debconf, systemd)
    unpack_deb masakari-api etc/masakari/api-paste.ini
    cp "$LAB/pkgfiles/etc/masakari/api-paste.ini" "$ETC/masakari/api-paste.ini"
    cat >"$CONF" <<EOF
[DEFAULT]
debug = $MASAKARI_DEBUG
host = masakari-lab
transport_url = $RABBIT_URL
auth_strategy = keystone
masakari_api_listen = $IP
masakari_api_listen_port = $MASAKARI_PORT
masakari_api_workers = 1
os_privileged_user_name = masakari
os_privileged_user_password = $ADMIN_PASS
os_privileged_user_tenant = service
os_privileged_user_auth_url = $AUTH_URL
os_user_domain_name = Default
os_project_domain_name = Default
os_region_name = RegionOne
nova_catalog_admin_info = compute:nova:publicURL
wait_period_after_service_update = $MASAKARI_WAIT_SERVICE
wait_period_after_evacuation = $MASAKARI_WAIT_EVACUATION
duplicate_notification_detection_interval = $MASAKARI_DUP_INTERVAL
process_unfinished_notifications_interval = $MASAKARI_RETRY_INTERVAL
notifications_expired_interval = $MASAKARI_EXPIRED_INTERVAL
check_expired_notifications_interval = $MASAKARI_EXPIRED_CHECK
periodic_fuzzy_delay = 0
[wsgi]
api_paste_config = $ETC/masakari/api-paste.ini
[database]
connection = $(dburl masakari)
[taskflow]
connection = $(dburl masakari)
[oslo_concurrency]
lock_path = $LAB/masakari/lock
$(authtoken masakari)
EOF
    chmod 600 "$CONF"
}

# db_sync: masakari's tables, then taskflow's. Workaround 1: Debian 12's python3-taskflow 5.0.0-3
# lacks its alembic migrations, so masakari's migration 006 (which asks taskflow to create its
# tables) fails with "No config file '.../alembic/alembic.ini' found". The migrations run with
# [taskflow] connection emptied (006 then skips that step), and taskflow's three tables
# (logbooks, flowdetails, atomdetails) are created from taskflow's own table definitions, as
# taskflow itself does on SQLite.
db_sync() {
    printf '[taskflow]\nconnection =\n' >"$ETC/masakari/no-taskflow.conf"
    masakari-manage --config-file "$CONF" --config-file "$ETC/masakari/no-taskflow.conf" db sync \
        >>"$LOGS/masakari-manage.log" 2>&1 || die "masakari-manage db sync failed, see $LOGS/masakari-manage.log"
    DBURL=$(dburl masakari) $PY - <<'EOF' >>"$LOGS/masakari-manage.log" 2>&1 ||
import os
import sqlalchemy as sa
from taskflow.persistence.backends.sqlalchemy import tables
metadata = sa.MetaData()
tables.fetch(metadata)
metadata.create_all(sa.create_engine(os.environ["DBURL"]))
print("taskflow tables:", sorted(metadata.tables))
EOF
        die "creating taskflow's tables failed, see $LOGS/masakari-manage.log"
}

# Workaround 2: Debian 12's oslo.messaging 14.0.3-0+deb12u1 rebuilds every notification's
# context from a sanitized dict; masakari 14.0.2's RequestContext then gets read_deleted=None and
# raises ValueError, so every call that emits a versioned notification (POST /v1/segments, host
# and notification create, the engine's processing) fails with 500. The entry points map None to
# masakari's default 'no' before main(); no installed file is changed.
READ_DELETED_SHIM="import masakari.context as _ctx
_set = _ctx.RequestContext._set_read_deleted
_ctx.RequestContext.read_deleted = property(_ctx.RequestContext._get_read_deleted,
    lambda self, value: _set(self, 'no' if value is None else value), _ctx.RequestContext._del_read_deleted)"

main() {
    local t
    require_nova_lab
    t=$(date +%s%N)
    install_debs python3-masakari python3-masakariclient
    local apt_ms
    apt_ms=$(ms "$t")
    t=$(date +%s%N)
    write_config
    entry_point masakari-api masakari.cmd.api "$READ_DELETED_SHIM"
    entry_point masakari-engine masakari.cmd.engine "$READ_DELETED_SHIM"
    sql "CREATE DATABASE IF NOT EXISTS masakari CHARACTER SET utf8mb4;"
    keystone_register masakari instance-ha "http://$IP:$MASAKARI_PORT/v1"
    run_once masakari-db db_sync
    daemon_start masakari-api "$LAB/bin/masakari-api" --config-file "$CONF" --log-file "$LOGS/masakari-api.log"
    daemon_start masakari-engine "$LAB/bin/masakari-engine" --config-file "$CONF" --log-file "$LOGS/masakari-engine.log"
    wait_until 120 masakari-api api_ready masakari-api
    wait_until 120 masakari-engine amqp_ready masakari-engine
    say "masakari is up: apt=$(secs "$apt_ms") start=$(secs "$(ms "$t")") total=$(secs "$(ms "$T0")")"
    echo "API: http://$IP:$MASAKARI_PORT/v1 (Keystone type instance-ha); logs $LOGS/masakari-{api,engine}.log; config $CONF"
}

main "$@"
