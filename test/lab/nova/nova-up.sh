#!/bin/bash
# nova-up.sh: bring up the project's real Keystone + Nova lab on this machine, loopback only,
# no systemd: MariaDB, RabbitMQ, Keystone, Placement, Glance, neutron-server, nova-api,
# nova-conductor, nova-scheduler and NCOMPUTE nova-compute processes (FakeDriver) named
# compute-1..N. Re-running it starts only what is not running. See test/lab/nova/README.md.
#
# Knobs (environment):
#   LAB=/var/lib/nova-ha-nova-lab  state, configs, logs, PIDs ($LAB/run/NAME.pid)
#   NCOMPUTE=3                     nova-compute services compute-1..N
#   SEED=1                         flavors lab.tiny + lab.tiny.evac, image lab-image, NSERVERS servers
#   NSERVERS=6                     servers lab-vm-1..N, round-robin over the computes
#   ADMIN_PASS=labpass             Keystone admin password (service users get the same)
#   SKIP_APT=0                     1: never call apt-get
#   VIRT_DRIVER=FakeDriver         or SmallFakeDriver / MediumFakeDriver (capacity limits); nova's
#                                  fake driver, made to keep its guests across compute restarts
#   REPORT_INTERVAL=10             nova [DEFAULT] report_interval (s)
#   SERVICE_DOWN_TIME=60           nova [DEFAULT] service_down_time (s)
#   RPC_TIMEOUT=60                 [DEFAULT] rpc_response_timeout (s) for nova and neutron
#   DISCOVER_INTERVAL=5            nova [scheduler] discover_hosts_in_cells_interval (s)
#
# The other nova-*.sh scripts source this file for its settings and helpers; `main` runs only
# when the file is executed.

LAB=${LAB:-/var/lib/nova-ha-nova-lab}
NCOMPUTE=${NCOMPUTE:-3}
SEED=${SEED:-1}
NSERVERS=${NSERVERS:-6}
ADMIN_PASS=${ADMIN_PASS:-labpass}
DB_PASS=${DB_PASS:-labdb}
SKIP_APT=${SKIP_APT:-0}
VIRT_DRIVER=${VIRT_DRIVER:-FakeDriver}
REPORT_INTERVAL=${REPORT_INTERVAL:-10}
SERVICE_DOWN_TIME=${SERVICE_DOWN_TIME:-60}
RPC_TIMEOUT=${RPC_TIMEOUT:-60}
DISCOVER_INTERVAL=${DISCOVER_INTERVAL:-5}

# Debian's python and clients, never the pyenv shims that come first in this machine's PATH.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive
PY=/usr/bin/python3
IP=127.0.0.1
AUTH_URL=http://$IP:5000/v3
RUN=$LAB/run
LOGS=$LAB/log
ETC=$LAB/etc
RABBIT_NODE=novahalab@localhost
RABBIT_URL=rabbit://guest:guest@$IP:5672/
RABBITMQCTL=/usr/lib/rabbitmq/bin/rabbitmqctl   # /usr/sbin's wrapper switches user and HOME
# Every daemon is started with this variable in its environment; its children inherit it, so
# the lab's processes can be told apart from anything else on the machine by PID.
MARK=NOVA_HA_LAB=$LAB

# Service table: name, TCP port (- for none), readiness URL (- for none).
SERVICES="mariadb:3306:-
rabbitmq:5672:-
keystone:5000:http://$IP:5000/v3
placement:8778:http://$IP:8778/
glance-api:9292:http://$IP:9292/
neutron-server:9696:http://$IP:9696/
nova-conductor:-:-
nova-scheduler:-:-
nova-api:8774:http://$IP:8774/"

# Catalog: service name, type, URL (public = internal = admin).
CATALOG="nova compute http://$IP:8774/v2.1
placement placement http://$IP:8778
glance image http://$IP:9292
neutron network http://$IP:9696"

PACKAGES="python3-nova python3-keystone python3-placement python3-glance python3-neutron
python3-openstackclient python3-novaclient python3-osc-placement python3-keystoneauth1
python3-pymysql rabbitmq-server mariadb-server uwsgi-core uwsgi-plugin-python3 curl procps iproute2"

T0=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
secs() { awk -v m="$1" 'BEGIN { printf "%.1fs", m / 1000 }'; }
say() { printf '[%6s] %s\n' "$(secs "$(ms "$T0")")" "$*"; }
die() { say "FATAL: $*" >&2; exit 1; }

# ------------------------------------------------------------------ processes

# Identity of a daemon. Its pid file holds "PID START": START is the process's start time
# (/proc/PID/stat field 22, clock ticks since boot), which fork sets and exec keeps, so the pair
# names exactly the process nova-up.sh started, from the moment it is forked, whatever it later
# does to its title, environment or children, and never a later process that reuses the PID.
# (The environment mark alone is not enough: right after the fork the child is still this
# script, without the mark, until it execs the daemon. Keystone's first readiness check fell
# into that window on a busy machine and reported "keystone died" while uwsgi went on running.)

# proc_stat PID: print "STATE START" of process PID, zombie or not; fail if there is none.
proc_stat() {
    local s fields
    read -r s 2>/dev/null <"/proc/$1/stat" || return 1
    read -ra fields <<<"${s##*) }"   # the fields after "PID (comm) "; comm may hold spaces or ")"
    echo "${fields[0]} ${fields[19]}"
}

# proc_start PID: print the start time of the live process PID; fail if it does not exist or
# is a zombie (exited, not yet reaped).
proc_start() {
    local st
    st=$(proc_stat "$1") && [[ $st != [ZX]* ]] && echo "${st#* }"
}

