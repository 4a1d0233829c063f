#!/usr/bin/env bash
# Start a 3-node Slurm 22.05 cluster on this one Linux machine (Debian 12), as root, for the multi-node tests.
#
#   Slurm/dev-multinode/start.sh [BASE_DIR]     default BASE_DIR=${SYMEDGE_MN_BASE:-/var/tmp/symedge-mn}
#
# Every "host" is a long-lived anchor process (`sleep infinity`) with its own network namespace
# (`ip netns`, named symn-<tag>-<host>, where <tag> comes from BASE_DIR: see names.sh), UTS namespace (its own
# hostname) and mount namespace:
#   ctl      netns symn-<tag>-ctl: bridge symnbr0 10.213.0.1/24, slurmctld; the "login node" for sbatch/srun/submit
#   n1..nN   netns symn-<tag>-nI:  eth0 10.213.0.1I/24 (a veth whose peer is on the bridge), slurmd -N nI
# Clusters with different BASE_DIRs can run side by side: their namespaces have different names, and the
# subnet, bridge, veths and Slurm ports exist only inside them.
# Each host has a private tmpfs on /dev/shm (Open MPI's shared-memory segments are named after the hostname and
# must not collide) and on /tmp (node-local scratch, as on a real cluster), and the cluster's /etc/hosts
# bind-mounted over /etc/hosts. Everything else, including BASE_DIR/shared, is the machine's file system seen
# by every host: the shared cluster file system that sweep output must live on.
# The namespaces have no default route: traffic stays on their loopback and on 10.213.0.0/24.
#
# Knobs (environment): MN_NODES (default 3, 1-9), MN_CPUS (CPUs per node, default 1, so each node runs one
# task and arrays spread over nodes), MN_SUBNET (default 10.213.0), MN_SLURMD_TIMEOUT (default 10 s: a dead
# node is DOWN and its jobs NODE_FAIL about 10-20 s later), MN_CRED_EXPIRE (default 10 s: a requeued job may
# start that long + 1 s after the requeue).
#
# Run commands on a host with Slurm/dev-multinode/on.sh HOST CMD... (SLURM_CONF is set there).
# Stop with Slurm/dev-multinode/stop.sh [BASE_DIR]; if this script fails it stops what it started itself.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
base=${1:-${SYMEDGE_MN_BASE:-/var/tmp/symedge-mn}}
nodes=${MN_NODES:-3}
cpus=${MN_CPUS:-1}
net=${MN_SUBNET:-10.213.0}
slurmd_timeout=${MN_SLURMD_TIMEOUT:-10}
cred_expire=${MN_CRED_EXPIRE:-10}
t0=$(date +%s.%N)
# shellcheck source=names.sh
. "$here/names.sh"
prefix=$(mn_prefix "$base")

