#!/usr/bin/env bash
# make test-container: build the image with podman (Containers/build.sh), then check it against the host build.
#
#   SYMEDGE_BIN=.build/release/symedge bash Containers/test.sh
#
# Checks, each counted in the closing line `container: N passed, N failed`:
#   1. shellcheck of the Containers/ scripts (when shellcheck is in .venv or on PATH; make venv installs it);
#      Containers/symedge.def is in step with the Dockerfile (runtime packages, build command, OMPI_MCA_*);
#   2. the image builds (layers cached under $SYMEDGE_CONTAINER_WORK, default /var/tmp/symedge-container);
#   3. `mpirun -np 2 symedge mpi-check` inside the container (as root, with OMPI_ALLOW_RUN_AS_ROOT=1 and
#      OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1, Open MPI's documented opt-in);
#   4. one small simulated recording, analysed by the host binary and inside the container (the spatial,
#      avalanche and LFP families too, so FFTW and BLAS code runs), on the same file, bind-mounted at the same
#      path, from working folders at the same relative place: every file of the output folder (CSV tables,
#      curves/, series/) except provenance.json is byte-identical (cmp);
#   5. provenance.json is equal after removing the fields that legitimately differ between two runs or two
#      builds: host (the container's host name), started_at, finished_at, wall_seconds, state_seconds (clock
#      times), command[0] (the binary's path: a copy of .build/release/symedge on the host, `symedge` on the
#      container's PATH) and program.commit (the host binary's comes from the symedge.commit file `make build`
#      wrote, the image's from the HEAD it was built from: they differ when the binary predates the last
#      commit). Input path and SHA-256, every parameter, option, state and the version must match.
#
# Skips (exit 0, with the reason on one line) when this machine cannot run podman: not root, podman/runc/
# mmdebstrap not installable, Debian's mirror unreachable for the base image, or no container can start (no user
# namespaces, no overlay). Once a container runs, every failure counts. SYMEDGE_CONTAINER_TEST=0 skips on purpose.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${SYMEDGE_BIN:-$repo/.build/release/symedge}
image=${SYMEDGE_CONTAINER_IMAGE:-localhost/symedge:test}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "container: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}
skip() {
  echo "SKIP: container tests: $*"
  echo "container: $passed passed, $failed failed, 1 skipped"
  exit 0
}

if [ "${SYMEDGE_CONTAINER_TEST:-1}" = 0 ]; then
  skip "SYMEDGE_CONTAINER_TEST=0"
