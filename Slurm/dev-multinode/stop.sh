#!/usr/bin/env bash
# Tear down the multi-node dev cluster of Slurm/dev-multinode/start.sh and check that nothing is left behind.
#
#   Slurm/dev-multinode/stop.sh [BASE_DIR]     default BASE_DIR=${SYMEDGE_MN_BASE:-/var/tmp/symedge-mn}
#
# Stops only what the cluster started, by id: the daemons by their pid files, then every process that lives in
# one of the cluster's network namespaces (`ip netns pids symn-<tag>-*`, see names.sh: job steps, ranks, the host
# anchors), TERM and then KILL. Another cluster's namespaces (another BASE_DIR) are left alone. Deleting the namespaces removes the veths and the bridge; the hosts' mounts (/dev/shm, /tmp,
# /etc/hosts) go with their last process. Logs and BASE_DIR/shared are kept. Idempotent; exit status 1 if a
# namespace, link, mount or process is still there afterwards.
set -uo pipefail
base=${1:-${SYMEDGE_MN_BASE:-/var/tmp/symedge-mn}}
t0=$(date +%s.%N)
# shellcheck source=names.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/names.sh"
prefix=$(mn_prefix "$base")
[ "$(id -u)" -eq 0 ] || { echo "dev-multinode/stop.sh: run as root" >&2; exit 1; }

# Alive = exists and is not a zombie (orphans are reaped by PID 1, sometimes seconds later; a zombie holds no
# namespace, mount or port).
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
wait_gone() {  # SECONDS PIDS...
  local n=$(($1 * 10)) p left
  shift
  for _ in $(seq 1 "$n"); do
    left=""
    for p in "$@"; do alive "$p" && left="$left $p"; done
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  return 1
}
ns_list() { ip netns list 2>/dev/null | awk -v p="$prefix-" 'index($1, p) == 1 {print $1}'; }

killed=()
# 1. The daemons, politely: by pid file, only if the process is the daemon the file names (pid reuse).
daemons=()
for f in "$base"/run/slurmctld.pid "$base"/run/slurmd-*.pid; do
  [ -s "$f" ] || continue
  p=$(cat "$f")
  case $p in '' | *[!0-9]*) continue ;; esac
  want=$(basename "$f" .pid)
  want=${want%%-*}
  if alive "$p" && grep -qx "$want" "/proc/$p/comm" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null && daemons+=("$p")
  fi
done
if [ "${#daemons[@]}" -gt 0 ]; then
  wait_gone 5 "${daemons[@]}" || kill -KILL "${daemons[@]}" 2>/dev/null
  killed+=("${daemons[@]}")
fi

# 2. Everything else inside the cluster's network namespaces: steps, ranks, batch shells, anchors.
for sig in TERM KILL; do
  pids=()
  for ns in $(ns_list); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do alive "$p" && pids+=("$p"); done
  done
  [ "${#pids[@]}" -eq 0 ] && break
  kill "-$sig" "${pids[@]}" 2>/dev/null
  killed+=("${pids[@]}")
  wait_gone 3 "${pids[@]}" && break
done
# Anchors of a host whose namespace is already gone (a half-finished start or stop).
for f in "$base"/run/host-*.pid; do
  [ -s "$f" ] || continue
  p=$(cat "$f")
  case $p in '' | *[!0-9]*) continue ;; esac
  if alive "$p" && grep -qx sleep "/proc/$p/comm" 2>/dev/null; then kill -KILL "$p" && killed+=("$p"); fi
done

# 3. Namespaces (their veths and the bridge go with them).
for ns in $(ns_list); do ip netns del "$ns" 2>/dev/null || ip netns del "$ns"; done
rm -f "$base"/run/*.pid

# 4. Check.
left=0
if [ -n "$(ns_list)" ]; then echo "LEFT: namespaces $(ns_list | tr '\n' ' ')"; left=1; fi
if ls /run/netns/"$prefix"-* >/dev/null 2>&1; then echo "LEFT: /run/netns entries"; left=1; fi
if ip -o link show 2>/dev/null | grep -q 'symn'; then echo "LEFT: links"; ip -o link show | grep symn; left=1; fi
if grep -qE "$prefix-|$base" /proc/self/mountinfo; then echo "LEFT: mounts"; grep -E "$prefix-|$base" /proc/self/mountinfo; left=1; fi
sleep 0.1
live=()
for p in "${killed[@]}"; do alive "$p" && live+=("$p"); done
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [ "$p" = $$ ] && continue
  if { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -qF "$base/etc/slurm.conf" && alive "$p"; then live+=("$p"); fi
done
if [ "${#live[@]}" -gt 0 ]; then
  echo "LEFT: processes"
  ps -o pid,stat,args -p "$(IFS=,; echo "${live[*]}")"
  left=1
fi
printf 'dev-multinode: stopped in %s s (%d processes ended)%s\n' \
  "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" "${#killed[@]}" \
  "$([ "$left" = 0 ] && echo '; no namespace, link, mount or process left')"
exit "$left"
