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
#   SYMEDGE_CONTAINER_SAVE   if set, also `podman save` the image as an OCI archive to this path (for
#                            `apptainer build symedge.sif oci-archive://PATH` on a cluster)
#
# Workarounds for this VM (see the platform report): podman's default runtime crun rejects the hybrid cgroup
# layout, so runc is used; raising RLIMIT_NOFILE/NPROC is not permitted, so default ulimits are lowered; Docker
# Hub cannot be reached, so the Debian 12 base image is built locally with mmdebstrap and the build stage uses
# the host's Swift toolchain instead of swift:*-bookworm.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${1:-localhost/symedge:latest}
work=${SYMEDGE_CONTAINER_WORK:-/var/tmp/symedge-container}
base=localhost/debian:bookworm-minbase
say() { echo "container: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  say "run as root (rootful podman; storage under $work)"
  exit 1
fi
need=()
for tool in podman runc mmdebstrap; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" buildah >/dev/null
fi

swift_bin=$(command -v swift || true)
toolchain=${SWIFT_TOOLCHAIN:-}
if [ -z "$toolchain" ] && [ -n "$swift_bin" ]; then
  toolchain=$(cd "$(dirname "$(readlink -f "$swift_bin")")/../.." && pwd)
fi
if [ -z "$toolchain" ] || [ ! -x "$toolchain/usr/bin/swift" ]; then
  say "no Swift toolchain found (set SWIFT_TOOLCHAIN to the folder holding usr/bin/swift)"
  exit 1
fi

mkdir -p "$work"
cat >"$work/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$work/storage"
runroot = "$work/runroot"
CONF
cat >"$work/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_STORAGE_CONF=$work/storage.conf CONTAINERS_CONF=$work/containers.conf

# ---- base image: Debian 12 from Debian's mirror -------------------------------------------------------------
if ! podman image exists "$base"; then
  if [ ! -f "$work/bookworm-minbase.tar" ] || [ ! -s "$work/bookworm-minbase.tar" ]; then
    rm -rf "$work/bookworm-minbase.tar" "$work/bookworm-minbase.tar.part"
    say "building the Debian 12 base with mmdebstrap"
    mmdebstrap --quiet --format=tar --variant=minbase --include=ca-certificates bookworm "$work/bookworm-minbase.tar.part" \
      http://deb.debian.org/debian
    mv "$work/bookworm-minbase.tar.part" "$work/bookworm-minbase.tar"
  fi
  podman import -q "$work/bookworm-minbase.tar" "$base" >/dev/null
fi

# ---- build context: the sources plus the resolved Swift packages (no network needed inside) --------------
ctx=$work/context
rm -rf "$ctx"
mkdir -p "$ctx"
# Every file git would see (tracked or not ignored): Package.swift names test and benchmark targets too,
# and SwiftPM checks that their folders exist. Build folders and .venv are ignored, so they stay out.
(cd "$repo" && git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$ctx"
[ -f "$repo/Package.resolved" ] && cp "$repo/Package.resolved" "$ctx/"
say "resolving Swift packages on the host"
(cd "$ctx" && swift package resolve --scratch-path "$work/deps" >/dev/null)
[ -f "$ctx/Package.resolved" ] || cp "$repo/Package.resolved" "$ctx/" 2>/dev/null || true
mkdir -p "$ctx/.build"
cp -r "$work/deps/checkouts" "$work/deps/repositories" "$work/deps/workspace-state.json" "$ctx/.build/"

# ---- build and test ------------------------------------------------------------------------------------------
say "building $image (Swift build stage with the host toolchain at /opt/swift; takes a few minutes)"
start=$(date +%s)
podman build -f "$repo/Containers/Dockerfile" \
  --build-arg BUILD_BASE="$base" --build-arg RUNTIME_BASE="$base" \
  -v "$toolchain:/opt/swift:ro" -t "$image" "$ctx"
say "built $image in $(($(date +%s) - start)) s: $(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"

say "running: mpirun -np 2 symedge mpi-check"
out=$(podman run --rm -e OMPI_ALLOW_RUN_AS_ROOT=1 -e OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$image" \
  mpirun --oversubscribe -np 2 symedge mpi-check --elements 100000 2>&1) || true
echo "$out"
if ! grep -q "mpi-check: PASSED on 2 rank" <<<"$out"; then
  say "FAILED: mpi-check inside the container"
  exit 1
fi
podman run --rm "$image" symedge submit --help >/dev/null
if [ -n "${SYMEDGE_CONTAINER_SAVE:-}" ]; then
  podman save --format oci-archive -o "$SYMEDGE_CONTAINER_SAVE" "$image"
  say "saved $SYMEDGE_CONTAINER_SAVE"
fi
say "OK: $image runs mpi-check on 2 ranks"
