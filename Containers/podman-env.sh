# shellcheck shell=bash disable=SC2034  # PODMAN_ENV_PROBLEM and CONTAINER_BASE are read by the scripts that source this
# Sourced by Containers/build.sh and Containers/test.sh: rootful podman on this kind of machine (Debian 12, root,
# no systemd, no registry access except Debian's mirror), with its storage under one work folder.
#
#   podman_env_setup      installs podman/runc/mmdebstrap when missing, writes the podman configuration, builds
#                         the Debian 12 base image once, and checks that podman can run a container at all.
#                         Returns non-zero with PODMAN_ENV_PROBLEM set to one line naming what this machine lacks
#                         (so test.sh can skip with that reason instead of failing).
#
# Environment: SYMEDGE_CONTAINER_WORK (default /var/tmp/symedge-container): podman storage, base tarball, contexts.
#
# Workarounds for this VM (see the platform report): podman's default runtime crun rejects the hybrid cgroup
# layout, so runc is used; raising RLIMIT_NOFILE/NPROC is not permitted, so default ulimits are lowered; Docker
# Hub cannot be reached, so the Debian 12 base image is built locally with mmdebstrap.

CONTAINER_WORK=${SYMEDGE_CONTAINER_WORK:-/var/tmp/symedge-container}
CONTAINER_BASE=localhost/debian:bookworm-minbase
PODMAN_ENV_PROBLEM=""

podman_env_say() { echo "container: $*" >&2; }

podman_env_setup() {
  if [ "$(uname -s)" != Linux ]; then PODMAN_ENV_PROBLEM="podman containers need Linux"; return 1; fi
  if [ "$(id -u)" -ne 0 ]; then
    PODMAN_ENV_PROBLEM="rootful podman needs root (storage under $CONTAINER_WORK); run as root"
    return 1
  fi
  local need=() tool
  for tool in podman runc mmdebstrap jq; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
  if [ "${#need[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      PODMAN_ENV_PROBLEM="missing ${need[*]} and no apt-get to install them"
      return 1
    fi
    podman_env_say "installing ${need[*]} (Debian packages)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
             "${need[@]}" buildah >/dev/null; }; then
      PODMAN_ENV_PROBLEM="could not install ${need[*]} with apt-get"
      return 1
    fi
  fi

  mkdir -p "$CONTAINER_WORK"
  # Written to a temporary file and renamed, so a run starting meanwhile never reads half a file.
  cat >"$CONTAINER_WORK/storage.conf.$$" <<CONF
[storage]
driver = "overlay"
graphroot = "$CONTAINER_WORK/storage"
runroot = "$CONTAINER_WORK/runroot"
CONF
  cat >"$CONTAINER_WORK/containers.conf.$$" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
  mv -f "$CONTAINER_WORK/storage.conf.$$" "$CONTAINER_WORK/storage.conf"
  mv -f "$CONTAINER_WORK/containers.conf.$$" "$CONTAINER_WORK/containers.conf"
  export CONTAINERS_STORAGE_CONF=$CONTAINER_WORK/storage.conf CONTAINERS_CONF=$CONTAINER_WORK/containers.conf

  # ---- base image: Debian 12 from Debian's mirror (once per machine) ----------------------------------------
  if ! podman image exists "$CONTAINER_BASE"; then
    local tarball=$CONTAINER_WORK/bookworm-minbase.tar
    if [ ! -s "$tarball" ]; then
      rm -f "$tarball" "$tarball.part"
      podman_env_say "building the Debian 12 base with mmdebstrap"
      if ! mmdebstrap --quiet --format=tar --variant=minbase --include=ca-certificates bookworm "$tarball.part" \
             http://deb.debian.org/debian; then
        rm -f "$tarball.part"
        PODMAN_ENV_PROBLEM="mmdebstrap could not build a Debian 12 base (is Debian's mirror reachable?)"
        return 1
      fi
      mv "$tarball.part" "$tarball"
    fi
    if ! podman import -q "$tarball" "$CONTAINER_BASE" >/dev/null; then
      PODMAN_ENV_PROBLEM="podman import of the Debian base failed (overlay storage under $CONTAINER_WORK?)"
      return 1
    fi
  fi
  # ---- can this machine run a container at all (namespaces, overlay, runc)? ----------------------------------
  local out
  if ! out=$(podman run --rm --network none "$CONTAINER_BASE" true 2>&1); then
    PODMAN_ENV_PROBLEM="podman cannot run a container here: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"
    return 1
  fi
  return 0
}

# The host's Swift toolchain root (folder holding usr/bin/swift), bind-mounted at /opt/swift in the build stage.
podman_env_toolchain() {
  local toolchain=${SWIFT_TOOLCHAIN:-} swift_bin
  swift_bin=$(command -v swift || true)
  if [ -z "$toolchain" ] && [ -n "$swift_bin" ]; then
    toolchain=$(cd "$(dirname "$(readlink -f "$swift_bin")")/../.." && pwd)
  fi
  if [ -z "$toolchain" ] || [ ! -x "$toolchain/usr/bin/swift" ]; then return 1; fi
  echo "$toolchain"
}