# same_process PID START: PID is still the process that started at START.
same_process() { [ -n "$2" ] && [ "$(proc_start "$1")" = "$2" ]; }

# lab_owns PID: the process is this lab's: it carries the mark, or, for daemons whose
# setproctitle blanks their environment (neutron), runs one of $LAB/bin. Used to find the
# children of daemons (uwsgi workers, beam, epmd), which have no pid file.
lab_owns() {
    local e
    e=$(tr '\0' '\n' 2>/dev/null <"/proc/$1/environ") || return 1
    [[ $'\n'$e$'\n' == *$'\n'"$MARK"$'\n'* ]] && return 0
    e=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
    [[ $e == *" $LAB/bin/"* ]]
}

# daemon_id NAME: print "PID START" of the running lab daemon NAME; fail if it is not running.
# A pid file of an older nova-up.sh (PID only) is trusted if the process carries the mark.
daemon_id() {
    local p="" s=""
    { read -r p s <"$RUN/$1.pid"; } 2>/dev/null
    [[ $p =~ ^[0-9]+$ ]] || return 1
    if [ -z "$s" ]; then
        lab_owns "$p" && s=$(proc_start "$p") || return 1
    fi
    same_process "$p" "$s" && echo "$p $s"
}

# daemon_pid NAME: print the PID of the running lab daemon NAME; fail if it is not running.
daemon_pid() {
    local id
    id=$(daemon_id "$1") && echo "${id%% *}"
}

# recorded_pid NAME: the PID in NAME's pid file, alive or not (for messages).
recorded_pid() { awk '{ print $1; exit }' "$RUN/$1.pid" 2>/dev/null; }

# lab_pids: every live process that carries the lab's mark, daemons and their children.
lab_pids() {
    local d p
    for d in /proc/[0-9]*; do
        p=${d#/proc/}
        [ "$p" != $$ ] && lab_owns "$p" && echo "$p"
    done
    return 0
}

# port_busy PORT: something listens on 127.0.0.1:PORT or *:PORT.
port_busy() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

# daemon_start NAME CMD...: start CMD detached with the lab's mark unless NAME already runs.
daemon_start() {
    local name=$1 p port start i
    shift
    if p=$(daemon_pid "$name"); then
        say "$name already running (pid $p)"
        return 0
    fi
    port=$(service_field "$name" 2)
    if [ -n "$port" ] && [ "$port" != - ] && port_busy "$port"; then
        die "port $port for $name is taken by a process that is not this lab's (another lab running?)"
    fi
    # Not a process-group leader, so setsid does not fork and $! is the daemon itself. Descriptors above 2
    # are closed first: a daemon that inherited the lock of `flock /tmp/nha-nova-lab.lock nova-up.sh` held the
    # lab's lock for as long as it ran, and every later flock waited for nova-down.sh.
    (close_inherited_fds && exec setsid env "$MARK" "$@") >>"$LOGS/$name.out" 2>&1 </dev/null &
    p=$!
    start=$(proc_start "$p") || start_failed "$name" "$p"
    printf '%s %s\n' "$p" "$start" >"$RUN/$name.pid.tmp"
    mv "$RUN/$name.pid.tmp" "$RUN/$name.pid"
    # Until it has exec'd the daemon, the child is a copy of this script: wait for that, so that
    # the daemon and its children can be found by the mark from now on.
    for i in $(seq 100); do
        lab_owns "$p" && break
        same_process "$p" "$start" || start_failed "$name" "$p"
        sleep 0.05
    done
    say "started $name (pid $p)"
}

# close_inherited_fds: closes every descriptor of this (sub)shell above 2.
close_inherited_fds() {
    local fd
    for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] && { eval "exec $fd>&-"; } 2>/dev/null
    done
    return 0
}

# start_failed NAME PID: the daemon exited at once; show its output and die.
start_failed() {
    tail -n 20 "$LOGS/$1.out" >&2 2>/dev/null
    die "$1 (pid $2) exited at once, see $LOGS/$1.out"
}

# service_field NAME N: field N (1 name, 2 port) of NAME's row in the service table.
service_field() { awk -F: -v n="$1" -v f="$2" '$1 == n { print $f }' <<<"$SERVICES"; }

