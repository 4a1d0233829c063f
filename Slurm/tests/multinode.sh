#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2001,SC2329  # bash -c snippets get their values as arguments; check calls functions
# End-to-end tests of sweeps on a 3-node Slurm cluster that this script starts (Slurm/dev-multinode/start.sh:
# one network namespace, hostname, /dev/shm, /tmp and slurmd per node, slurmctld in a fourth, veth links on
# 10.213.0.0/24) and always tears down again (trap on exit).
#
#   SYMEDGE_BIN=.build/release/symedge bash Slurm/tests/multinode.sh        (make test-multinode)
#
# Needs root; installs Slurm, libpmix-dev and iproute2 with apt-get when missing. Output lives on one folder that
# every node sees (BASE/shared, BASE=${SYMEDGE_MN_TEST_BASE:-/var/tmp/symedge-mn-test-<hash of the checkout path>},
# so that two checkouts can run this test at the same time); each node's /tmp is its own, so nothing the cluster
# runs may come from the checkout itself (it may be under /tmp): the binary and the templates are copied.
# Checks, in order:
#   1. the cluster: own hostnames, private /dev/shm and /tmp, one shared output folder, no route out of the subnet;
#   2. MPI over TCP between nodes: `srun -N 2 --mpi=pmix symedge mpi-check`, and `mpirun` inside `sbatch -N 2`;
#   3. `symedge submit --mode mpi --nodes 2 --ntasks 2`, `mpirun symedge sweep` inside `sbatch -N 2`, and
#      `--mode array` (tasks on different nodes): tables byte-identical to a one-process local sweep;
#   4. node loss: the batch node of a running mpi-mode job loses its link, its slurmd and its ranks (SIGKILL);
#      Slurm requeues the job onto the two other nodes, it resumes; tables identical, and no shard finished before
#      the loss is computed again (ledger.jsonl);
#      the same for an array job: the task on the lost node requeues onto another node;
#   5. network partition of an array task's node (jobs submitted with SBATCH_NO_REQUEUE=1, the partitioned
#      node's processes frozen): every shard recorded done is a complete file (status --verify), `status` shows the
#      NODE_FAIL task and the pending shards; after the node is repaired `rerun-failed --slurm` finishes them;
#   6. a node with a stale view of the ledger (a run of array group 0 frozen after planning while a second run on
#      another node finishes the group) must not replace any finished shard file (same inode and mtime);
#   7. a rank that crashes (SIGKILL of one rank process): under `srun --kill-on-bad-exit` (submit --mode mpi) and
#      under `mpirun` inside `sbatch -N 2`, rank 1 on the second node: the job ends at once, the ledger records its
#      in-flight shard `crashed` with the host and signal 9, `status` lists it; then rank 0 itself (nothing can
#      write the ledger): `status` lists its shard from the in-flight marker, the resume records it; every resume
#      (`rerun-failed --slurm`, the same mpirun or srun again) gives the reference tables and reruns no done shard;
#   8. teardown leaves no namespace, link, mount or process.
# Prints `multinode: N passed, N failed` and the wall time; exits non-zero on any failure.
set -uo pipefail

t_begin=$(date +%s)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${SYMEDGE_BIN:-$repo/.build/release/symedge}
base=${SYMEDGE_MN_TEST_BASE:-/var/tmp/symedge-mn-test-$(printf '%s' "$repo" | sha256sum | cut -c1-8)}
slurm_cmd() { on ctl "$@"; }   # Slurm clients run on the cluster's login node
# ok/bad/check, jobs_of, array_of, wait_jobs, all_completed, same_tables (shared with run.sh)
# shellcheck source=common.sh
. "$repo/Slurm/tests/common.sh"
# shellcheck source=../dev-multinode/names.sh
. "$repo/Slurm/dev-multinode/names.sh"
note() { echo "$(date +%T) $*"; }
finish() {
  trap - EXIT
  teardown
  echo "multinode: $passed passed, $failed failed (wall time $(($(date +%s) - t_begin)) s)"
  [ "$failed" -eq 0 ]
  exit $?
}

if [ ! -x "$bin" ]; then bad "symedge binary $bin not found (make build, or set SYMEDGE_BIN)"; finish; fi
if [ "$(id -u)" -ne 0 ]; then bad "the multi-node cluster needs root"; finish; fi

work=$base/shared/e2e
export SYMEDGE_MN_BASE=$base
on() { bash "$repo/Slurm/dev-multinode/on.sh" "$@"; }
teardown() {
  local out
  out=$(bash "$repo/Slurm/dev-multinode/stop.sh" "$base" 2>&1)
  local rc=$?
  echo "$out" | sed 's/^/  stop| /'
  if [ "$rc" -eq 0 ]; then ok "teardown: no namespace, link, mount or process left"; else bad "teardown left something behind"; fi
  if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "multinode tests: kept $work and $base/log for inspection"; fi
}
trap 'finish' EXIT
trap 'bad "interrupted"; finish' INT TERM

