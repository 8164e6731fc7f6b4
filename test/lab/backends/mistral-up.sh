#!/bin/bash
# mistral-up.sh: add a real Mistral 15 (Debian 12: python3-mistral 15.0.0) to the running Nova lab
# of nova-up.sh: mistral-api on 127.0.0.1:8989, mistral-engine and mistral-executor (three
# processes of mistral.cmd.launch), with their own MariaDB database "mistral", the lab's RabbitMQ,
# and Keystone user and service "mistral" (type workflowv2, endpoint http://127.0.0.1:8989/v2).
# Idempotent: a re-run starts only what is not running. Stop with backends-down.sh mistral, or
# one part (backends-down.sh mistral-engine) and bring it back with this script.
# Knobs: nova-up.sh's (LAB, ADMIN_PASS, DB_PASS, SKIP_APT), MISTRAL_DEBUG=false.
# Debian 12 has no mistral-extra (no nova.* actions): our workflow calls Nova with std.http.
. "$(dirname "$(readlink -f "$0")")/backends-common.sh"
set -euo pipefail

MISTRAL_DEBUG=${MISTRAL_DEBUG:-false}
MISTRAL_PORT=$(service_field mistral-api 2)
CONF=$ETC/mistral/mistral.conf

write_config() {
    mkdir -p "$ETC/mistral" "$LAB/mistral/lock"
    cat >"$CONF" <<EOF
[DEFAULT]
debug = $MISTRAL_DEBUG
transport_url = $RABBIT_URL
rpc_response_timeout = 60
[api]
host = $IP
port = $MISTRAL_PORT
api_workers = 1
[database]
connection = $(dburl mistral)
[pecan]
auth_enable = true
[engine]
host = mistral-lab
[executor]
host = mistral-lab
[oslo_concurrency]
lock_path = $LAB/mistral/lock
$(authtoken mistral workflowv2)
EOF
    chmod 600 "$CONF"
}

# python3-mistral has no daemon scripts (they ship in mistral-common, whose postinst wants
# debconf and dbconfig): own entry points.
db_sync() {
    { "$LAB/bin/mistral-db-manage" --config-file "$CONF" upgrade head &&
        "$LAB/bin/mistral-db-manage" --config-file "$CONF" populate; } >>"$LOGS/mistral-db-manage.log" 2>&1 ||
        die "mistral-db-manage failed, see $LOGS/mistral-db-manage.log"
}

# part NAME: mistral-server --server NAME as daemon mistral-NAME.
part() {
    daemon_start "mistral-$1" "$LAB/bin/mistral-server" --config-file "$CONF" --server "$1" --log-file "$LOGS/mistral-$1.log"
}

main() {
    local t apt_ms
    require_nova_lab
    t=$(date +%s%N)
    install_debs python3-mistral python3-mistralclient
    apt_ms=$(ms "$t")
    t=$(date +%s%N)
    write_config
    entry_point mistral-server mistral.cmd.launch
    entry_point mistral-db-manage mistral.db.sqlalchemy.migration.cli
    sql "CREATE DATABASE IF NOT EXISTS mistral CHARACTER SET utf8mb4;"
    keystone_register mistral workflowv2 "http://$IP:$MISTRAL_PORT/v2"
    run_once mistral-db db_sync
    part engine
    part executor
    part api
    wait_until 120 mistral-engine amqp_ready mistral-engine
    wait_until 120 mistral-executor amqp_ready mistral-executor
    wait_until 120 mistral-api api_ready mistral-api
    say "mistral is up: apt=$(secs "$apt_ms") start=$(secs "$(ms "$t")") total=$(secs "$(ms "$T0")")"
    echo "API: http://$IP:$MISTRAL_PORT/v2 (Keystone type workflowv2); logs $LOGS/mistral-{api,engine,executor}.log; config $CONF"
}

main "$@"
