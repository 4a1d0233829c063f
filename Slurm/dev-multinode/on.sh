#!/usr/bin/env bash
# Run a command "on" a host of the multi-node dev cluster: inside that host's network, UTS and mount namespaces,
# with SLURM_CONF set and the current folder kept.
#
#   Slurm/dev-multinode/on.sh HOST [CMD ARGS...]     HOST = ctl, n1, n2, ...; default CMD: bash
#   (BASE_DIR from SYMEDGE_MN_BASE, default /var/tmp/symedge-mn)
set -euo pipefail
base=${SYMEDGE_MN_BASE:-/var/tmp/symedge-mn}
host=${1:?usage: on.sh HOST [CMD ARGS...]}
shift
pid=$(cat "$base/run/host-$host.pid" 2>/dev/null) || { echo "on.sh: no host '$host' under $base" >&2; exit 1; }
export SLURM_CONF=$base/etc/slurm.conf
[ $# -gt 0 ] || set -- bash
exec nsenter -t "$pid" -n -u -m --wd="$PWD" -- "$@"
