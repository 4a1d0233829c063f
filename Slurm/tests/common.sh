#!/usr/bin/env bash
# shellcheck disable=SC2034,SC2154  # passed/failed are read by, work/repo set in, the scripts that source this
# Shared by Slurm/tests/run.sh and Slurm/tests/multinode.sh (sourced, not run): pass/fail counting, the Slurm job
# helpers and the table comparison. The sourcing script sets `work` (its scratch folder) and may define
# `slurm_cmd` before sourcing, to run Slurm clients elsewhere (multinode.sh: on the cluster's login node);
# by default they run here.
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() {  # DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
declare -F slurm_cmd >/dev/null || slurm_cmd() { "$@"; }

jobs_of() {  # OUT KIND [SUBMISSION]: job ids of a kind from OUT/slurm/jobs.json (last submission by default)
  python3 - "$1/slurm/jobs.json" "$2" "${3:--1}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["submissions"][int(sys.argv[3])]
print(",".join(j["id"] for j in s["jobs"] if j["kind"] == sys.argv[2]))
PY
}
array_of() {  # OUT [SUBMISSION]: the --array value of an array submission (the last by default)
  python3 - "$1/slurm/jobs.json" "${2:--1}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["submissions"][int(sys.argv[2])]
print(next(j["array"] for j in s["jobs"] if j["kind"] == "array"))
PY
}
wait_jobs() {  # IDS(comma-separated) TIMEOUT: until none is pending, running, requeued or completing
  local t=0
  while [ "$t" -lt "$2" ]; do
    [ -z "$(slurm_cmd squeue -h -r -j "$1" -t PD,R,CG,CF,RQ,RF,RH,S,RS,SO 2>/dev/null)" ] && return 0
    sleep 1
    t=$((t + 1))
  done
  echo "jobs $1 still queued after $2 s:"
  slurm_cmd squeue -r -j "$1"
  return 1
}
all_completed() {  # IDS(comma-separated): every job and array task of IDS ended COMPLETED
  [ "$(slurm_cmd squeue -h -r -t all -j "$1" -o %T | sort -u)" = COMPLETED ]
}
same_tables() {  # DIR_A DIR_B: tables/ byte for byte (the first differences go to the log)
  diff -r "$1/tables" "$2/tables" >"$work/diff.txt" 2>&1 || { head -20 "$work/diff.txt"; return 1; }
}
lint_bin() {  # NAME: from the project's .venv, else PATH, else a throwaway venv in $work (pinned as in requirements)
  local name=$1 pin
  if [ -x "$repo/.venv/bin/$name" ]; then echo "$repo/.venv/bin/$name"; return; fi
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  if [ ! -x "$work/lintenv/bin/pip" ]; then python3 -m venv "$work/lintenv" >/dev/null 2>&1 || return 1; fi
  pin=$(grep -i "^$name-py==" "$repo/Tests/python/requirements.txt" 2>/dev/null || echo "$name-py")
  "$work/lintenv/bin/pip" install -q "$pin" >/dev/null 2>&1 || return 1
  echo "$work/lintenv/bin/$name"
}