die() { echo "dev-multinode/start.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces, mounts and the Slurm daemons need it)"
case $nodes in [1-9]) ;; *) die "MN_NODES must be 1..9, not '$nodes'" ;; esac
case $cpus in '' | *[!0-9]*) die "MN_CPUS must be a number, not '$cpus'" ;; esac
case $base in /*) ;; *) die "BASE_DIR must be an absolute path, not '$base'" ;; esac

# --- packages -------------------------------------------------------------------------------------------------
# libpmix-dev must be there before slurmd starts: mpi/pmix dlopens pmix2/lib/libpmix.so, which only -dev ships.
need=()
command -v slurmctld >/dev/null 2>&1 || need+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || need+=(slurmd)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-client)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
pmixlib=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/pmix2/lib/libpmix.so
[ -e "$pmixlib" ] || need+=(libpmix-dev)
if [ "${#need[@]}" -gt 0 ]; then
  echo "dev-multinode/start.sh: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ip netns list 2>/dev/null | grep -q "^$prefix-"; then
  die "$prefix-* network namespaces exist already: a cluster on $base is running (or was not stopped); stop it first: $here/stop.sh $base"
fi

# From here on, a failure tears down whatever was started.
started=0
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$started" = 1 ]; then
    echo "dev-multinode/start.sh: failed (exit $rc); last log lines:" >&2
    tail -n 15 "$base"/log/*.log >&2 2>/dev/null || true
    bash "$here/stop.sh" "$base" >&2 || true
  fi
}
trap on_exit EXIT

hosts=(ctl)
for i in $(seq 1 "$nodes"); do hosts+=("n$i"); done

# --- fresh per-run state (logs of an earlier run are replaced; BASE_DIR/shared is kept) ------------------------
rm -rf "${base:?}"/etc "${base:?}"/state "${base:?}"/spool "${base:?}"/run "${base:?}"/log "${base:?}"/tmp "${base:?}"/cgroup
mkdir -p "$base"/etc "$base"/state "$base"/run "$base"/log "$base"/cgroup "$base"/shared
for h in "${hosts[@]}"; do mkdir -p "$base/spool/$h" "$base/tmp/$h"; done
chmod 1777 "$base"/tmp/* "$base/shared"

{
  echo "127.0.0.1 localhost"
  echo "$net.1 ctl"
  for i in $(seq 1 "$nodes"); do echo "$net.1$i n$i"; done
} >"$base/etc/hosts"
: >"$base/etc/plugstack.conf"   # explicit and empty: the system's plugstack.conf is not read

# slurmd 22.05 always loads a cgroup plugin, and `ip netns exec` gives the host a fresh /sys without cgroups.
# cgroup/v1 with an empty private mount point initialises without touching the machine's cgroup tree
# (proctrack/linuxproc and task/none never use it).
cat >"$base/etc/cgroup.conf" <<CONF
CgroupPlugin=cgroup/v1
CgroupMountpoint=$base/cgroup
CONF

cat >"$base/etc/slurm.conf" <<CONF
# Generated by Slurm/dev-multinode/start.sh: $nodes nodes in network namespaces, auth/none, test use only.
ClusterName=symedge-mn
SlurmctldHost=ctl($net.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
AuthInfo=cred_expire=$cred_expire
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool/%n
SlurmctldPidFile=$base/run/slurmctld.pid
SlurmdPidFile=$base/run/slurmd-%n.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
# PMIx creates TmpFS/spmix_appdir_<uid>_<job>.<step> on every node: one folder per node, or they collide.
TmpFS=$base/tmp/%n
PlugStackConfig=$base/etc/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=pmix
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=2,sched_interval=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmdParameters=config_overrides
ReturnToService=2
SlurmdTimeout=$slurmd_timeout
SlurmctldTimeout=20
MessageTimeout=10
InactiveLimit=0
KillWait=5
MinJobAge=600
JobRequeue=1
CONF
for i in $(seq 1 "$nodes"); do
  echo "NodeName=n$i NodeHostname=n$i NodeAddr=$net.1$i CPUs=$cpus RealMemory=1000 State=UNKNOWN" >>"$base/etc/slurm.conf"
done
echo "PartitionName=debug Nodes=n[1-$nodes] Default=YES MaxTime=INFINITE State=UP" >>"$base/etc/slurm.conf"

# --- network: a bridge in ctl, one veth per node; both ends are created inside the namespaces ----------------
started=1
ctl=$prefix-ctl
ip netns add "$ctl"
ip -n "$ctl" link set lo up
ip -n "$ctl" link add symnbr0 type bridge
ip -n "$ctl" addr add "$net.1/24" dev symnbr0
ip -n "$ctl" link set symnbr0 up
for i in $(seq 1 "$nodes"); do
  ip netns add "$prefix-n$i"
  ip -n "$prefix-n$i" link set lo up
  ip link add "symnv$i" netns "$ctl" type veth peer name eth0 netns "$prefix-n$i"
  ip -n "$ctl" link set "symnv$i" master symnbr0 up
  ip -n "$prefix-n$i" addr add "$net.1$i/24" dev eth0
  ip -n "$prefix-n$i" link set eth0 up
done

# --- host anchors: hostname, private /dev/shm and /tmp, cluster /etc/hosts ---------------------------------------
# `ip netns exec` already runs in a new mount namespace whose mounts do not propagate back to the machine.
# shellcheck disable=SC2016  # the inner script gets its values as arguments
for h in "${hosts[@]}"; do
  ip netns exec "$prefix-$h" unshare --uts /bin/sh -c '
    hostname "$1" &&
    mount --bind "$2/etc/hosts" /etc/hosts &&
    mount -t tmpfs -o mode=1777,size=512m "symn-shm-$1" /dev/shm &&
    mount -t tmpfs -o mode=1777,size=512m "symn-tmp-$1" /tmp &&
    echo $$ >"$2/run/host-$1.pid" &&
    exec sleep infinity' anchor "$h" "$base" </dev/null >/dev/null 2>"$base/log/host-$h.err" &
done
for h in "${hosts[@]}"; do
  for _ in $(seq 1 100); do [ -s "$base/run/host-$h.pid" ] && break; sleep 0.05; done
  [ -s "$base/run/host-$h.pid" ] || die "host $h did not start: $(cat "$base/log/host-$h.err")"
done

on() { bash "$here/on.sh" "$@"; }
export SYMEDGE_MN_BASE=$base

# --- daemons (both daemonize and write their pid files) -----------------------------------------------------------
on ctl "$(command -v slurmctld)" -f "$base/etc/slurm.conf"
up=0
for _ in $(seq 1 100); do
  if on ctl scontrol ping 2>/dev/null | grep -q 'is UP'; then up=1; break; fi
  sleep 0.1
done
[ "$up" = 1 ] || die "slurmctld did not come up"
for i in $(seq 1 "$nodes"); do on "n$i" "$(command -v slurmd)" -f "$base/etc/slurm.conf" -N "n$i"; done
idle=0
for _ in $(seq 1 300); do
  idle=$(on ctl sinfo -h -N -o '%N %t' 2>/dev/null | awk '$2 == "idle"' | wc -l)
  [ "$idle" -eq "$nodes" ] && break
  sleep 0.1
done
[ "$idle" -eq "$nodes" ] || die "only $idle of $nodes nodes became idle"
on ctl sinfo -N -o '%N %t %c %O'
echo "dev-multinode: $nodes nodes up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s;" \
  "run commands with: SYMEDGE_MN_BASE=$base $here/on.sh ctl sbatch ..."
