# shellcheck shell=bash
# Sourced by start.sh, stop.sh and the multi-node tests: the names one dev cluster gives its kernel objects.
#
# Network namespaces are machine-wide (/run/netns), so two clusters (two checkouts, or a CI run next to a
# developer's) must not share their names. Every name carries a tag derived from the cluster's BASE_DIR:
#   mn_netns BASE HOST   ->  symn-<tag>-HOST     (the host's network namespace)
#   mn_prefix BASE       ->  symn-<tag>          (what stop.sh deletes and checks)
# Everything else (the bridge, the veths, the Slurm ports) lives inside those namespaces and cannot collide.
mn_prefix() { printf 'symn-%s' "$(printf '%s' "$1" | sha256sum | cut -c1-6)"; }
mn_netns() { printf '%s-%s' "$(mn_prefix "$1")" "$2"; }