# ---- 1. the cluster --------------------------------------------------------------------------------------------
shellcheck=$repo/.venv/bin/shellcheck
[ -x "$shellcheck" ] || shellcheck=$(command -v shellcheck || true)
if [ -n "$shellcheck" ]; then
  check "shellcheck Slurm/dev-multinode and this script" "$shellcheck" -x -P SCRIPTDIR -s bash "$repo"/Slurm/dev-multinode/*.sh "$0"
else
  echo "note: shellcheck not found (make venv installs it); Slurm/tests/run.sh lints this script"
fi
rm -rf "$work"
mkdir -p "$work/bin"
# A private copy: another build of .build/release/symedge during the test must not change the program version
# (and so the shard keys) between the reference and the cluster runs.
cp "$bin" "$work/bin/symedge"
cp "$(dirname "$bin")/symedge.commit" "$work/bin/" 2>/dev/null || true
sym=$work/bin/symedge
# The checkout may be node-local (a clone under /tmp): submit reads its templates from the shared folder.
cp -r "$repo/Slurm/templates" "$work/templates"
export SYMEDGE_SLURM_TEMPLATES=$work/templates
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset SBATCH_NO_REQUEUE SBATCH_REQUEUE
cd "$work" || exit 1
if ! MN_NODES=3 MN_CPUS=1 bash "$repo/Slurm/dev-multinode/start.sh" "$base"; then
  bad "start the 3-node cluster"
  finish
fi
ok "3-node cluster up (slurmctld in ctl, slurmd in n1 n2 n3)"
check "each node has its own hostname" test "$(for h in n1 n2 n3; do on "$h" hostname; done | tr '\n' ' ')" = "n1 n2 n3 "
on n1 sh -c 'echo n1 >/dev/shm/symn-probe; echo n1 >/tmp/symn-probe'
check "/dev/shm and /tmp are private to each node" \
  on n2 sh -c '! test -e /dev/shm/symn-probe && ! test -e /tmp/symn-probe'
on n1 sh -c 'hostname >"$0/shared-probe"' "$work"
check "the output folder is shared: written on n1, read on n2, n3 and ctl" \
  bash -c 'for h in n2 n3 ctl; do [ "$(bash "$0" "$h" cat "$1/shared-probe")" = n1 ] || exit 1; done' \
  "$repo/Slurm/dev-multinode/on.sh" "$work"
check "no route leaves the cluster subnet (n1 cannot reach 192.0.2.1)" \
  bash -c '! bash "$0" n1 ip route get 192.0.2.1 >/dev/null 2>&1' "$repo/Slurm/dev-multinode/on.sh"

# ---- 2. MPI across nodes ------------------------------------------------------------------------------------
out=$(timeout 120 bash "$repo/Slurm/dev-multinode/on.sh" ctl srun -K -N 2 -n 2 --mpi=pmix "$sym" mpi-check --elements 1000 2>&1)
echo "$out" | grep -E 'on n[0-9]|PASSED' | sed 's/^/  srun| /'
check "srun -N 2 -n 2 --mpi=pmix symedge mpi-check: ranks on n1 and n2 agree" \
  bash -c 'grep -q "PASSED on 2 rank" <<<"$0" && grep -q "rank 0/2 on n1" <<<"$0" && grep -q "rank 1/2 on n2" <<<"$0"' "$out"
timeout 120 bash "$repo/Slurm/dev-multinode/on.sh" ctl sbatch -W -N 2 -n 2 -o mpirun.out \
  --wrap "mpirun --mca btl_base_verbose 100 $sym mpi-check --elements 1000" >/dev/null 2>&1
grep -E 'now connected|PASSED' mpirun.out | sed 's/^/  mpirun| /'
check "mpirun inside sbatch -N 2: mpi-check passes, and the ranks talk over TCP on the veth link" \
  bash -c 'grep -q "PASSED on 2 rank" mpirun.out && grep -q "btl:tcp: now connected to 10.213.0.1[1-3]" mpirun.out'

# Coordinator message costs over the veth link (figures for docs/scaling.md).
if mpicc -O2 -o "$work/bin/pingpong" "$repo/Slurm/tests/multinode-pingpong.c" 2>"$work/mpicc.log"; then
  pp=$(timeout 120 bash "$repo/Slurm/dev-multinode/on.sh" ctl srun -K -N 2 -n 2 --mpi=pmix "$work/bin/pingpong" 2>&1)
  echo "$pp" | sed 's/^/  /'
  check "ping-pong of result-sized messages between n1 and n2" test "$(grep -c '^pingpong ' <<<"$pp")" -eq 4
else
  bad "mpicc multinode-pingpong.c (see $work/mpicc.log)"
fi

# ---- 3. a small cohort on the shared folder, and the one-process reference -----------------------------------
if ! "$sym" simulate --subjects 3 --sessions 1 --duration 240 --neurons 300 --states wake,nrem_deep --no-lfp \
    --seed 5 --out "$work/data" >"$work/simulate.log" 2>&1; then
  bad "simulate the test cohort (see $work/simulate.log)"
  finish
fi
# 3 recordings x 2 states x (1 observed + 96/8 surrogate blocks) = 78 shards in 3 groups, ~10 s on one core.
cat >"$work/job.yaml" <<'YAML'
name: multinode-e2e
inputs: data
states: [wake, nrem_deep]
scales: 32
measures: [balance]
surrogates: 96
surrogate_kinds: [circular_shift]
seed: 11
output: out
surrogates_per_shard: 8
YAML
job=$work/job.yaml
ref=$work/reference
t0=$(date +%s.%N)
if ! "$sym" sweep "$job" --out "$ref" >"$work/reference.log" 2>&1; then
  bad "one-process local reference sweep (see $work/reference.log)"
  finish
fi
ok "one-process local reference sweep ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s): $(grep -h '^sweep: .* already done' "$work/reference.log")"
total=$(grep -o '^sweep: [0-9]* shards' "$work/reference.log" | awk '{print $2}')

# ---- helpers -----------------------------------------------------------------------------------------------
states_of() { on ctl squeue -h -r -t all -j "$1" -o '%K:%T:%N' 2>/dev/null | sort; }
done_count() { cat "$1"/ledger*.jsonl 2>/dev/null | grep -c '"event":"done"'; }
done_count_file() { cat "$1" 2>/dev/null | grep -c '"event":"done"'; }
node_pids() {  # NODE: processes of the node (its network namespace), without the host's anchor
  local anchor p
  anchor=$(cat "$base/run/host-$1.pid")
  for p in $(ip netns pids "$(mn_netns "$base" "$1")"); do [ "$p" != "$anchor" ] && echo "$p"; done
}
rank_pids() {  # NODE: symedge processes running on the node
  local p
  for p in $(node_pids "$1"); do
    [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$sym" ] && echo "$p"
  done
}
kill_node() {  # NODE: link down, then SIGKILL slurmd, the job steps and the ranks (the host itself stays)
  ip -n "$(mn_netns "$base" "$1")" link set eth0 down
  local p
  for p in $(node_pids "$1"); do kill -KILL "$p" 2>/dev/null; done
}
revive_node() {  # NODE: link up, slurmd again; ReturnToService=2 makes it idle by itself
  ip -n "$(mn_netns "$base" "$1")" link set eth0 up
  on "$1" "$(command -v slurmd)" -f "$base/etc/slurm.conf" -N "$1"
  local t
  for t in $(seq 1 60); do
    [ "$(on ctl sinfo -h -N -n "$1" -o %t 2>/dev/null)" = idle ] && return 0
    sleep 1
  done
  echo "node $1 did not come back: $(on ctl sinfo -h -N -n "$1" -o %t)"
  return 1
}
ledger_check() {  # OUT: no shard recorded done twice; prints "done=N already_done=M"
  python3 - "$1" <<'PY'
import glob, json, sys, collections
done = collections.Counter()
kept = 0
for p in glob.glob(sys.argv[1] + "/ledger*.jsonl"):
    for line in open(p):
        try: e = json.loads(line)
        except ValueError: continue
        if e.get("event") == "done": done[e["key"]] += 1
        if e.get("event") == "already_done": kept += 1
twice = [k for k, n in done.items() if n > 1]
print(f"done={len(done)} already_done={kept}" + (f" recorded done twice: {twice[:5]}" if twice else ""))
sys.exit(1 if twice else 0)
PY
}

not_recomputed() {  # LEDGER_COPY_AT_LOSS LEDGER_NOW: no shard done before the loss ran in the resumed run
  python3 - "$1" "$2" <<'PY'
import json, sys
def entries(p):
    for line in open(p):
        try: yield json.loads(line)
        except ValueError: pass
before = {e["key"] for e in entries(sys.argv[1]) if e.get("event") == "done"}
all_ = list(entries(sys.argv[2]))
starts = [i for i, e in enumerate(all_) if e.get("event") == "sweep_start"]
after = {e.get("key") for e in all_[starts[-1]:] if e.get("event") in ("done", "already_done", "failed")}
print(f"  {len(before)} shards done before the loss; the resumed run: {all_[starts[-1]]['message']}")
sys.exit(1 if before & after or len(starts) < 2 else 0)
PY
}

# ---- 4. mpi mode, 2 nodes x 1 task ----------------------------------------------------------------------------
out_mpi=$work/out-mpi
if on ctl "$sym" submit "$job" --out "$out_mpi" --mode mpi --nodes 2 --ntasks 2 --time 10 >"$work/submit-mpi.log" 2>&1; then
  ok "submit --mode mpi --nodes 2 --ntasks 2"
else
  bad "submit --mode mpi (see $work/submit-mpi.log)"
fi
mpi_id=$(jobs_of "$out_mpi" mpi)
wait_jobs "$mpi_id" 240
note "mpi job $mpi_id: $(states_of "$mpi_id")"
check "mpi job completed on two nodes" bash -c '[[ "$0" =~ :COMPLETED:n\[[1-3][-,][1-3]\] ]]' "$(states_of "$mpi_id")"
grep -h '^sweep: .* already done' "$out_mpi"/slurm/logs/*-"$mpi_id".out | sed 's/^/  mpi| /'
hosts=$(grep -ho '"event":"done".*"host":"n[0-9]"' "$out_mpi/ledger.jsonl" | grep -o 'host":"n[0-9]' | sort -u | wc -l)
check "shards were computed on both nodes (ledger hosts: $hosts)" test "$hosts" -eq 2
check "mpi-mode tables (2 nodes) equal the one-process sweep byte for byte" same_tables "$ref" "$out_mpi"
python3 - "$out_mpi/ledger.jsonl" "$out_mpi"/slurm/logs/*-"$mpi_id".out <<'PY'
import json, re, statistics, sys
done = [e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "done"]
secs = [e["seconds"] for e in done]
size = [e["bytes"] for e in done]
m = re.search(r"in ([0-9.]+) s \(compute ([0-9.]+) s, coordinator busy ([0-9.]+) s", open(sys.argv[2]).read())
busy = float(m.group(3)) / len(done) * 1e3 if m else float("nan")
print(f"  scaling| {len(done)} shards over 2 nodes: compute per shard median {statistics.median(secs):.3f} s "
      f"(mean {statistics.mean(secs):.3f} s), result {statistics.mean(size) / 1e3:.1f} kB mean, "
      f"coordinator busy {busy:.1f} ms per result; wall {m.group(1) if m else '?'} s")
PY

# The same sweep started by mpirun inside `sbatch -N 2` (Open MPI launches its daemons through Slurm).
out_mpirun=$work/out-mpirun
timeout 300 bash "$repo/Slurm/dev-multinode/on.sh" ctl sbatch -W -N 2 -n 2 -o "$work/mpirun-sweep.out" \
  --wrap "mpirun $sym sweep $job --out $out_mpirun" >/dev/null 2>&1
grep -h '^sweep: .* already done' "$work/mpirun-sweep.out" | sed 's/^/  mpirun| /'
check "mpirun symedge sweep inside sbatch -N 2: ranks on 2 nodes, tables equal the one-process sweep" \
  bash -c 'grep -q "on 2 rank" "$0" && [ "$(grep -o "\"host\":\"n[0-9]\"" "$1/ledger.jsonl" | sort -u | wc -l)" = 2 ] &&
           diff -r "$2/tables" "$1/tables" >/dev/null' "$work/mpirun-sweep.out" "$out_mpirun" "$ref"

# ---- 5. array mode across nodes -------------------------------------------------------------------------------
out_arr=$work/out-array
if on ctl "$sym" submit "$job" --out "$out_arr" --time 10 >"$work/submit-array.log" 2>&1; then
  ok "submit --mode array"
else
  bad "submit --mode array (see $work/submit-array.log)"
fi
arr_id=$(jobs_of "$out_arr" array)
red_id=$(jobs_of "$out_arr" reduce)
wait_jobs "$arr_id,$red_id" 240
note "array job $arr_id: $(states_of "$arr_id" | tr '\n' ' ')  reduce $red_id: $(states_of "$red_id")"
check "every array task and the reduce job completed" all_completed "$arr_id,$red_id"
nodes_used=$(states_of "$arr_id" | awk -F: '{print $3}' | sort -u | wc -l)
check "the array tasks ran on $nodes_used different nodes" test "$nodes_used" -ge 2
check "array-mode tables equal the one-process sweep byte for byte" same_tables "$ref" "$out_arr"

# ---- 6. node loss under an mpi-mode job: NODE_FAIL, requeue onto the other nodes, resume -------------------------
out_loss=$work/out-node-loss
on ctl "$sym" submit "$job" --out "$out_loss" --mode mpi --nodes 2 --ntasks 2 --time 10 >"$work/submit-loss.log" 2>&1 \
  || bad "submit the node-loss job (see $work/submit-loss.log)"
loss_id=$(jobs_of "$out_loss" mpi)
t=0
while [ "$t" -lt 1200 ] && [ "$(done_count "$out_loss")" -lt 8 ]; do sleep 0.1; t=$((t + 1)); done
victim=$(on ctl scontrol show job "$loss_id" | grep -o 'BatchHost=n[0-9]' | cut -d= -f2)
kill_node "$victim"
t_kill=$(date +%s)
before=$(done_count "$out_loss")
note "killed node $victim (link, slurmd, ranks) under job $loss_id with $before of $total shards done"
check "the node died mid-sweep ($before of $total shards done)" test "$before" -gt 0 -a "$before" -lt "$total"
cp "$out_loss/ledger.jsonl" "$work/ledger-at-loss.jsonl"
t=0
restarts=0
while [ "$t" -lt 120 ]; do
  restarts=$(on ctl scontrol show job "$loss_id" 2>/dev/null | grep -o 'Restarts=[0-9]*' | cut -d= -f2)
  [ "${restarts:-0}" -ge 1 ] && break
  sleep 1
  t=$((t + 1))
done
note "job $loss_id requeued $(($(date +%s) - t_kill)) s after the loss; node $victim: $(on ctl sinfo -h -N -n "$victim" -o %t)"
grep -E "JobId=$loss_id" "$base/log/slurmctld.log" | grep -Ei 'fail|requeue' | sed 's/^/  slurmctld| /' | head -5
check "Slurm saw the node fail and requeued the job (NODE_FAIL, Restarts=$restarts)" \
  bash -c '[ "${0:-0}" -ge 1 ] && grep -q "requeue job JobId=$1 due to failure of node $2" "$3"' \
  "$restarts" "$loss_id" "$victim" "$base/log/slurmctld.log"
wait_jobs "$loss_id" 300
note "job $loss_id after the requeue: $(states_of "$loss_id") ($(($(date +%s) - t_kill)) s after the loss)"
check "the requeued job completed on the two remaining nodes" \
  bash -c '[[ "$0" =~ :COMPLETED: ]] && [[ ! "$0" =~ $1 ]] && [[ ! "$0" =~ n\[1-3\] ]]' "$(states_of "$loss_id")" "$victim"
grep -h '^sweep: .* already done' "$out_loss"/slurm/logs/*-"$loss_id".out | sed 's/^/  loss| /'
check "node-loss tables equal the one-process sweep byte for byte" same_tables "$ref" "$out_loss"
check "no shard recorded done twice ($(ledger_check "$out_loss"))" ledger_check "$out_loss"
check "no shard finished before the loss was computed again" not_recomputed "$work/ledger-at-loss.jsonl" "$out_loss/ledger.jsonl"
revive_node "$victim" || bad "node $victim back in service"

# ---- 6b. node loss under an array job: the task on the lost node requeues onto another node ------------------
out_aloss=$work/out-array-loss
on ctl "$sym" submit "$job" --out "$out_aloss" --time 10 >"$work/submit-aloss.log" 2>&1 \
  || bad "submit the array node-loss job (see $work/submit-aloss.log)"
al_id=$(jobs_of "$out_aloss" array)
al_red=$(jobs_of "$out_aloss" reduce)
anode=""
agroup=""
t=0
while [ "$t" -lt 1200 ]; do   # the first running task whose group has finished shards and is not done
  while IFS=: read -r k st nd; do
    [ "$st" = RUNNING ] || continue
    f=$out_aloss/ledger.group-$k.jsonl
    if [ "$(done_count_file "$f")" -ge 3 ] && ! grep -q '"event":"sweep_end"' "$f"; then anode=$nd; agroup=$k; break; fi
  done < <(states_of "$al_id")
  [ -n "$anode" ] && break
  sleep 0.1
  t=$((t + 1))
done
if [ -n "$anode" ]; then
  kill_node "$anode"
  t_kill=$(date +%s)
  cp "$out_aloss/ledger.group-$agroup.jsonl" "$work/ledger-aloss-at-loss.jsonl"
  note "killed node $anode under array task ${al_id}_$agroup with $(done_count_file "$work/ledger-aloss-at-loss.jsonl") of its group's shards done"
  wait_jobs "$al_id,$al_red" 300
  note "array $al_id: $(states_of "$al_id" | tr '\n' ' ') reduce $al_red: $(states_of "$al_red") ($(($(date +%s) - t_kill)) s after the loss)"
  grep -F "JobId=${al_id}_$agroup(" "$base/log/slurmctld.log" | grep -i requeue | sed 's/^/  slurmctld| /'
  check "Slurm requeued array task ${al_id}_$agroup after the failure of node $anode (NODE_FAIL)" \
    bash -c 'grep -F "requeue job JobId=$0(" "$1" | grep -q "due to failure of node $2"' \
    "${al_id}_$agroup" "$base/log/slurmctld.log" "$anode"
  check "every array task (the requeued one on another node) and the reduce job completed" \
    bash -c '[ "$(bash "$0" ctl squeue -h -r -t all -j "$1" -o %T | sort -u)" = COMPLETED ] &&
             ! grep -q "^$2:.*:$3\$" <<<"$4"' "$repo/Slurm/dev-multinode/on.sh" "$al_id,$al_red" "$agroup" "$anode" \
    "$(states_of "$al_id")"
  check "array node-loss tables equal the one-process sweep byte for byte" same_tables "$ref" "$out_aloss"
  check "no shard recorded done twice ($(ledger_check "$out_aloss"))" ledger_check "$out_aloss"
  check "no shard of the lost task's group finished before the loss was computed again" \
    not_recomputed "$work/ledger-aloss-at-loss.jsonl" "$out_aloss/ledger.group-$agroup.jsonl"
  revive_node "$anode" || bad "node $anode back in service"
else
  bad "no array task was caught mid-group"
fi

# ---- 7. network partition of an array task's node; status; rerun-failed --slurm; the stale node ------------------
out_part=$work/out-partition
SBATCH_NO_REQUEUE=1 on ctl "$sym" submit "$job" --out "$out_part" --time 10 >"$work/submit-part.log" 2>&1 \
  || bad "submit the partition job (see $work/submit-part.log)"
part_id=$(jobs_of "$out_part" array)
part_red=$(jobs_of "$out_part" reduce)
t=0
pnode=""
pgroup=""
while [ "$t" -lt 1200 ]; do   # the first task whose group has a finished shard and is still running
  while IFS=: read -r k st nd; do
    [ "$st" = RUNNING ] || continue
    f=$out_part/ledger.group-$k.jsonl
    if [ -s "$f" ] && grep -q '"event":"done"' "$f" && ! grep -q '"event":"sweep_end"' "$f"; then pnode=$nd; pgroup=$k; break; fi
  done < <(states_of "$part_id")
  [ -n "$pnode" ] && break
  sleep 0.1
  t=$((t + 1))
done
if [ -z "$pnode" ]; then
  bad "no array task was caught mid-group"
  finish
fi
# The link goes down, and the node's ranks are frozen: cut off from the network they could not reach the shared
# file system either, and this small group would otherwise finish behind Slurm's back.
ip -n "$(mn_netns "$base" "$pnode")" link set eth0 down
frozen=$(rank_pids "$pnode" | tr '\n' ' ')
# shellcheck disable=SC2086  # a list of pids
[ -n "$frozen" ] && kill -STOP $frozen
note "partitioned node $pnode (link down) under array task ${part_id}_$pgroup; its ranks ($frozen) frozen"
wait_jobs "$part_id,$part_red" 240
note "array $part_id: $(states_of "$part_id" | tr '\n' ' ')  reduce $part_red: $(states_of "$part_red")"
check "the partitioned task ended NODE_FAIL (not requeued: SBATCH_NO_REQUEUE)" \
  grep -q "^$pgroup:NODE_FAIL:" <<<"$(states_of "$part_id")"
verify=$(on ctl "$sym" status "$out_part" --verify 2>&1)   # on the login node, so it can ask squeue
vrc=$?
echo "$verify" | sed 's/^/  status| /'
check "status --verify: every shard file is complete, some are pending (exit $vrc = 5)" test "$vrc" -eq 5
check "status explains: the array task NODE_FAIL and the pending shards" \
  bash -c 'grep -q "failed tasks $1" <<<"$0" && grep -Eq "[1-9][0-9]* pending" <<<"$0"' "$verify" "$pgroup"
check "every shard recorded done has its complete result file" python3 - "$out_part" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
keys = set()
for p in glob.glob(out + "/ledger*.jsonl"):
    for line in open(p):
        try: e = json.loads(line)
        except ValueError: continue
        if e.get("event") == "done": keys.add(e["key"])
missing = [k for k in keys if not os.path.isfile(f"{out}/shards/{k}.shard")]
print(f"  {len(keys)} shards recorded done, {len(missing)} without a file")
sys.exit(1 if missing else 0)
PY
# The node is repaired (as when it rejoins, Slurm ends the orphaned step: here by a reboot), then the rerun.
kill_node "$pnode"
revive_node "$pnode" || bad "node $pnode back in service"
if on ctl "$sym" rerun-failed "$out_part" --slurm --time 10 >"$work/rerun.log" 2>&1; then
  ok "rerun-failed --slurm"
else
  bad "rerun-failed --slurm (see $work/rerun.log)"
fi
check "rerun-failed submitted only group $pgroup (--array=$(array_of "$out_part"))" test "$(array_of "$out_part")" = "$pgroup"
re_arr=$(jobs_of "$out_part" array)
re_red=$(jobs_of "$out_part" reduce)
wait_jobs "$re_arr,$re_red" 240
note "rerun array $re_arr: $(states_of "$re_arr")  reduce $re_red: $(states_of "$re_red")"
check "rerun task and reduce completed" all_completed "$re_arr,$re_red"
check "partition tables equal the one-process sweep byte for byte" same_tables "$ref" "$out_part"
check "status: every shard done after the rerun" bash -c '"$0" status "$1" >/dev/null 2>&1' "$sym" "$out_part"

# ---- 8. a node with a stale view of the ledger never replaces a finished shard ---------------------------------
# Two runs of one array group on two nodes (as when a partitioned node's orphaned task outlives its requeued copy;
# array tasks share the folder). The run on n1 plans and is frozen; the run on n2 finishes the group; then n1
# resumes with its stale plan and computes the same shards again.
out_stale=$work/out-stale
mkdir -p "$out_stale"
on n1 "$sym" sweep "$job" --out "$out_stale" --group 0 >"$work/stale-n1.log" 2>&1 &
t=0
spid=""
while [ "$t" -lt 600 ]; do
  if grep -q '"event":"sweep_start"' "$out_stale/ledger.group-0.jsonl" 2>/dev/null; then
    spid=$(rank_pids n1 | head -1)
    [ -n "$spid" ] && kill -STOP "$spid"
    break
  fi
  sleep 0.05
  t=$((t + 1))
done
early=$(done_count "$out_stale")
note "stale run on n1 (pid $spid) frozen after planning, $early shard(s) written"
if on n2 "$sym" sweep "$job" --out "$out_stale" --group 0 >"$work/stale-n2.log" 2>&1; then
  ok "the second run of group 0 on n2 finished: $(grep -h '^sweep: .* already done' "$work/stale-n2.log")"
else
  bad "second run of group 0 on n2 (see $work/stale-n2.log)"
fi
( cd "$out_stale/shards" && stat -c '%n %i %Y %s' -- *.shard ) >"$work/shards-before.txt"
[ -n "$spid" ] && kill -CONT "$spid"
wait
( cd "$out_stale/shards" && stat -c '%n %i %Y %s' -- *.shard ) >"$work/shards-after.txt"
grep -h '^sweep: .* already done' "$work/stale-n1.log" | sed 's/^/  stale n1| /'
stale=$(grep -h '"event":"already_done"' "$out_stale"/ledger*.jsonl | grep -c '"host":"n1"')
check "the stale node found its $stale recomputed shard(s) done and discarded them (already_done in the ledger)" \
  test "$stale" -gt 0
check "the stale node replaced no finished shard file (same inode, mtime and size)" \
  cmp -s "$work/shards-before.txt" "$work/shards-after.txt"
check "no shard recorded done twice ($(ledger_check "$out_stale"))" ledger_check "$out_stale"
check "status --verify: every shard file of the group is a complete result" \
  bash -c '"$0" status "$1" --verify 2>&1 | grep -q "every shard file is a complete result"' "$sym" "$out_stale"

# ---- 9. a rank that crashes: recorded with host and signal, and the resume reruns only what is missing --------
# Every rank of a multi-rank sweep runs under its rank guard (a parent process that sees how the rank ends and writes
# the signal into the shard's in-flight marker, OUT/inflight/); the test kills the rank itself (the guard's child).
rank_proc() {  # NODE: the rank process of a running multi-rank sweep on the node (the child of its guard)
  local p
  for p in $(rank_pids "$1"); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q '^SYMEDGE_RANK_GUARD_PARENT='; then echo "$p"; return; fi
  done
}
wait_done() {  # OUT N: until N more shards are done (at most 120 s)
  local t=0 n
  n=$(($(done_count "$1") + $2))
  while [ "$t" -lt 1200 ] && [ "$(done_count "$1")" -lt "$n" ]; do sleep 0.1; t=$((t + 1)); done
}
crash_recorded() {  # OUT HOST [RANK]: the ledger has a `crashed` entry of a shard on HOST (of RANK) with signal 9
  python3 - "$1" "$2" "${3:-}" <<'PY'
import glob, json, sys
hits = []
rank = int(sys.argv[3]) if sys.argv[3] else None
for p in glob.glob(sys.argv[1] + "/ledger*.jsonl"):
    for line in open(p):
        try: e = json.loads(line)
        except ValueError: continue
        if e.get("event") == "crashed" and e.get("key") and e.get("host") == sys.argv[2] and e.get("signal") == 9 \
                and rank in (None, e.get("rank")):
            hits.append(e)
for e in hits: print(f"  ledger| crashed: {e['shard']}: rank {e.get('rank')} on {e['host']}, signal {e['signal']}")
sys.exit(0 if hits else 1)
PY
}
resumed_only_missing() {  # LEDGER_COPY OUT: after the copy was taken, no shard done in it ran again, and every
  python3 - "$1" "$2" <<'PY'   # shard recorded crashed in it (or by the resume) is done now
import glob, json, sys
def entries(p):
    for line in open(p):
        try: yield json.loads(line)
        except ValueError: pass
copy = list(entries(sys.argv[1]))
cut = max(e["time"] for e in copy)
before = {e["key"] for e in copy if e.get("event") == "done"}
later = [e for p in glob.glob(sys.argv[2] + "/ledger*.jsonl") for e in entries(p) if e["time"] > cut]
again = {e.get("key") for e in later if e.get("event") in ("done", "already_done", "failed")} & before
crashed = {e["key"] for e in copy + later if e.get("event") == "crashed" and e.get("key")}
done_now = {e["key"] for p in glob.glob(sys.argv[2] + "/ledger*.jsonl") for e in entries(p) if e.get("event") == "done"}
print(f"  {len(before)} shards done before the resume, {len(again)} of them ran again; "
      f"{len(crashed)} crashed shard(s), {len(crashed - done_now)} still not done")
sys.exit(1 if again or not crashed or crashed - done_now else 0)
PY
}
other_node() {  # JOB: a node of the job's allocation other than its batch host
  local bh n
  bh=$(on ctl scontrol show job "$1" | grep -o 'BatchHost=n[0-9]' | cut -d= -f2)
  for n in n1 n2 n3; do [ "$n" != "$bh" ] && [ -n "$(rank_proc "$n")" ] && { echo "$n"; return; }; done
}
marker_has_signal9() {  # OUT HOST PID: an in-flight marker of that process, completed by its rank guard: signal 9
  python3 - "$1" "$2" "$3" <<'PY'
import glob, json, sys
for p in glob.glob(f"{sys.argv[1]}/inflight/*.{sys.argv[2]}.{sys.argv[3]}.json"):
    try:
        if json.load(open(p)).get("signal") == 9: sys.exit(0)
    except ValueError: pass
sys.exit(1)
PY
}
crash_deferred_check() {  # WHAT OUT HOST: after the resume, a crash that crash_rank left to it is in the ledger
  [ "$crash_deferred" = 1 ] || return 0
  check "$1: the resume recorded the shard as crashed on $3 with signal 9" crash_recorded "$2" "$3"
}
crash_rank() {  # WHAT JOB OUT NODE: SIGKILL to the rank process on NODE; checks that JOB ends and the ledger
  local what=$1 id=$2 out=$3 node=$4 pid t0 st src
  pid=$(rank_proc "$node")
  if [ -z "$pid" ]; then bad "$what: no rank process on $node"; return 1; fi
  # Kill it while it computes a shard (its in-flight marker OUT/inflight/<key>.<host>.<pid>.json exists), not in
  # the few ms between two shards, when there is nothing in flight to record: shards take well under a second now.
  local w=0
  while [ "$w" -lt 500 ] && ! compgen -G "$out/inflight/*.$node.$pid.json" >/dev/null; do sleep 0.01; w=$((w + 1)); done
  kill -KILL "$pid"
  t0=$(date +%s)
  note "$what: SIGKILL to the rank process $pid on $node with $(done_count "$out") shards done"
  if wait_jobs "$id" 60; then
    ok "$what: the job ended $(($(date +%s) - t0)) s after the rank died ($(states_of "$id" | tr '\n' ' '))"
  else
    bad "$what: the job still runs 60 s after the rank died"
    on ctl scancel "$id"
    wait_jobs "$id" 30
  fi
  # Rank 0 records the crash when it sees the rank die first. The launcher may end rank 0 before that (mpirun does
  # on a loaded machine): then the dead rank's marker keeps host and signal, and the next run records it.
  crash_deferred=0
  if crash_recorded "$out" "$node"; then
    ok "$what: the ledger records the in-flight shard as crashed on $node with signal 9"
  elif marker_has_signal9 "$out" "$node" "$pid"; then
    crash_deferred=1
    ok "$what: rank 0 was ended before it could record the crash; the marker on $node keeps signal 9 for the resume"
  else
    bad "$what: neither the ledger nor an in-flight marker records the shard as crashed on $node with signal 9"
  fi
  st=$(on ctl "$sym" status "$out" 2>&1)
  src=$?
  echo "$st" | grep -E 'failed:' | sed 's/^/  status| /'
  check "$what: status lists the shard as failed with host $node and signal 9 (exit $src = 3)" \
    bash -c '[ "$1" = 3 ] && grep -Eq "failed: .*\[rank [0-9]+ on host $2, signal 9\]" <<<"$0"' "$st" "$src" "$node"
}

# 9a. srun --kill-on-bad-exit (symedge submit --mode mpi): rank 1 dies on the second node; `rerun-failed --slurm`.
out_crash=$work/out-crash
on ctl "$sym" submit "$job" --out "$out_crash" --mode mpi --nodes 2 --ntasks 2 --time 10 >"$work/submit-crash.log" 2>&1 \
  || bad "submit the crash job (see $work/submit-crash.log)"
cr_id=$(jobs_of "$out_crash" mpi)
wait_done "$out_crash" 8
cnode=$(other_node "$cr_id")
if crash_rank "srun rank crash" "$cr_id" "$out_crash" "$cnode"; then
  grep -h 'rank(s) .* died\|task .*: Killed' "$out_crash"/slurm/logs/*-"$cr_id".out | sed 's/^/  srun| /'
  cp "$out_crash/ledger.jsonl" "$work/ledger-crash.jsonl"
  if on ctl "$sym" rerun-failed "$out_crash" --slurm --time 10 >"$work/rerun-crash.log" 2>&1; then
    wait_jobs "$(jobs_of "$out_crash" array),$(jobs_of "$out_crash" reduce)" 240
    check "srun rank crash: rerun-failed --slurm gives the reference tables" same_tables "$ref" "$out_crash"
    check "srun rank crash: the resume ran the crashed and missing shards, none done before" \
      resumed_only_missing "$work/ledger-crash.jsonl" "$out_crash"
    crash_deferred_check "srun rank crash" "$out_crash" "$cnode"
  else
    bad "rerun-failed --slurm after the crash (see $work/rerun-crash.log)"
  fi
fi

# 9b. mpirun inside sbatch -N 2: rank 1 dies on the second node. 9c. The resume (srun -K, directly from the login
# node) loses rank 0 itself: nothing can write the ledger then, but the in-flight markers stay; status shows the dead
# shard with host and signal, and the next resume (mpirun in sbatch again) records it `crashed`, then finishes.
out_mr=$work/out-crash-mpirun
mr_id=$(on ctl sbatch --parsable -N 2 -n 2 -o "$work/crash-mpirun.out" --wrap "mpirun $sym sweep $job --out $out_mr")
wait_done "$out_mr" 8
mr_node=$(other_node "$mr_id")
if crash_rank "mpirun rank crash" "$mr_id" "$out_mr" "$mr_node"; then
  mr_deferred=$crash_deferred
  grep -h 'exited on signal' "$work/crash-mpirun.out" | sed 's/^/  mpirun| /'
  cp "$out_mr/ledger.jsonl" "$work/ledger-crash-mpirun.jsonl"
  on ctl srun -K -N 2 -n 2 --mpi=pmix "$sym" sweep "$job" --out "$out_mr" >"$work/crash-rank0.out" 2>&1 &
  r0_srun=$!
  wait_done "$out_mr" 8
  r0node=$(grep -o '"event":"sweep_start","host":"n[0-9]"' "$out_mr/ledger.jsonl" | grep -o 'n[0-9]' | tail -1)
  r0pid=$(rank_proc "$r0node")
  if [ -n "$r0pid" ]; then
    kill -KILL "$r0pid"
    note "rank 0 crash: SIGKILL to rank 0 ($r0pid on $r0node) of the resume with $(done_count "$out_mr") shards done"
    wait "$r0_srun"
    cp "$out_mr/ledger.jsonl" "$work/ledger-crash-rank0.jsonl"
    st=$(on ctl "$sym" status "$out_mr" 2>&1)
    echo "$st" | grep -E 'failed:.*not yet' | sed 's/^/  status| /'
    check "rank 0 crash: status lists its in-flight shard as failed with host $r0node and signal 9" \
      grep -Eq "failed: .*\[rank 0 on host $r0node, signal 9\]" <<<"$st"
  else
    bad "rank 0 crash: no rank 0 process on $r0node"
    wait "$r0_srun"
  fi
  timeout 300 bash "$repo/Slurm/dev-multinode/on.sh" ctl sbatch -W -N 2 -n 2 -o "$work/crash-resume.out" \
    --wrap "mpirun $sym sweep $job --out $out_mr" >/dev/null 2>&1
  check "rank 0 crash: the resume recorded rank 0's shard as crashed on $r0node with signal 9" \
    crash_recorded "$out_mr" "$r0node" 0
  crash_deferred=$mr_deferred crash_deferred_check "mpirun rank crash" "$out_mr" "$mr_node"
  check "mpirun and rank 0 crashes: the resumed mpirun sweep gives the reference tables" same_tables "$ref" "$out_mr"
  check "mpirun rank crash: the resumes ran the crashed and missing shards, none done before" \
    resumed_only_missing "$work/ledger-crash-mpirun.jsonl" "$out_mr"
  check "rank 0 crash: the last resume ran the crashed and missing shards, none done before" \
    resumed_only_missing "$work/ledger-crash-rank0.jsonl" "$out_mr"
fi

finish
