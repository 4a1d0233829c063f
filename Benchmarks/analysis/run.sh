#!/usr/bin/env bash
# Issue-15 benchmark (`make bench`): one generated recording, written once as NWB, then in one run
#   1. the one-pass lower bound (kernels-bench: one streaming pass over the spike array),
#   2. symedge: `inspect` (NWB read alone), `analyze --surrogates 0`, one circular-shift and one ISI-permutation
#      member (each from a run with 4), each on one thread (`--threads 1`) and analyze --surrogates 0 on every core,
#   3. the Elephant + NumPy reference of the same §2–3 binning/correlation steps on the same spikes,
# and prints a table with the ratios. CPU = user + system seconds of the process (/usr/bin/time).
#
#   HOURS=1 bash Benchmarks/analysis/run.sh        # default 1 h (≈ 6.5 M spikes); HOURS=8 is the issue's file
#   FULL=1 ...                                     # also `analyze` with the default 100 surrogates of each kind
#   SYMEDGE_BIN=... KERNELS_BENCH=... KEEP=DIR ... # given binaries (no build); keep the generated files in DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
HOURS=${HOURS:-1}
ARCH=${ARCH:-x86-64-v3}
PY=${SYMEDGE_PYTHON:-.venv/bin/python}
if [ -z "${KERNELS_BENCH:-}" ]; then
  swift build -c release ${ARCH:+-Xcc -march=$ARCH} --product kernels-bench >/dev/null
  BINDIR=$(swift build -c release ${ARCH:+-Xcc -march=$ARCH} --show-bin-path)
  KERNELS_BENCH=$BINDIR/kernels-bench
else
  BINDIR=$(dirname "$KERNELS_BENCH")
fi
SYMEDGE=${SYMEDGE_BIN:-$BINDIR/symedge}
[ -x "$SYMEDGE" ] || { echo "no symedge binary at $SYMEDGE (make build)" >&2; exit 1; }
if [ -n "${KEEP:-}" ]; then TMP=$KEEP; mkdir -p "$TMP"; else TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT; fi

echo "== generated recording: ${HOURS} h, 160 E units at 5 Hz + 40 I units at 25 Hz (kernels-bench generator)"
"$KERNELS_BENCH" --hours "$HOURS" --surrogates 0 --write "$TMP/rec.bin" | tee "$TMP/kernels.txt"
"$PY" Benchmarks/analysis/make_nwb.py "$TMP/rec.bin" "$TMP/rec.nwb"
echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg)"

# run NAME CMD... : /usr/bin/time of one command; prints and stores "wall user sys maxkB".
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$TMP/$name.time" "$@" >"$TMP/$name.log" 2>&1 || { cat "$TMP/$name.log"; exit 1; }
  read -r w u s m <"$TMP/$name.time"
  printf '%-34s %8.2f s wall %8.2f s user %6.2f s sys %6.0f MB peak\n' "$name" "$w" "$u" "$s" "$(echo "$m / 1024" | bc -l)"
}
cpu() { awk '{ printf "%.2f", $2 + $3 }' "$TMP/$1.time"; }
wall() { awk '{ printf "%.2f", $1 }' "$TMP/$1.time"; }

echo "== symedge ($SYMEDGE)"
run inspect "$SYMEDGE" inspect "$TMP/rec.nwb"
run analyze-s0-t1 "$SYMEDGE" analyze "$TMP/rec.nwb" --out "$TMP/o0" --surrogates 0 --threads 1
run analyze-s0-all "$SYMEDGE" analyze "$TMP/rec.nwb" --out "$TMP/o0all" --surrogates 0 --threads 0
# One member of each kind, from 4 members so that what a state shares (the ISI pooled sort, the workspace) shows as
# it does at the default 100: circular shift = (cs4 − s0) / 4; ISI = (both kinds, 4 each − cs4) / 4. Both runs
# compute the same circular shifts (which are also the §3.4 collapse reference), so the difference is the ISI members.
run analyze-cs4-t1 "$SYMEDGE" analyze "$TMP/rec.nwb" --out "$TMP/o1" --surrogates 4 --surrogate-kinds circular_shift --threads 1
run analyze-both4-t1 "$SYMEDGE" analyze "$TMP/rec.nwb" --out "$TMP/o2" --surrogates 4 --surrogate-kinds isi_permutation,circular_shift --threads 1
for f in measures.csv order_parameters.csv; do
  cmp -s "$TMP/o0/$f" "$TMP/o0all/$f" || { echo "threads 1 and all cores differ in $f" >&2; exit 1; }
done
if [ -n "${FULL:-}" ]; then run analyze-default "$SYMEDGE" analyze "$TMP/rec.nwb" --out "$TMP/o100"; fi

echo "== Elephant + NumPy reference (same spikes)"
"$PY" Benchmarks/reference/elephant_reference.py "$TMP/rec.bin" | tee "$TMP/reference.txt"

bound=$(sed -n 's/^streaming pass[^:]*: \([0-9.]*\) s.*/\1/p' "$TMP/kernels.txt")
member=$(sed -n 's/^observed member[^:]*: \([0-9.]*\) s CPU.*/\1/p' "$TMP/kernels.txt")
ref=$(sed -n 's/^reference total: \([0-9.]*\) s CPU.*/\1/p' "$TMP/reference.txt")
read_cpu=$(cpu inspect); a0=$(cpu analyze-s0-t1)
cs=$(echo "($(cpu analyze-cs4-t1) - $a0) / 4" | bc -l); isi=$(echo "($(cpu analyze-both4-t1) - $(cpu analyze-cs4-t1)) / 4" | bc -l)
r() { echo "scale=1; $1 / $2" | bc -l; }
echo
echo "| ${HOURS} h, 200 units, 3 states, 32 scales | CPU s | wall s | × lower bound | reference ÷ this |"
echo "|---|---|---|---|---|"
echo "| one streaming pass over the spikes (lower bound) | $bound | — | 1 | — |"
echo "| NWB read alone (\`inspect\`) | $read_cpu | $(wall inspect) | $(r "$read_cpu" "$bound") | — |"
echo "| \`analyze --surrogates 0 --threads 1\` | $a0 | $(wall analyze-s0-t1) | $(r "$a0" "$bound") | $(r "$ref" "$a0") |"
echo "| \`analyze --surrogates 0\` (all cores) | $(cpu analyze-s0-all) | $(wall analyze-s0-all) | — | — |"
echo "| observed member alone, one state of all spikes (kernels-bench, thread CPU) | $member | — | $(r "$member" "$bound") | $(r "$ref" "$member") |"
printf '| + 1 circular-shift surrogate (of 4) | %.2f | — | %s | — |\n' "$cs" "$(r "$cs" "$bound")"
printf '| + 1 ISI-permutation surrogate (of 4) | %.2f | — | %s | — |\n' "$isi" "$(r "$isi" "$bound")"
[ -n "${FULL:-}" ] && echo "| \`analyze\` default (100 + 100 surrogates, all cores), peak $(awk '{ printf "%.0f", $4 / 1024 }' "$TMP/analyze-default.time") MB | $(cpu analyze-default) | $(wall analyze-default) | — | — |"
echo "| Elephant + NumPy reference: binning, Pearson r, cross-correlation at 32 scales | $ref | — | $(r "$ref" "$bound") | 1 |"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
