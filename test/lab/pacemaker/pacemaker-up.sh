#!/bin/bash
# pacemaker-up.sh: bring up the nova-ha lab, a real single-node corosync + Pacemaker cluster on
# 127.0.0.1 (no systemd needed), optionally with pacemaker_remote compute nodes in network
# namespaces and the lab fence agent fence_labpower. Idempotent: a running lab is reconciled
# with the knobs (missing nodes, resources and properties are added), not restarted.
#
# Knobs (environment):
#   LAB_REMOTES=0           compute nodes compute-1..N (netns nha-c1..N, see compute-node.sh)
#   LAB_STONITH=false       stonith-enabled (true: the cluster fences failed compute nodes)
#   LAB_STONITH_ACTION=reboot  stonith-action; "off" keeps a fenced node off until power-on
#   LAB_FRESH=0             1 = stop a running lab and wipe the CIB before starting
#   LAB_FENCE_DEVICE=lab-power  fence_labpower device covering all compute nodes, created when
#                           nodes exist; "none" = create no device
#   LAB_RECONNECT=5s        reconnect_interval of the remote connection resources
#   LAB_REMOTE_MONITOR=10s  monitor interval of the remote connection resources
#   LAB_NODE=$(uname -n)    cluster node name
#   LAB_TIMEOUT=60          seconds to wait for each readiness step
#   LAB_SUITE=bookworm      Debian release: bookworm is this machine (Pacemaker 2.1.5); trixie (3.0.0) and sid
#                           run the lab inside a chroot made by lab-suite.sh build (work in progress, issue 14)
# State: /run/nova-ha-lab (PIDs, node markers). Logs: /var/log/nova-ha-lab, /var/log/pacemaker,
# /var/log/corosync. Tear down with pacemaker-down.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
LAB_SCRIPT=pacemaker-up
# shellcheck source=lab-common.sh
. "$HERE/lab-common.sh"
lab_enter_suite "$@"

LAB_REMOTES=${LAB_REMOTES:-0}
LAB_STONITH=${LAB_STONITH:-false}
LAB_STONITH_ACTION=${LAB_STONITH_ACTION:-reboot}
LAB_FRESH=${LAB_FRESH:-0}
LAB_FENCE_DEVICE=${LAB_FENCE_DEVICE:-lab-power}
LAB_RECONNECT=${LAB_RECONNECT:-5s}
LAB_REMOTE_MONITOR=${LAB_REMOTE_MONITOR:-10s}
LAB_NODE=${LAB_NODE:-$(uname -n)}
LAB_TIMEOUT=${LAB_TIMEOUT:-60}
PACKAGES=(pacemaker corosync pcs pacemaker-cli-utils resource-agents fence-agents libxml2-utils iproute2)
COROSYNC_CONF=/etc/corosync/corosync.conf
CIB_DIR=/var/lib/pacemaker/cib

lab_require_root
[[ "$LAB_REMOTES" =~ ^[0-9]+$ ]] && [ "$LAB_REMOTES" -le "$LAB_MAX_NODES" ] || lab_die "LAB_REMOTES must be 0..$LAB_MAX_NODES"
case "$LAB_STONITH" in true|false) ;; *) lab_die "LAB_STONITH must be true or false" ;; esac
case "$LAB_STONITH_ACTION" in reboot|off) ;; *) lab_die "LAB_STONITH_ACTION must be reboot or off" ;; esac
[[ "$LAB_FENCE_DEVICE" =~ ^[A-Za-z][A-Za-z0-9_.-]*$ ]] || lab_die "LAB_FENCE_DEVICE must be a resource id or none"
for v in "$LAB_RECONNECT" "$LAB_REMOTE_MONITOR"; do
  [[ "$v" =~ ^[0-9]+(ms|s|m|min|h)?$ ]] || lab_die "not a Pacemaker interval: $v"
done

apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 "$@"; }

corosync_pid() { lab_pid_of "$LAB_STATE/corosync.pid" corosync; }
pacemakerd_pid() { lab_pid_of "$LAB_STATE/pacemakerd.pid" pacemakerd; }
lab_running() { corosync_pid >/dev/null && pacemakerd_pid >/dev/null; }

