#!/usr/bin/env bash
# Build the SymmetryEdge image with podman on this kind of machine (Debian 12, root, no systemd, no registry
# access except Debian's mirror), then run `mpirun -np 2 symedge mpi-check` inside it.
#
#   Containers/build.sh [IMAGE]            default IMAGE=localhost/symedge:latest
#
# Environment:
#   SYMEDGE_CONTAINER_WORK   podman storage, base tarball and build context (default /var/tmp/symedge-container)
#   SWIFT_TOOLCHAIN          host toolchain root bind-mounted at /opt/swift in the build stage
#                            (default: two levels above `command -v swift`, e.g. /opt/swift)
#   SYMEDGE_ARCHFLAGS        the Swift build's CPU flags, as the Makefile's ARCHFLAGS (default -Xcc -march=x86-64-v3;
#                            empty for generic x86-64); the host and the image must agree for identical tables
#   SYMEDGE_CONTAINER_CHECK  0 skips the mpi-check after the build (Containers/test.sh runs its own checks)
#   SYMEDGE_CONTAINER_SAVE   if set, also `podman save` the image as an OCI archive to this path (for
#                            `apptainer build symedge.sif oci-archive://PATH` on a cluster)
#
# The build context holds only what the symedge product needs (Package.swift, Sources/, Slurm/templates/, the
# resolved package checkouts) plus a one-line placeholder in every other target folder Package.swift names
# (tests, benchmarks: SwiftPM requires the folders, and they are not built), so a change to tests or docs
# keeps the cached image layers. Podman setup and the workarounds for this VM: Containers/podman-env.sh.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${1:-localhost/symedge:latest}
[[ ${image##*/} == *:* ]] || image=$image:latest
# shellcheck source=SCRIPTDIR/podman-env.sh
source "$repo/Containers/podman-env.sh"
work=$CONTAINER_WORK
say() { podman_env_say "$@"; }

if ! podman_env_setup; then
  say "$PODMAN_ENV_PROBLEM"
  exit 1
fi
if ! toolchain=$(podman_env_toolchain); then
  say "no Swift toolchain found (set SWIFT_TOOLCHAIN to the folder holding usr/bin/swift)"
  exit 1
fi

# ---- build context: the sources plus the resolved Swift packages (no network needed inside) --------------
# $src: every file git sees (tracked or not ignored), to resolve and describe the package; $ctx: what the image
# gets. Both are this run's own (two builds at once must not share them) and removed at the end.
mkdir -p "$work/runs"
run_dir=$(mktemp -d "$work/runs/build.XXXXXX")
# The log of the last build that finished stays as $work/build.log.
trap 'cp -f "$run_dir/build.log" "$work/build.log" 2>/dev/null; rm -rf "$run_dir"' EXIT
src=$run_dir/source
ctx=$run_dir/context
mkdir -p "$src" "$ctx"
(cd "$repo" && git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$src"
[ -f "$repo/Package.resolved" ] && cp -p "$repo/Package.resolved" "$src/"
say "resolving Swift packages on the host"
(cd "$src" && swift package --scratch-path "$work/deps" resolve >/dev/null)
[ -f "$src/Package.resolved" ] || { say "swift package resolve wrote no Package.resolved"; exit 1; }
targets=$(cd "$src" && swift package --scratch-path "$work/deps" describe --type json | jq -r '.targets[].path')

(cd "$src" && tar -cf - Package.swift Package.resolved Sources Slurm/templates) | tar -xf - -C "$ctx"
while IFS= read -r path; do
  [ -n "$path" ] && [ ! -e "$ctx/$path" ] || continue
  mkdir -p "$ctx/$path"
  echo "// Placeholder: the container builds only the symedge product (Containers/build.sh)." >"$ctx/$path/Placeholder.swift"
done <<<"$targets"
mkdir -p "$ctx/.build"
cp -r "$work/deps/checkouts" "$work/deps/repositories" "$work/deps/workspace-state.json" "$ctx/.build/"
# One fixed time on every file, so an unchanged tree gives the same COPY layer whatever the checkout's times.
find "$ctx" -exec touch -h -d @0 {} +

# ---- build ---------------------------------------------------------------------------------------------------
commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$repo" status --porcelain -- Package.swift Sources Slurm/templates 2>/dev/null)" ] || commit="$commit+dirty"
say "building $image (Swift build stage with the host toolchain at /opt/swift)"
start=$(date +%s)
log=$run_dir/build.log
# Each output line gets the seconds since the start, so the log shows where the time goes. The terminal gets
# the steps, SwiftPM's progress and errors; the whole output (apt-get's too) is in $log.
# Docker image format, so SHELL (bash -o pipefail) applies as under Docker; the two stages run side by side.
args=(-f "$repo/Containers/Dockerfile" --format docker
      --build-arg BUILD_BASE="$CONTAINER_BASE" --build-arg RUNTIME_BASE="$CONTAINER_BASE"
      --build-arg ARCHFLAGS="${SYMEDGE_ARCHFLAGS--Xcc -march=x86-64-v3}" -v "$toolchain:/opt/swift:ro")
set +e
podman build "${args[@]}" --jobs 2 --build-arg SYMEDGE_COMMIT="$commit" -t "$image" "$ctx" 2>&1 |
  while IFS= read -r line; do printf '[%4d s] %s\n' "$(($(date +%s) - start))" "$line"; done | tee "$log" |
  grep --line-buffered -E '^\[ *[0-9]+ s\] (.*STEP [0-9]|--> |\[[0-9]+/[0-9]+\] (Compiling|Linking)|Build |.*error)'
rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - start))
# podman 4.3 exits 0 when stopped by SIGTERM mid-step: only a build that tagged the image counts.
if [ "$rc" -eq 0 ] && ! grep -q "Successfully tagged $image\$" "$log"; then
  say "podman build ended without tagging $image"
  rc=1
fi
if [ "$rc" -ne 0 ]; then
  tail -n 40 "$log" >&2
  say "FAILED: podman build exited $rc after $elapsed s (whole log: $work/build.log)"
  exit 1
fi
cached=$(grep -c 'Using cache' "$log" || true)
size=$(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')
say "built $image in $elapsed s ($cached cached steps, load average $(cut -d' ' -f1-3 /proc/loadavg)): $size"
echo "$(date -u +%FT%TZ) $elapsed s, $cached cached steps, load $(cut -d' ' -f1-3 /proc/loadavg), $commit" >>"$work/build-times.txt"
# Keep the build stage under a tag too (a cached rerun of that stage, about a second), then drop every untagged
# image no tag leads to: earlier builds' layers go, the layers of these two images stay as the cache.
build_image=${image%:*}-build:${image##*:}
podman build -q "${args[@]}" --target build -t "$build_image" "$ctx" >/dev/null
podman image prune -f >/dev/null

if [ "${SYMEDGE_CONTAINER_CHECK:-1}" != 0 ]; then
  say "running: mpirun -np 2 symedge mpi-check"
  out=$(podman run --rm -e OMPI_ALLOW_RUN_AS_ROOT=1 -e OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$image" \
    mpirun --oversubscribe -np 2 symedge mpi-check --elements 100000 2>&1) || true
  echo "$out"
  if ! grep -q "mpi-check: PASSED on 2 rank" <<<"$out"; then
    say "FAILED: mpi-check inside the container"
    exit 1
  fi
  podman run --rm "$image" symedge submit --help >/dev/null
fi
if [ -n "${SYMEDGE_CONTAINER_SAVE:-}" ]; then
  podman save --format oci-archive -o "$SYMEDGE_CONTAINER_SAVE" "$image"
  say "saved $SYMEDGE_CONTAINER_SAVE"
fi
say "OK: $image"