# service_url NAME: readiness URL of NAME (empty for none).
service_url() {
    local row
    row=$(grep "^$1:" <<<"$SERVICES") || return 0
    row=${row#*:*:}
    [ "$row" = - ] || echo "$row"
}

# wait_until SECONDS WHAT CMD...: poll CMD (which keeps its stderr quiet) every 0.5 s; die
# naming WHAT on timeout.
wait_until() {
    local limit=$1 what=$2 start
    shift 2
    start=$(date +%s)
    until "$@" >/dev/null; do
        [ $(( $(date +%s) - start )) -lt "$limit" ] || die "timed out after ${limit}s waiting for $what"
        sleep 0.5
    done
}

# http_up URL: the URL answers at all (any HTTP status).
http_up() { curl -s -o /dev/null -m 5 "$1"; }

# service_ready NAME: the daemon lives and its URL answers; dies with the log tail if it died.
service_ready() {
    local url
    daemon_pid "$1" >/dev/null || { tail -n 20 "$LOGS/$1.out" "$LOGS/$1.log" >&2 2>/dev/null; die "$1 died"; }
    url=$(service_url "$1")
    [ -z "$url" ] || http_up "$url"
}

# sql QUERY: run QUERY as MariaDB root over the lab's socket, tab-separated, no header.
sql() { mariadb --no-defaults -S "$LAB/mysql/mysqld.sock" -N -B -e "$1"; }
sql_ok() { sql "$1" >/dev/null 2>&1; }

# stamp NAME: a one-time setup step NAME is done; run_once NAME FUNC runs FUNC unless stamped.
stamp() { touch "$LAB/state/$1.done"; }
run_once() { [ -f "$LAB/state/$1.done" ] || { "$2" && stamp "$1"; }; }

# rabbit_env: environment for rabbitmq-server and rabbitmqctl of this lab's node.
rabbit_env() {
    export HOME=$LAB/rabbitmq RABBITMQ_NODENAME=$RABBIT_NODE
    export RABBITMQ_NODE_IP_ADDRESS=$IP RABBITMQ_NODE_PORT=5672 RABBITMQ_DIST_PORT=25672
    export ERL_EPMD_ADDRESS=$IP RABBITMQ_MNESIA_BASE=$LAB/rabbitmq/mnesia
    export RABBITMQ_LOG_BASE=$LOGS/rabbitmq RABBITMQ_CONFIG_FILE=$LAB/rabbitmq/rabbitmq.conf
    export RABBITMQ_ENABLED_PLUGINS_FILE=$LAB/rabbitmq/enabled_plugins
    export RABBITMQ_CONF_ENV_FILE=$LAB/rabbitmq/rabbitmq-env.conf
    # no busy-waiting schedulers: the lab shares 2 cores with everything else
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none"
}

# compute_conf N: write compute-N.conf (host, state, lock path); no DB credentials.
compute_conf() {
    local h=compute-$1
    mkdir -p "$LAB/compute/$h/instances" "$LAB/compute/$h/lock"
    cat >"$ETC/nova/$h.conf" <<EOF
[DEFAULT]
host = $h
state_path = $LAB/compute/$h
instances_path = $LAB/compute/$h/instances
[oslo_concurrency]
lock_path = $LAB/compute/$h/lock
EOF
}

# compute_start N: start nova-compute-N (host compute-N) unless it runs.
compute_start() {
    [ -f "$ETC/nova/nova.conf" ] || die "no $ETC/nova/nova.conf: run nova-up.sh first"
    [ -f "$ETC/nova/compute-$1.conf" ] || compute_conf "$1"
    daemon_start "nova-compute-$1" "$LAB/bin/nova-compute" --config-file "$ETC/nova/nova.conf" \
        --config-file "$ETC/nova/compute-$1.conf" --log-file "$LOGS/nova-compute-$1.log"
}

# ------------------------------------------------------------------ packages

ensure_policy_rc() {
    local f=/usr/sbin/policy-rc.d rc=0
    [ -x "$f" ] && { "$f" mariadb start >/dev/null 2>&1 || rc=$?; }
    [ "$rc" = 101 ] && return 0
    [ -e "$f" ] && cp -p "$f" "$LAB/state/policy-rc.d.orig" && say "saved the old $f, restored after apt"
    printf '#!/bin/sh\n# nova-ha-agents nova lab: apt must not start services\nexit 101\n' >"$f"
    chmod 755 "$f"
    say "wrote $f (exit 101)"
}

install_packages() {
    local p missing=() i
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$SKIP_APT" = 1 ] && die "SKIP_APT=1 but packages are missing: ${missing[*]}"
        ensure_policy_rc
        say "apt-get install ${#missing[@]} packages: ${missing[*]}"
        for i in 1 2 3 4 5 6; do
            apt-get -o DPkg::Lock::Timeout=600 update >"$LOGS/apt-update.log" 2>&1 && break
            [ "$i" = 6 ] && die "apt-get update failed, see $LOGS/apt-update.log"
            sleep 10
        done
        apt-get install -y -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" \
            >"$LOGS/apt-install.log" 2>&1 || die "apt-get install failed, see $LOGS/apt-install.log"
        if [ -f "$LAB/state/policy-rc.d.orig" ]; then
            mv "$LAB/state/policy-rc.d.orig" /usr/sbin/policy-rc.d
        fi
    fi
    # The python3-* packages lack the paste pipelines; those ship in the *-common debs, whose
    # postinst wants debconf and dbconfig. Unpack only their files.
    if [ ! -f "$LAB/pkgfiles/usr/share/nova-common/api-paste.ini" ]; then
        local tmp
        tmp=$(mktemp -d)
        (cd "$tmp" && apt-get download nova-common glance-common neutron-common) \
            >"$LOGS/apt-download.log" 2>&1 || die "apt-get download failed, see $LOGS/apt-download.log"
        for p in "$tmp"/*.deb; do dpkg-deb -x "$p" "$LAB/pkgfiles"; done
        rm -rf "$tmp"
    fi
}

# entry_point NAME MODULE [PRELUDE]: $LAB/bin/NAME runs MODULE's main() (the python3-* debs have
# no scripts), after the python lines PRELUDE.
entry_point() {
    printf '#!%s\nimport sys\n%s\nfrom %s import main\nsys.argv[0] = "%s"\nsys.exit(main())\n' \
        "$PY" "${3:-}" "$2" "$1" >"$LAB/bin/$1"
    chmod 755 "$LAB/bin/$1"
}

# Nova loads drivers only from its nova.virt package: serve nova.virt.nova_lab_fake from $LAB/lib.
DRIVER_FINDER="import importlib.util


class LabDriverFinder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == 'nova.virt.nova_lab_fake':
            return importlib.util.spec_from_file_location(name, '$LAB/lib/nova_lab_fake.py')


sys.meta_path.insert(0, LabDriverFinder)"

# write_virt_driver: $LAB/lib/nova_lab_fake.py, nova's fake drivers with guests that outlive a
# nova-compute restart, like a hypervisor's: the guest table is saved to the compute's
# state_path after every change and loaded in init_host. A host crash (nova-compute.sh kill)
# marks the saved guests as shut down, so nova meets powered-off guests when the host returns.
write_virt_driver() {
    mkdir -p "$LAB/lib"
    cat >"$LAB/lib/nova_lab_fake.py" <<'EOF'
"""Nova lab fake virt drivers whose guests survive a nova-compute restart (from nova-up.sh)."""
import json
import os

from oslo_config import cfg

from nova.virt import fake

CONF = cfg.CONF
# FakeDriver methods that change the guest table or a guest's power state
CHANGES = ("spawn", "destroy", "cleanup", "reboot", "power_off", "power_on", "rescue", "unrescue",
           "finish_migration", "finish_revert_migration", "live_migration_force_complete")


class _Persistent:
    def _guest_file(self):
        return os.path.join(CONF.state_path, "fake-guests.json")

    def _save_guests(self):
        sizes = getattr(self, "_sizes", {})
        guests = {uuid: {"name": g.name, "state": g.state, "size": sizes.get(uuid, [0, 0, 0])}
                  for uuid, g in self.instances.items()}
        tmp = self._guest_file() + ".tmp"
        with open(tmp, "w") as f:
            json.dump(guests, f)
        os.replace(tmp, self._guest_file())

    def init_host(self, host):
        super().init_host(host)
        self._sizes = {}
        try:
            with open(self._guest_file()) as f:
                guests = json.load(f)
        except FileNotFoundError:
            guests = {}
        for uuid, g in guests.items():
            self.instances[uuid] = fake.FakeInstance(g["name"], g["state"], uuid)
            self._sizes[uuid] = g["size"]
            self.resources.claim(*g["size"])

    def spawn(self, context, instance, *args, **kwargs):
        f = instance.flavor
        self._sizes[instance.uuid] = [f.vcpus, f.memory_mb, f.root_gb]
        try:
            return super().spawn(context, instance, *args, **kwargs)
        finally:
            self._save_guests()


def _saving(name):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(_Persistent, self), name)(*args, **kwargs)
        finally:
            self._save_guests()
    method.__name__ = name
    return method


for _name in CHANGES:
    if _name != "spawn":
        setattr(_Persistent, _name, _saving(_name))


class FakeDriver(_Persistent, fake.FakeDriver):
    pass


class SmallFakeDriver(_Persistent, fake.SmallFakeDriver):
    pass


class MediumFakeDriver(_Persistent, fake.MediumFakeDriver):
    pass
EOF
}

# ------------------------------------------------------------------ configuration

dburl() { echo "mysql+pymysql://lab:$DB_PASS@$IP/$1?charset=utf8"; }

# authtoken USER [SERVICE_TYPE]: keystonemiddleware section for a service user. With SERVICE_TYPE
# (the catalog type), the service enforces the access rules of application-credential tokens;
# without it, as packaged, keystonemiddleware refuses every such token (401).
authtoken() {
    printf '[keystone_authtoken]\nwww_authenticate_uri = http://%s:5000\n' "$IP"
    service_auth "$1"
    printf 'service_token_roles_required = true\n'
    [ -z "${2:-}" ] || printf 'service_type = %s\n' "$2"
}

# service_auth USER [SECTION]: keystoneauth password plugin lines for a service user.
service_auth() {
    [ -z "${2:-}" ] || printf '[%s]\n' "$2"
    printf 'auth_type = password\nauth_url = %s\nusername = %s\npassword = %s\n' "$AUTH_URL" "$1" "$ADMIN_PASS"
    printf 'project_name = service\nuser_domain_name = Default\nproject_domain_name = Default\nregion_name = RegionOne\n'
}

write_configs() {
    mkdir -p "$ETC"/{keystone,placement,glance,neutron,nova} "$LAB"/keystone/{fernet-keys,credential-keys} \
        "$LAB"/glance/{images,staging,tasks,cache,lock} "$LAB"/neutron/lock "$LAB"/nova/lock "$LAB/rabbitmq/mnesia"

    cat >"$ETC/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $LOGS/keystone.log
[database]
connection = $(dburl keystone)
[identity]
# bcrypt's minimum cost: every CLI call authenticates, so this makes tests fast
password_hash_rounds = 4
[token]
provider = fernet
[fernet_tokens]
key_repository = $LAB/keystone/fernet-keys/
[fernet_receipts]
key_repository = $LAB/keystone/fernet-keys/
[credential]
key_repository = $LAB/keystone/credential-keys/
EOF

    cat >"$ETC/placement/placement.conf" <<EOF
[DEFAULT]
log_file = $LOGS/placement.log
[placement_database]
connection = $(dburl placement)
[api]
auth_strategy = keystone
$(authtoken placement)
EOF

    cp "$LAB/pkgfiles/usr/share/glance-common/glance-api-paste.ini" "$ETC/glance/"
    cat >"$ETC/glance/glance-api.conf" <<EOF
[DEFAULT]
bind_host = $IP
bind_port = 9292
# 0: serve from the main process, no worker process
workers = 0
log_file = $LOGS/glance-api.log
enabled_backends = fs:file
image_cache_dir = $LAB/glance/cache
[database]
connection = $(dburl glance)
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $LAB/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = $LAB/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = $LAB/glance/tasks/
[paste_deploy]
flavor = keystone
config_file = $ETC/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $LAB/glance/lock
$(authtoken glance)
EOF

    cp "$LAB/pkgfiles/usr/share/neutron-common/api-paste.ini" "$ETC/neutron/api-paste.ini"
    # ML2 without mechanism drivers or agents: enough for nova's port and security-group
    # queries on servers booted with networks "none".
    cat >"$ETC/neutron/neutron.conf" <<EOF
[DEFAULT]
bind_host = $IP
bind_port = 9696
core_plugin = ml2
service_plugins =
auth_strategy = keystone
transport_url = $RABBIT_URL
rpc_response_timeout = $RPC_TIMEOUT
# API in the main process; neutron insists on one RPC worker and one periodic worker
api_workers = 0
rpc_workers = 0
rpc_state_report_workers = 0
dhcp_agent_notification = false
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
state_path = $LAB/neutron
api_paste_config = $ETC/neutron/api-paste.ini
log_file = $LOGS/neutron-server.log
[database]
connection = $(dburl neutron)
[oslo_concurrency]
lock_path = $LAB/neutron/lock
$(authtoken neutron network)
[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers =
extension_drivers = port_security
EOF

    cp "$LAB/pkgfiles/usr/share/nova-common/api-paste.ini" "$ETC/nova/api-paste.ini"
    cat >"$ETC/nova/nova.conf" <<EOF
[DEFAULT]
host = controller
my_ip = $IP
transport_url = $RABBIT_URL
state_path = $LAB/nova
compute_driver = nova_lab_fake.$VIRT_DRIVER
enabled_apis = osapi_compute
osapi_compute_listen = $IP
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
report_interval = $REPORT_INTERVAL
service_down_time = $SERVICE_DOWN_TIME
rpc_response_timeout = $RPC_TIMEOUT
# no ports to heal; saves a neutron call per instance per minute
heal_instance_info_cache_interval = -1
# periodic tasks start at once, not after a random delay of up to 60 s (host discovery!)
periodic_fuzzy_delay = 0
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $ETC/nova/api-paste.ini
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = $DISCOVER_INTERVAL
[quota]
# tests may boot many servers; quotas are not what this lab tests
driver = nova.quota.NoopQuotaDriver
[oslo_concurrency]
lock_path = $LAB/nova/lock
[vnc]
enabled = false
[glance]
region_name = RegionOne
$(authtoken nova compute)
$(service_auth placement placement)
$(service_auth neutron neutron)
$(service_auth nova service_user)
send_service_user_token = true
[oslo_policy]
policy_file = $ETC/nova/policy.yaml
EOF
    # The role of docs/deploy.md's restricted credential for Mistral (nova-ha-recovery) is Nova's admin, and no one
    # else's: Keystone, Neutron and Mistral see a plain role (test/backends/mistral-access-rules.test.ts).
    printf '"context_is_admin": "role:admin or role:nova-ha-recovery"\n' >"$ETC/nova/policy.yaml"
    # DB credentials only for api, conductor, scheduler and nova-manage; nova-compute refuses
    # to start its service with them.
    cat >"$ETC/nova/nova-db.conf" <<EOF
[api_database]
connection = $(dburl nova_api)
[database]
connection = $(dburl nova)
EOF
    chmod 600 "$ETC"/*/*.conf

    mkdir -p "$LAB/rabbitmq"
    printf '[].\n' >"$LAB/rabbitmq/enabled_plugins"
    touch "$LAB/rabbitmq/rabbitmq-env.conf"
    cat >"$LAB/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.default = $IP:5672
loopback_users.guest = true
vm_memory_high_watermark.relative = 0.2
disk_free_limit.absolute = 50MB
EOF

    write_virt_driver
    local b
    for b in glance-manage:glance.cmd.manage glance-api:glance.cmd.api \
        neutron-db-manage:neutron.db.migration.cli neutron-server:neutron.cmd.eventlet.server \
        nova-manage:nova.cmd.manage nova-api:nova.cmd.api nova-conductor:nova.cmd.conductor \
        nova-scheduler:nova.cmd.scheduler; do
        entry_point "${b%%:*}" "${b#*:}"
    done
    entry_point nova-compute nova.cmd.compute "$DRIVER_FINDER"
    local n
    for n in $(seq 1 "$NCOMPUTE"); do compute_conf "$n"; done
}

write_credentials() {
    cat >"$LAB/openrc" <<EOF
# nova-ha-agents nova lab: admin credentials. Usage: . $LAB/openrc
export OS_AUTH_URL=$AUTH_URL
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PASS
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
export OS_COMPUTE_API_VERSION=2.latest
export PATH=$PATH
EOF
    cat >"$LAB/clouds.yaml" <<EOF
# nova-ha-agents nova lab. Usage: OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml OS_CLOUD=nova-lab
clouds:
  nova-lab:
    auth:
      auth_url: $AUTH_URL
      username: admin
      password: $ADMIN_PASS
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
    chmod 600 "$LAB/openrc" "$LAB/clouds.yaml"
}

# ------------------------------------------------------------------ services

start_mariadb() {
    if [ ! -d "$LAB/mysql/mysql" ]; then
        mkdir -p "$LAB/mysql"
        chown mysql:mysql "$LAB/mysql"
        mariadb-install-db --no-defaults --user=mysql --datadir="$LAB/mysql" \
            --auth-root-authentication-method=socket >"$LOGS/mariadb-install.log" 2>&1 \
            || die "mariadb-install-db failed, see $LOGS/mariadb-install.log"
    fi
    daemon_start mariadb /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$LAB/mysql" \
        --socket="$LAB/mysql/mysqld.sock" --pid-file="$LAB/mysql/mysqld.pid" \
        --bind-address=$IP --port=3306 --log-error="$LOGS/mariadb.log" --skip-name-resolve \
        --max-connections=500 --performance-schema=OFF --innodb-buffer-pool-size=64M \
        --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
    wait_until 60 mariadb sql_ok 'SELECT 1'
    run_once databases create_databases
}

create_databases() {
    local d q="CREATE USER IF NOT EXISTS 'lab'@'$IP' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON *.* TO 'lab'@'$IP';"
    for d in keystone placement glance neutron nova_api nova_cell0 nova; do
        q+="CREATE DATABASE IF NOT EXISTS $d;"
    done
    sql "$q"
}

start_rabbitmq() {
    (rabbit_env && daemon_start rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server)
}

rabbit_ready() {
    service_ready rabbitmq || return 1
    (rabbit_env && "$RABBITMQCTL" -q -t 5 await_startup 2>/dev/null)
}

keystone_bootstrap() {
    local km=(keystone-manage --config-file "$ETC/keystone/keystone.conf")
    {
        "${km[@]}" db_sync &&
            "${km[@]}" fernet_setup --keystone-user root --keystone-group root &&
            "${km[@]}" credential_setup --keystone-user root --keystone-group root &&
            OS_BOOTSTRAP_PASSWORD=$ADMIN_PASS "${km[@]}" bootstrap --bootstrap-region-id RegionOne \
                --bootstrap-admin-url "$AUTH_URL" --bootstrap-internal-url "$AUTH_URL" \
                --bootstrap-public-url "$AUTH_URL"
    } >>"$LOGS/keystone-manage.log" 2>&1 || die "keystone setup failed, see $LOGS/keystone-manage.log"
}

# uwsgi_start NAME PORT SCRIPT ENV: two single-threaded workers behind uwsgi's http router, which keeps
# client connections alive (a plain --http-socket resets keystoneauth's reused connections).
# Single-threaded on purpose: with --threads > 1 Keystone's worker sometimes hung at start-up with
# "greenlet.error: cannot switch to a different thread" (seen twice in five bring-ups).
uwsgi_start() {
    daemon_start "$1" uwsgi_python3 --plugin http --http "$IP:$2" --http-keepalive \
        --socket "$RUN/$1.sock" --wsgi-file "$3" --env "$4" --master --processes 2 --threads 1 \
        --die-on-term --need-app --buffer-size 65535 --logto "$LOGS/$1-uwsgi.log"
}

# keystone_catalog: service project, role, users and endpoints, over the REST API.
keystone_catalog() {
    ADMIN_PASS=$ADMIN_PASS CATALOG=$CATALOG AUTH_URL=$AUTH_URL $PY - <<'EOF' >>"$LOGS/keystone-catalog.log" 2>&1
import os
from keystoneauth1 import adapter, session
from keystoneauth1.identity import v3

pw = os.environ["ADMIN_PASS"]
auth = v3.Password(auth_url=os.environ["AUTH_URL"], username="admin", password=pw,
                   project_name="admin", user_domain_id="default", project_domain_id="default")
ks = adapter.Adapter(session.Session(auth=auth), service_type="identity", interface="public")

def find_or_create(kind, key, body, **query):
    rows = ks.get(f"/{kind}", params=query).json()[kind]
    return rows[0] if rows else ks.post(f"/{kind}", json={key: body}).json()[key]

project = find_or_create("projects", "project", {"name": "service", "domain_id": "default"}, name="service")
roles = {r: find_or_create("roles", "role", {"name": r}, name=r) for r in ("admin", "service")}
for name in ("nova", "placement", "glance", "neutron"):
    user = find_or_create("users", "user", {"name": name, "domain_id": "default", "password": pw}, name=name)
    for role in roles.values():
        ks.put(f"/projects/{project['id']}/users/{user['id']}/roles/{role['id']}")
for line in os.environ["CATALOG"].splitlines():
    name, kind, url = line.split()
    svc = find_or_create("services", "service", {"name": name, "type": kind}, type=kind)
    have = {e["interface"] for e in ks.get("/endpoints", params={"service_id": svc["id"]}).json()["endpoints"]}
    for iface in {"public", "internal", "admin"} - have:
        ks.post("/endpoints", json={"endpoint": {"service_id": svc["id"], "interface": iface,
                                                 "url": url, "region_id": "RegionOne"}})
print("catalog ok")
EOF
}

setup_keystone() {
    run_once keystone-bootstrap keystone_bootstrap
    uwsgi_start keystone 5000 /usr/bin/keystone-wsgi-public "OS_KEYSTONE_CONFIG_FILES=$ETC/keystone/keystone.conf"
    wait_until 90 keystone service_ready keystone
    run_once keystone-catalog keystone_catalog || die "keystone catalog failed, see $LOGS/keystone-catalog.log"
}

sync_placement() {
    placement-manage --config-file "$ETC/placement/placement.conf" db sync >>"$LOGS/placement-manage.log" 2>&1 \
        || die "placement db sync failed, see $LOGS/placement-manage.log"
}

sync_glance() {
    "$LAB/bin/glance-manage" --config-file "$ETC/glance/glance-api.conf" db_sync >>"$LOGS/glance-manage.log" 2>&1 \
        || die "glance db_sync failed, see $LOGS/glance-manage.log"
}

sync_neutron() {
    "$LAB/bin/neutron-db-manage" --config-file "$ETC/neutron/neutron.conf" upgrade heads \
        >>"$LOGS/neutron-db-manage.log" 2>&1 || die "neutron db upgrade failed, see $LOGS/neutron-db-manage.log"
}

nova_manage() { "$LAB/bin/nova-manage" --config-file "$ETC/nova/nova.conf" --config-file "$ETC/nova/nova-db.conf" "$@"; }

sync_nova() {
    {
        nova_manage api_db sync &&
            nova_manage cell_v2 map_cell0 --database_connection "$(dburl nova_cell0)" &&
            { nova_manage cell_v2 list_cells | grep -q ' cell1 ' || nova_manage cell_v2 create_cell --name cell1; } &&
            nova_manage db sync
    } >>"$LOGS/nova-manage.log" 2>&1 || die "nova db setup failed, see $LOGS/nova-manage.log"
}

# Each service: its one-time DB setup, then its daemons. They run concurrently with Keystone's
# bootstrap; a daemon does not need Keystone until the first request.
service_placement() {
    run_once placement-db sync_placement
    uwsgi_start placement 8778 /usr/bin/placement-api "OS_PLACEMENT_CONFIG_DIR=$ETC/placement"
}
service_glance() {
    run_once glance-db sync_glance
    daemon_start glance-api "$LAB/bin/glance-api" --config-file "$ETC/glance/glance-api.conf"
}
service_neutron() {
    run_once neutron-db sync_neutron
    daemon_start neutron-server "$LAB/bin/neutron-server" --config-file "$ETC/neutron/neutron.conf"
}
service_nova() {
    local s c=(--config-file "$ETC/nova/nova.conf" --config-file "$ETC/nova/nova-db.conf")
    run_once nova-db sync_nova
    for s in conductor scheduler api; do
        daemon_start "nova-$s" "$LAB/bin/nova-$s" "${c[@]}" --log-file "$LOGS/nova-$s.log"
    done
}

# computes_ready: every compute-N reports, has a compute node, a host mapping and a resource
# provider (what scheduling onto it needs).
computes_ready() {
    local n hosts=""
    for n in $(seq 1 "$NCOMPUTE"); do
        daemon_pid "nova-compute-$n" >/dev/null || die "nova-compute-$n died, see $LOGS/nova-compute-$n.log"
        hosts+="${hosts:+,}'compute-$n'"
    done
    [ "$(sql "SELECT COUNT(DISTINCT s.host) FROM nova.services s
        JOIN nova.compute_nodes c ON c.host = s.host AND c.deleted = 0
        JOIN nova_api.host_mappings m ON m.host = s.host
        JOIN placement.resource_providers r ON r.name = c.hypervisor_hostname
        WHERE s.deleted = 0 AND s.binary = 'nova-compute' AND s.forced_down = 0 AND s.host IN ($hosts)
        AND COALESCE(s.last_seen_up, s.updated_at) > UTC_TIMESTAMP() - INTERVAL $SERVICE_DOWN_TIME SECOND")" = "$NCOMPUTE" ]
}

# admin_token: print a project-scoped admin token (the password goes over stdin, not argv).
admin_token() {
    local pw=${ADMIN_PASS//\\/\\\\}
    pw=${pw//\"/\\\"}
    printf '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
        "domain": {"id": "default"}, "password": "%s"}}}, "scope": {"project": {"name": "admin",
        "domain": {"id": "default"}}}}}' "$pw" |
        curl -s -i -m 10 -H 'Content-Type: application/json' --data @- "$AUTH_URL/auth/tokens" |
        awk 'tolower($1) == "x-subject-token:" { sub(/\r$/, "", $2); print $2 }'
}

