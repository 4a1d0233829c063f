# ---- shared job logic (Slurm/templates/lib.sh, inlined by `symedge submit`) ----
# Time limits: Slurm sends SIGUSR1 to this batch shell a few minutes before the limit (--signal=B:USR1@...).
# The shell then sends SIGTERM to the running sweep step (srun steps: `scancel --signal=TERM` to the job's
# tasks, not to srun, which would force-kill them): the sweep finishes or marks its running shard interrupted
# (finished shards stay in the ledger), and the job requeues itself; the next run resumes where it stopped.
# This job's own id: for an array task ARRAYID_TASK, never the bare array id (which names every task).
self_id=${SLURM_JOB_ID:-}
if [ -n "${SLURM_ARRAY_JOB_ID:-}" ] && [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  self_id=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}
fi
step_pid=""
step_srun=0
warned=0
log_event() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SLURM_JOB_ID:-}" \
    "${SLURM_ARRAY_TASK_ID:-}" "${SLURM_RESTART_COUNT:-0}" "$1" >>"$EVENTS" 2>/dev/null || true
}
# shellcheck disable=SC2329  # invoked by the trap below
on_time_limit() {
  log_event time-limit-warning
  [ -n "$step_pid" ] || return 0
  warned=1
  echo "symedge job $self_id: time limit near, stopping the sweep step and requeueing" >&2
  if [ "$step_srun" = 1 ] && scancel --signal=TERM "$self_id" 2>/dev/null; then return 0; fi
  kill -TERM "$step_pid" 2>/dev/null || true
}
trap on_time_limit USR1
run_step() {
  local rc
  log_event start
  [ "$1" = srun ] && step_srun=1
  "$@" &
  step_pid=$!
  while :; do
    wait "$step_pid"
    rc=$?
    # wait returns early (status > 128) when the trap fires; keep waiting while the step still runs.
    if [ "$rc" -le 128 ] || ! kill -0 "$step_pid" 2>/dev/null; then break; fi
  done
  step_pid=""
  if [ "$warned" = 1 ]; then
    if [ "${SLURM_RESTART_COUNT:-0}" -lt "$MAX_REQUEUES" ]; then
      log_event requeue
      scontrol requeue "$self_id"
      exit 0
    fi
    log_event "gave-up-after-${SLURM_RESTART_COUNT:-0}-requeues"
    echo "symedge job $self_id: still unfinished after $MAX_REQUEUES requeues; giving up" >&2
  fi
  log_event "exit-$rc"
  exit "$rc"
}
mkdir -p "$OUT_DIR/slurm"
# ---- end of shared job logic ----