# ---------------------------------------------------------------- 0. what is running already
if lab_running && [ "$LAB_FRESH" = 1 ]; then
  lab_log "LAB_FRESH=1: stopping the running lab first"
  "$HERE/pacemaker-down.sh"
elif ! lab_running && compgen -G "$LAB_STATE/*.pid" >/dev/null; then
  lab_log "lab half up (a daemon died): stopping what is left first"
  "$HERE/pacemaker-down.sh"
fi
if ! lab_running; then
  foreign=$(ps -eo pid=,stat=,comm= | awk '$2 !~ /^Z/ && ($3 == "corosync" || $3 == "pacemakerd") {printf "%s(%s) ", $1, $3}')
  [ -z "$foreign" ] || lab_die "cluster daemons not started by this lab are running: $foreign- stop them with the down script of whatever started them"
fi

# ---------------------------------------------------------------- 1. packages
installed=$(dpkg-query -W -f='${db:Status-Abbrev}${Package}\n' "${PACKAGES[@]}" 2>/dev/null | sed -n 's/^ii *//p' || true)
missing=()
for p in "${PACKAGES[@]}"; do grep -qx "$p" <<<"$installed" || missing+=("$p"); done
mkdir -p "$LAB_STATE" "$LAB_LOG_DIR"
# Inside a suite's chroot, lab-suite.sh build owns the packages (there, fence-agents is a 2.7 GB metapackage).
if [ -n "${LAB_IN_SUITE:-}" ]; then missing=(); fi
if [ ${#missing[@]} -gt 0 ]; then
  lab_log "installing ${missing[*]}"
  apt-cache show "${missing[@]}" >/dev/null 2>&1 || apt_get update >"$LAB_LOG_DIR/apt.out" 2>&1
  apt_get install "${missing[@]}" >>"$LAB_LOG_DIR/apt.out" 2>&1 || lab_die "apt-get install failed, see $LAB_LOG_DIR/apt.out"
fi
# Installing pacemaker-remote would remove pacemaker (Conflicts:), so only unpack its daemon.
if [ "$LAB_REMOTES" -gt 0 ] && [ ! -x "$LAB_REMOTED" ]; then
  lab_log "unpacking pacemaker-remoted into $LAB_REMOTE_ROOT (package not installed)"
  tmp=$(mktemp -d); chmod 0755 "$tmp"
  want="pacemaker-remote=$(dpkg-query -W -f='${Version}' pacemaker)"
  (cd "$tmp" && { apt_get download "$want" || { apt_get update && apt_get download "$want"; }; }) \
    >>"$LAB_LOG_DIR/apt.out" 2>&1 || lab_die "apt-get download $want failed, see $LAB_LOG_DIR/apt.out"
  dpkg-deb -x "$tmp"/pacemaker-remote_*.deb "$LAB_REMOTE_ROOT"
  rm -rf "$tmp"
fi

# ---------------------------------------------------------------- 2. files the lab needs
install -d -o hacluster -g haclient -m 0770 /var/log/pacemaker
install -d -o hacluster -g haclient -m 0750 "$CIB_DIR" /var/lib/pacemaker/pengine \
  /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores
install -d -m 0755 /var/log/corosync /var/lib/corosync
# hacluster runs agents' metadata action, so it may append to the lab logs too.
install -d -o root -g haclient -m 0775 "$LAB_LOG_DIR"
touch "$LAB_LOG_DIR/fence_labpower.log"
chgrp haclient "$LAB_LOG_DIR/fence_labpower.log"; chmod 0664 "$LAB_LOG_DIR/fence_labpower.log"
install -d -o root -g haclient -m 0750 /etc/pacemaker
if [ ! -s /etc/pacemaker/authkey ]; then
  (umask 077; head -c 4096 /dev/urandom >/etc/pacemaker/authkey)
fi
chown root:haclient /etc/pacemaker/authkey; chmod 0640 /etc/pacemaker/authkey
install -m 0755 "$HERE/fence_labpower" /usr/sbin/fence_labpower
echo "$HERE" >"$LAB_STATE/lab-dir"

write_corosync_conf() {
  if [ ! -e "$LAB_COROSYNC_BACKUP" ] && ! grep -q '^# nova-ha lab' "$COROSYNC_CONF" 2>/dev/null; then
    cp -p "$COROSYNC_CONF" "$LAB_COROSYNC_BACKUP" 2>/dev/null || : >"$LAB_COROSYNC_BACKUP"
  fi
  cat >"$COROSYNC_CONF" <<EOF
# nova-ha lab (test/lab/pacemaker/pacemaker-up.sh); the original is $LAB_COROSYNC_BACKUP
totem {
    version: 2
    cluster_name: nova-ha-lab
    transport: knet
    crypto_cipher: none
    crypto_hash: none
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_syslog: no
    to_stderr: no
    timestamp: on
}
quorum {
    provider: corosync_votequorum
}
nodelist {
    node {
        name: $LAB_NODE
        nodeid: 1
        ring0_addr: 127.0.0.1
    }
}
EOF
}

# A hand-written CIB is accepted (Pacemaker writes the .sig). It holds everything the lab
# configures (see configure_cib), so the DC starts it all at once. dc-deadtime=2s: a lone node
# otherwise waits the default 20 s before it elects itself DC.
seed_cib() {
  local schema features
  schema=$(basename "$(ls /usr/share/pacemaker/pacemaker-[0-9]*.rng | sort -V | tail -1)" .rng)
  # The CIB tools patch files with versioned diffs, which need crm_feature_set on the root.
  features=$(pacemakerd --features | sed -n 's/.*Supporting v\([0-9.]*\):.*/\1/p')
  rm -f "$CIB_DIR"/* /var/lib/pacemaker/pengine/*
  cat >"$CIB_DIR/cib.xml" <<EOF
<cib crm_feature_set="$features" validate-with="$schema" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="$LAB_STONITH"/>
        <nvpair id="cib-bootstrap-options-stonith-action" name="stonith-action" value="$LAB_STONITH_ACTION"/>
        <nvpair id="cib-bootstrap-options-cluster-recheck-interval" name="cluster-recheck-interval" value="1min"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
$(resources_xml)
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF
  chown hacluster:haclient "$CIB_DIR/cib.xml"; chmod 0600 "$CIB_DIR/cib.xml"
}

quorate() { corosync-quorumtool -s 2>/dev/null | grep -E '^Quorate: +Yes' >/dev/null; }
# configure_cib reads the CIB once into $cib and queries it with these; the CIB tools are run
# only for changes (on a file, each of them re-validates the whole CIB).
cib_q() { lab_xpath "$cib" "$1"; }
has_resource() { [ "$(cib_q "boolean(//resources//primitive[@id='$1'])")" = true ]; }

# set_property <name> <value>: only when it differs (each change starts a transition).
set_property() {
  [ "$(cib_q "string(//crm_config//nvpair[@name='$1']/@value)")" = "$2" ] ||
    crm_attribute -t crm_config -n "$1" -v "$2"
}

# The CIB fragments the lab adds, the same as `pcs stonith create $dev fence_labpower
# pcmk_host_list=... op monitor interval=60s` and `pcs resource create compute-N
# ocf:pacemaker:remote server=... reconnect_interval=... op monitor interval=... --force` would
# write (pcs takes 0.7 s a call and its diffs race with the DC election; cibadmin takes ms).
fence_device_xml() { # <id> <hosts>
  cat <<EOF
<primitive id="$1" class="stonith" type="fence_labpower">
  <instance_attributes id="$1-instance_attributes">
    <nvpair id="$1-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="$2"/>
  </instance_attributes>
  <operations>
    <op id="$1-monitor-interval-60s" name="monitor" interval="60s"/>
  </operations>
</primitive>
EOF
}
remote_xml() { # <name> <server address>
  cat <<EOF
<primitive id="$1" class="ocf" provider="pacemaker" type="remote">
  <instance_attributes id="$1-instance_attributes">
    <nvpair id="$1-instance_attributes-server" name="server" value="$2"/>
    <nvpair id="$1-instance_attributes-reconnect_interval" name="reconnect_interval" value="$LAB_RECONNECT"/>
  </instance_attributes>
  <operations>
    <op id="$1-monitor-interval-$LAB_REMOTE_MONITOR" name="monitor" interval="$LAB_REMOTE_MONITOR"/>
    <op id="$1-start-interval-0s" name="start" interval="0s" timeout="60s"/>
    <op id="$1-stop-interval-0s" name="stop" interval="0s" timeout="60s"/>
  </operations>
</primitive>
EOF
}

# The fence device and connection resources for the lab's compute nodes, as one fragment.
resources_xml() {
  local name
  if [ ${#nodes[@]} -gt 0 ] && [ "$LAB_FENCE_DEVICE" != none ]; then fence_device_xml "$LAB_FENCE_DEVICE" "${nodes[*]}"; fi
  for name in "${nodes[@]}"; do remote_xml "$name" "$(lab_node_addr "${name#compute-}")"; done
}

# configure_cib: properties, the fence device and one connection resource per compute node;
# connection resources of compute-N nodes that no longer exist are deleted (they could only
# fail). With CIB_file set, the tools edit that file instead of the live CIB.
configure_cib() {
  local hosts="${nodes[*]}" id name cib
  cib=$(cibadmin -Q) || return 1
  set_property stonith-enabled "$LAB_STONITH"
  set_property stonith-action "$LAB_STONITH_ACTION"
  set_property dc-deadtime 2s
  if [ ${#nodes[@]} -gt 0 ] && [ "$LAB_FENCE_DEVICE" != none ]; then
    if ! has_resource "$LAB_FENCE_DEVICE"; then
      lab_log "creating fence device $LAB_FENCE_DEVICE (fence_labpower) for $hosts"
      cibadmin --create -o resources --xml-text "$(fence_device_xml "$LAB_FENCE_DEVICE" "$hosts")"
    elif [ "$(cib_q "string(//primitive[@id='$LAB_FENCE_DEVICE']//nvpair[@name='pcmk_host_list']/@value)")" != "$hosts" ]; then
      crm_resource -r "$LAB_FENCE_DEVICE" -p pcmk_host_list -v "$hosts" >/dev/null
    fi
  elif [ "$LAB_FENCE_DEVICE" != none ] && has_resource "$LAB_FENCE_DEVICE"; then
    lab_log "deleting fence device $LAB_FENCE_DEVICE (no compute nodes)"
    crm_resource --delete -r "$LAB_FENCE_DEVICE" -t primitive >/dev/null
  fi
  for id in $(cib_q "//resources//primitive[@provider='pacemaker' and @type='remote']/@id" |
    grep -o 'id="compute-[0-9]*"' | cut -d'"' -f2); do
    printf '%s\n' "${nodes[@]}" | grep -x "$id" >/dev/null && continue
    lab_log "deleting connection resource $id (no such lab node)"
    crm_resource --delete -r "$id" -t primitive >/dev/null
  done
  for name in "${nodes[@]}"; do
    has_resource "$name" && continue
    lab_log "creating connection resource $name"
    cibadmin --create -o resources --xml-text "$(remote_xml "$name" "$(lab_node_addr "${name#compute-}")")"
  done
}

# The lab's compute nodes once this run is done: those that exist plus 1..LAB_REMOTES.
mapfile -t nodes < <({ "$HERE/compute-node.sh" list | sed 's/^compute-//'; seq 1 "$LAB_REMOTES"; } |
  sort -nu | sed 's/^/compute-/')

# ---------------------------------------------------------------- 3. compute nodes, offline CIB, corosync
# The nodes come up in the background meanwhile; they must be listening before pacemakerd
# starts, so the connection resources find their remoted.
node_pids=()
for n in $(seq 1 "$LAB_REMOTES"); do
  LAB_SCRIPT=compute-$n "$HERE/compute-node.sh" create "$n" & node_pids+=($!)
done
# While pacemaker is down, the configuration goes straight into cib.xml: the DC then starts
# everything at once, and nothing races with the election.
offline=no
if ! pacemakerd_pid >/dev/null; then
  offline=yes
  if [ "$LAB_FRESH" = 1 ] || [ ! -s "$CIB_DIR/cib.xml" ]; then
    lab_log "seeding a fresh CIB"; seed_cib
  else
    (export CIB_file="$CIB_DIR/cib.xml"; configure_cib) || lab_die "configuring $CIB_DIR/cib.xml failed"
    rm -f "$CIB_DIR/cib.xml.sig"       # edited by hand: without a .sig Pacemaker trusts the file
    chown hacluster:haclient "$CIB_DIR/cib.xml"; chmod 0600 "$CIB_DIR/cib.xml"
  fi
fi
if ! corosync_pid >/dev/null; then
  write_corosync_conf
  lab_log "starting corosync"
  lab_spawn "$LAB_LOG_DIR/corosync.out" "${LAB_CLEAN_ENV[@]}" corosync -f >"$LAB_STATE/corosync.pid"
  lab_wait 2 corosync_pid >/dev/null || lab_die "corosync did not start, see /var/log/corosync/corosync.log"
fi
lab_wait "$LAB_TIMEOUT" quorate || lab_die "corosync not quorate after ${LAB_TIMEOUT}s"

# ---------------------------------------------------------------- 4. compute nodes
for p in "${node_pids[@]}"; do wait "$p" || lab_die "creating a compute node failed"; done
[ "$LAB_REMOTES" -eq 0 ] || lab_log "compute nodes 1..$LAB_REMOTES up (pacemaker-remoted listening)"

# ---------------------------------------------------------------- 5. pacemaker
if ! pacemakerd_pid >/dev/null; then
  lab_log "starting pacemakerd"
  lab_spawn "$LAB_LOG_DIR/pacemakerd.out" "${LAB_CLEAN_ENV[@]}" \
    PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none pacemakerd >"$LAB_STATE/pacemakerd.pid"
  lab_wait 2 pacemakerd_pid >/dev/null || lab_die "pacemakerd did not start, see /var/log/pacemaker/pacemaker.log"
fi
lab_wait "$LAB_TIMEOUT" lab_node_is_dc "$LAB_NODE" ||
  lab_die "$LAB_NODE not online and DC after ${LAB_TIMEOUT}s, see /var/log/pacemaker/pacemaker.log"
lab_log "$LAB_NODE online and DC"
pgrep -P "$(pacemakerd_pid)" >"$LAB_STATE/pacemaker-children.pid" || true
# A lab that was already running is reconciled through the live CIB.
[ "$offline" = yes ] || configure_cib || lab_die "configuring the CIB failed"

# ---------------------------------------------------------------- 6. compute nodes online
# With stonith-enabled=true and no fence device the scheduler starts nothing at all.
devices=$(cibadmin -Q -o resources 2>/dev/null | grep -c 'class="stonith"' || true)
if [ ${#nodes[@]} -gt 0 ] && { [ "$LAB_STONITH" = false ] || [ "$devices" -gt 0 ]; }; then
  if ! lab_wait 10 lab_remotes_online "${nodes[@]}"; then
    lab_log "compute nodes not online yet, clearing old failures of their connections"
    for name in "${nodes[@]}"; do crm_resource --cleanup -r "$name" >/dev/null 2>&1 || true; done
    lab_wait "$LAB_TIMEOUT" lab_remotes_online "${nodes[@]}" || lab_die "compute nodes not online: see crm_mon -1"
  fi
  lab_log "compute nodes online: ${nodes[*]}"
elif [ ${#nodes[@]} -gt 0 ]; then
  lab_log "NOTE: stonith-enabled=true and no fence device: nothing starts until one is created"
fi

# ---------------------------------------------------------------- 7. summary (stdout)
t=$(( ($(date +%s%N) - LAB_T0) / 10000000 ))
printf 'nova-ha lab up in %d.%02ds: node %s (DC), stonith-enabled=%s (%s), corosync pid %s, pacemakerd pid %s\n' \
  $((t / 100)) $((t % 100)) "$LAB_NODE" "$LAB_STONITH" "$LAB_STONITH_ACTION" "$(corosync_pid)" "$(pacemakerd_pid)"
for name in "${nodes[@]}"; do
  n=${name#compute-}
  printf '  %s: netns %s, address %s (host side %s), remoted pid %s\n' "$name" "$(lab_netns "$n")" \
    "$(lab_node_addr "$n")" "$(lab_host_addr "$n")" "$(cat "$(lab_remoted_pidfile "$n")" 2>/dev/null || echo -)"
done
if [ ${#nodes[@]} -gt 0 ] && [ "$LAB_FENCE_DEVICE" != none ]; then echo "  fence device: $LAB_FENCE_DEVICE (fence_labpower)"; fi