# neutron_warm: a first DB query in neutron's API worker. Until one has run there, port
# listings (which nova makes for every server list) fail with "type object 'Port' has no
# attribute 'port_forwardings'": the ORM backref is only set up by the first query.
neutron_warm() {
    local hdr=$RUN/token.hdr path
    (umask 077 && echo "X-Auth-Token: $(admin_token)" >"$hdr")
    for path in networks ports; do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -m 10 -H @"$hdr" "http://$IP:9696/v2.0/$path")" = 200 ] ||
            { rm -f "$hdr"; return 1; }
    done
    rm -f "$hdr"
}

wait_openstack() {
    local s
    for s in placement glance-api neutron-server nova-conductor nova-scheduler nova-api; do
        wait_until 180 "$s" service_ready "$s"
    done
    wait_until 60 "neutron to list ports" neutron_warm
    say "APIs answer"
    # A run killed half-way (or an interrupted fencing test) can leave a lab compute forced down or disabled in the
    # database, which outlives the lab; the lab's computes start clean.
    sql "UPDATE nova.services SET forced_down = 0, disabled = 0, disabled_reason = NULL
        WHERE deleted = 0 AND \`binary\` = 'nova-compute' AND host LIKE 'compute-%'" >/dev/null
    wait_until 180 "$NCOMPUTE computes registered and mapped" computes_ready
}

# seed: flavors, image and servers over the REST API; waits for ACTIVE/SHUTOFF.
seed() {
    # shellcheck source=/dev/null
    . "$LAB/openrc"
    local full=1
    [ -f "$LAB/state/seed.done" ] && full=0
    FULL=$full NCOMPUTE=$NCOMPUTE NSERVERS=$NSERVERS $PY - <<'EOF'
import os, sys, time
from keystoneauth1 import adapter, session
from keystoneauth1.identity import v3

auth = v3.Password(auth_url=os.environ["OS_AUTH_URL"], username="admin", password=os.environ["OS_PASSWORD"],
                   project_name="admin", user_domain_name="Default", project_domain_name="Default")
sess = session.Session(auth=auth)
# 2.74: create with "host" (admin) so the spread is deterministic; "networks": "none" needs 2.37
nova = adapter.Adapter(sess, service_type="compute", interface="public", default_microversion="2.74")
glance = adapter.Adapter(sess, service_type="image", interface="public")
ncompute, nservers = int(os.environ["NCOMPUTE"]), int(os.environ["NSERVERS"])

def flavor(name, extra):
    found = [f for f in nova.get("/flavors/detail", params={"is_public": "None"}).json()["flavors"] if f["name"] == name]
    if found:
        return found[0]["id"]
    fid = nova.post("/flavors", json={"flavor": {"name": name, "ram": 64, "vcpus": 1, "disk": 1}}).json()["flavor"]["id"]
    if extra:
        nova.post(f"/flavors/{fid}/os-extra_specs", json={"extra_specs": extra})
    return fid

def image(name):
    found = glance.get("/v2/images", params={"name": name}).json()["images"]
    if found:
        return found[0]["id"]
    img = glance.post("/v2/images", json={"name": name, "disk_format": "raw", "container_format": "bare",
                                          "visibility": "public"}).json()
    glance.put(f"/v2/images/{img['id']}/file", data=b"\0" * 1048576,
               headers={"Content-Type": "application/octet-stream"})
    return img["id"]

def servers():
    rows = nova.get("/servers/detail", params={"name": "^lab-vm-"}).json()["servers"]
    return {s["name"]: s for s in rows}

def settle(names, strict, limit=180):
    deadline = time.time() + limit
    while True:
        now = servers()
        busy = [n for n in names if n in now and (now[n]["status"] not in ("ACTIVE", "SHUTOFF", "ERROR")
                                                  or now[n].get("OS-EXT-STS:task_state"))]
        bad = [n for n in names if n in now and now[n]["status"] == "ERROR"]
        if bad and strict:
            sys.exit(f"servers in ERROR: {bad}: {[now[n].get('fault') for n in bad]}")
        if not busy:
            return now
        if time.time() > deadline:
            sys.exit(f"servers not settled after {limit}s: {busy}")
        time.sleep(0.5)

t0 = time.time()
names = [f"lab-vm-{i}" for i in range(1, nservers + 1)]
if os.environ["FULL"] != "1":
    # seeded before: leave the servers as the tests left them, only wait for them to settle
    now = settle(list(servers()), strict=False)
    print(f"seed: done before; {len(now)} lab-vm servers")
    names = sorted(now, key=lambda n: (len(n), n))
else:
    plain, evac = flavor("lab.tiny", None), flavor("lab.tiny.evac", {"evacuable": "true"})
    img = image("lab-image")
    have = servers()
    created = []
    for i, name in enumerate(names, 1):
        if name not in have:
            nova.post("/servers", json={"server": {
                "name": name, "imageRef": img, "flavorRef": evac if i % 2 else plain, "networks": "none",
                "host": f"compute-{(i - 1) % ncompute + 1}"}})
            created.append(i)
    print(f"seed: flavors + image {time.time() - t0:.1f}s, booting {len(created)} servers", flush=True)
    now = settle(names, strict=True)
    t1 = time.time()
    print(f"seed: all booted after {t1 - t0:.1f}s", flush=True)
    # the second server of each compute is stopped: every compute holds an ACTIVE and a SHUTOFF one
    stop = [i for i in range(ncompute + 1, min(nservers, 2 * ncompute) + 1)] or ([nservers] if nservers > 1 else [])
    stop = [i for i in stop if now[names[i - 1]]["status"] == "ACTIVE"]
    for i in stop:
        nova.post(f"/servers/{now[names[i - 1]]['id']}/action", json={"os-stop": None})
    now = settle(names, strict=True)
    print(f"seed: {len(created)} booted, {len(stop)} stopped in {time.time() - t1:.1f}s, {time.time() - t0:.1f}s in all")
for name in names:
    s = now[name]
    print(f"  {name:10} {s['status']:8} {str(s['OS-EXT-SRV-ATTR:host']):11} {s['flavor']['original_name']:14} {s['id']}")
EOF
    stamp seed
}

# ------------------------------------------------------------------ main

# timed LABEL CMD...: run CMD, print and record its duration.
TIMINGS=()
timed() {
    local t
    t=$(date +%s%N)
    "${@:2}"
    TIMINGS+=("$1=$(secs "$(ms "$t")")")
    say "$1 done in $(secs "$(ms "$t")")"
}

# infra: MariaDB (waited for) and RabbitMQ (waited for later, it boots in the background).
infra() {
    start_mariadb
    start_rabbitmq
}

# start_services: Keystone in the foreground, every other service (DB setup + daemons) meanwhile
# in the background; then the computes, which need Keystone and Placement when they start.
start_services() {
    local f pids=() p n rc=0
    for f in service_placement service_glance service_neutron service_nova; do
        ("$f") &
        pids+=($!)
    done
    setup_keystone
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    [ $rc = 0 ] || die "a service failed to set up, see the logs in $LOGS"
    wait_until 120 rabbitmq rabbit_ready
    wait_until 120 placement service_ready placement
    for n in $(seq 1 "$NCOMPUTE"); do compute_start "$n"; done
}

summary() {
    local f
    say "lab is up: ${TIMINGS[*]} total=$(secs "$(ms "$T0")")"
    echo "auth URL:    $AUTH_URL (admin / \$OS_PASSWORD, project admin, domain Default)"
    echo "credentials: . $LAB/openrc   or   OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml OS_CLOUD=nova-lab"
    echo "endpoints:   identity :5000/v3  compute :8774/v2.1  placement :8778  image :9292  network :9696 (all on $IP)"
    echo "PIDs:        $RUN/<name>.pid   logs: $LOGS   status: $(dirname "$0")/nova-status.sh"
    for f in "$RUN"/*.pid; do
        f=$(basename "$f" .pid)
        printf '  %-16s %s\n' "$f" "$(recorded_pid "$f")"
    done
}

main() {
    set -euo pipefail
    mkdir -p "$LAB"/{bin,etc,log,run,state,pkgfiles}
    timed apt install_packages
    write_configs
    write_credentials
    timed infra infra
    timed start start_services
    timed ready wait_openstack
    [ "$SEED" = 1 ] && timed seed seed
    summary
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