fi
if [ ! -x "$bin" ]; then
  bad "symedge binary $bin not found (build first: make build, or set SYMEDGE_BIN)"
  finish
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# ---- 1. static check of the scripts --------------------------------------------------------------------------
shellcheck=$repo/.venv/bin/shellcheck
[ -x "$shellcheck" ] || shellcheck=$(command -v shellcheck || true)
if [ -n "$shellcheck" ]; then
  if (cd "$repo" && "$shellcheck" -s bash -x Containers/*.sh); then ok "shellcheck Containers/*.sh"; else bad "shellcheck Containers/*.sh"; fi
else
  echo "note: shellcheck not found (make venv installs it); Slurm/tests/run.sh lints Containers/build.sh"
fi

# ---- 1b. the Apptainer definition is in step with the Dockerfile ---------------------------------------------
# apt_packages FILE START_REGEX: the packages of the first `apt-get install --no-install-recommends` after START.
apt_packages() {
  awk -v start="$2" '
    $0 ~ start { on = 1 }
    on && !grab && /--no-install-recommends/ { grab = 1; sub(/.*--no-install-recommends/, "") }
    grab {
      line = $0; gsub(/\\/, "", line); n = split(line, w, /[ \t]+/)
      for (i = 1; i <= n; i++) { if (w[i] == "&&") exit; if (w[i] != "") print w[i] }
      if ($0 !~ /\\[ \t]*$/) exit
    }' "$1" | sort
}
docker=$repo/Containers/Dockerfile
def=$repo/Containers/symedge.def
drift=()
[ "$(apt_packages "$docker" '^FROM [$][{]RUNTIME_BASE[}]')" = "$(apt_packages "$def" '^Stage: runtime')" ] ||
  drift+=("runtime packages differ")
# The def builds on swift:*-bookworm, which has the compiler's own packages: its list must be a subset.
extra=$(comm -13 <(apt_packages "$docker" '^FROM [$][{]BUILD_BASE[}]') <(apt_packages "$def" '^Stage: build'))
[ -z "$extra" ] || drift+=("build packages only in symedge.def: $(echo "$extra" | tr '\n' ' ')")
archflags=$(sed -n 's/^ARG ARCHFLAGS="\(.*\)"$/\1/p' "$docker")
build_cmd=$(grep -o 'swift build -c release --static-swift-stdlib --product symedge [$]ARCHFLAGS' "$docker" |
  sed "s/[$]ARCHFLAGS/$archflags/")
[ -n "$build_cmd" ] && grep -qF "$build_cmd" "$def" || drift+=("swift build command differs (Dockerfile: '$build_cmd')")
[ "$(grep -o 'OMPI_MCA_[a-z_]*=[^ \\]*' "$docker" | sort -u)" = "$(grep -o 'OMPI_MCA_[a-z_]*=[^ \\]*' "$def" | sort -u)" ] ||
  drift+=("OMPI_MCA_* settings differ")
if [ "${#drift[@]}" -eq 0 ]; then
  ok "symedge.def in step with the Dockerfile (runtime packages, build command, Open MPI settings)"
else
  bad "symedge.def and Dockerfile drifted: $(printf '%s; ' "${drift[@]}")"
fi

# ---- can this machine run podman at all? ---------------------------------------------------------------------
# shellcheck source=SCRIPTDIR/podman-env.sh
source "$repo/Containers/podman-env.sh"
if ! podman_env_setup; then
  skip "$PODMAN_ENV_PROBLEM"
fi

work=$(mktemp -d /tmp/symedge-container-test.XXXXXX)
# shellcheck disable=SC2329  # run by the EXIT trap
cleanup() { if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "container tests: kept $work for inspection"; fi; }
trap cleanup EXIT
# A copy of the host binary (and its commit file), taken before the image's sources are: the comparison is
# between two builds of one tree even if .build/release/symedge is rebuilt meanwhile.
mkdir -p "$work/host-bin"
cp -p "$bin" "$work/host-bin/symedge"
[ -f "$(dirname "$bin")/symedge.commit" ] && cp -p "$(dirname "$bin")/symedge.commit" "$work/host-bin/"
bin=$work/host-bin/symedge

# ---- 2. build -----------------------------------------------------------------------------------------------
start=$(date +%s)
if SYMEDGE_CONTAINER_CHECK=0 bash "$repo/Containers/build.sh" "$image"; then
  ok "podman build $image ($(($(date +%s) - start)) s)"
else
  bad "podman build $image (log: $CONTAINER_WORK/build.log)"
  finish
fi

# A command in the image, with the test folder at its host path, no network, and Open MPI's root opt-in.
in_container() {
  podman run --rm --network none -v "$work:$work" -w "$work" \
    -e OMPI_ALLOW_RUN_AS_ROOT=1 -e OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$image" "$@"
}

# ---- 3. mpirun -np 2 symedge mpi-check inside the container ------------------------------------------------
out=$(in_container mpirun --oversubscribe -np 2 symedge mpi-check --elements 100000 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q "mpi-check: PASSED on 2 rank" <<<"$out"; then
  ok "mpirun -np 2 symedge mpi-check in the container"
else
  echo "$out"
  bad "mpirun -np 2 symedge mpi-check in the container (exit $rc)"
fi

# ---- 4-5. analyze: host build vs container build -------------------------------------------------------------
rec=sim/sub-sim01/sub-sim01_ses-01_ecephys.nwb
args=(--surrogates 2 --families "spatial,avalanches,lfp" --threads 2 --log-level warning)
if ! (cd "$work" && "$bin" simulate --subjects 1 --sessions 1 --duration 16 --neurons 160 --states wake,nrem_deep \
        --seed 7 --out sim --log-level warning >/dev/null); then
  bad "symedge simulate (host) of the test recording"
  finish
fi
# Each run in its own folder with the same relative paths, so the command lines are equal too.
mkdir -p "$work/host" "$work/container"
t0=$(date +%s)
(cd "$work/host" && "$bin" analyze "../$rec" --out out "${args[@]}" >/dev/null) || bad "analyze with the host binary"
t1=$(date +%s)
podman run --rm --network none -v "$work:$work" -w "$work/container" "$image" \
  symedge analyze "../$rec" --out out "${args[@]}" >/dev/null || bad "analyze in the container"
t2=$(date +%s)
echo "analyze: host $((t1 - t0)) s, container $((t2 - t1)) s"

a=$work/host/out b=$work/container/out
if [ -f "$a/measures.csv" ] && [ -f "$b/measures.csv" ]; then
  files=$(cd "$a" && find . -type f ! -name provenance.json | sort)
  other=$(cd "$b" && find . -type f ! -name provenance.json | sort)
  differ=()
  while IFS= read -r f; do
    cmp -s "$a/$f" "$b/$f" || differ+=("$f")
  done <<<"$files"
  count=$(grep -c . <<<"$files")
  if [ "$files" != "$other" ]; then
    diff <(echo "$files") <(echo "$other") | head -20
    bad "host and container wrote different sets of files"
  elif [ "${#differ[@]}" -eq 0 ]; then
    ok "analyze tables byte-identical, host vs container ($count files)"
  else
    for f in "${differ[@]:0:5}"; do diff "$a/$f" "$b/$f" | head -6; done
    bad "analyze tables differ, host vs container: ${#differ[@]} of $count files (${differ[*]:0:10})"
  fi

  strip='del(.host, .started_at, .finished_at, .wall_seconds, .state_seconds, .program.commit) | .command[0] = "symedge"'
  if cmp -s <(jq -S "$strip" "$a/provenance.json") <(jq -S "$strip" "$b/provenance.json"); then
    ok "provenance.json equal but for host, times, binary path and commit" \
       "(commits: host $(jq -r .program.commit "$a/provenance.json"), image $(jq -r .program.commit "$b/provenance.json"))"
  else
    diff <(jq -S "$strip" "$a/provenance.json") <(jq -S "$strip" "$b/provenance.json") | head -20
    bad "provenance.json differs beyond host, times, binary path and commit"
  fi
fi
finish
