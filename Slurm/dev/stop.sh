#!/usr/bin/env bash
# Stop what Slurm/dev/start.sh started, by the pids in BASE_DIR/run/*.pid (never by process name).
#
#   Slurm/dev/stop.sh [BASE_DIR]        default BASE_DIR=${SYMEDGE_SLURM_BASE:-/tmp/symedge-slurm}
set -uo pipefail

base=${1:-${SYMEDGE_SLURM_BASE:-/tmp/symedge-slurm}}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() {   # NAME PIDFILE
  local name=$1 file=$2 pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  case $pid in ''|*[!0-9]*) rm -f "$file"; return 0 ;; esac
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop.sh: $name ($pid) ignored TERM; sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stop.sh: $name ($pid) stopped"
  fi
  rm -f "$file"
}

# Job steps (slurmstepd) are not children of slurmd: cancel the jobs first and give them a moment to end.
if alive "$base/run/slurmctld.pid"; then
  SLURM_CONF=$base/etc/slurm.conf scancel --full --user=root 2>/dev/null || true
  for _ in $(seq 1 20); do
    [ -z "$(SLURM_CONF=$base/etc/slurm.conf squeue -h -t running,completing 2>/dev/null)" ] && break
    sleep 0.25
  done
fi
stop_pidfile slurmd "$base/run/slurmd.pid"
stop_pidfile slurmctld "$base/run/slurmctld.pid"
stop_pidfile slurmdbd "$base/run/slurmdbd.pid"
stop_pidfile mariadbd "$base/mysql-run/mysqld.pid"
exit 0
