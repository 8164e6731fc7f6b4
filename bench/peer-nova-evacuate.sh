#!/bin/bash
# One monitor pass of the peer NovaEvacuate loop, reproduced for the benchmark from the behaviour recorded in
# shared research (peers.md §7.4); not the peer's code. For every host attrd lists with value "yes" (or an
# in-progress marker older than 60 s), one host after another: `fence_evacuate -o status`, write
# <uname>@<epoch>, `fence_evacuate -o off --no-shared-storage`, then write "no" (exit 0) or "yes" (failure).
# Like the peer, the connection options (password included) go on fence_evacuate's command line; the
# benchmark only ever passes the simulator's throwaway credentials.
# Environment: PEER_FENCE_EVACUATE (agent path), PEER_AUTH_URL, PEER_USERNAME, PEER_PASSWORD, PEER_TENANT.
set -u
agent=${PEER_FENCE_EVACUATE:-fence_evacuate}
opts=(-k "$PEER_AUTH_URL" -l "$PEER_USERNAME" -p "$PEER_PASSWORD" -t "$PEER_TENANT" --no-shared-storage)
node=$(uname -n)

set_state() { # host value; a failed write aborts the pass, as the peer does
  if ! attrd_updater -p -n evacuate -Q -N "$1" -U "$2"; then
    echo "Can not set evacuation state of $1 to $2" >&2
    return 1
  fi
}

evacuate_host() { # host
  local host=$1 rc
  echo "Initiating evacuation of $host with $agent" >&2
  "$agent" "${opts[@]}" -o status -n "$host" >/dev/null
  if [ $? = 1 ]; then
    echo "Nova does not know about $host" >&2
    return 0
  fi
  set_state "$host" "$node@$(date +%s)" || return 1
  "$agent" "${opts[@]}" -o off -n "$host" >/dev/null
  rc=$?
  if [ "$rc" = 0 ]; then
    set_state "$host" no || return 1
    echo "Completed evacuation of $host" >&2
  else
    echo "Evacuation of $host failed: $rc" >&2
    set_state "$host" yes || return 1
  fi
}

# host and value are fields 4 and 6 once '=' and '"' become spaces; an empty value reads as "no".
while read -r host value; do
  case "$value" in
    yes) evacuate_host "$host" || break ;;
    *@*)
      since=${value#*@}
      if [ $(( $(date +%s) - since )) -gt 60 ]; then
        echo "Processing partial evacuation of $host by ${value%@*} at $since" >&2
        evacuate_host "$host" || break
      else
        echo "Deferring processing partial evacuation of $host by ${value%@*} at $since" >&2
      fi ;;
    *) ;;
  esac
done < <(attrd_updater -n evacuate -A 2> >(grep -v "attribute does not exist" >&2) \
  | sed -e 's/value=""/value="no"/' | tr '="' '  ' | awk '{print $4" "$6}')
exit 0
