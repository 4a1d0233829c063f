#!/usr/bin/env bash
# Runs every benchmark script found under Benchmarks/*/run.sh, in a stable order.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in Benchmarks/*/run.sh; do
  [ -f "$script" ] || continue
  echo "== $script"
  bash "$script"
done
