#!/usr/bin/env bash
# Installs the Debian packages SymmetryEdge needs, when missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail
packages=(libopenmpi-dev openmpi-bin libpmix-dev libhdf5-dev hdf5-tools libfftw3-dev libopenblas-dev libssl-dev libdeflate-dev pkg-config
          python3-venv)
if [ "${WITH_SLURM:-0}" = 1 ]; then
  packages+=(slurmctld slurmd slurm-client)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -ne 0 ]; then
  echo "SymmetryEdge needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  apt-get update && ${cmd[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${cmd[@]}" >/dev/null
