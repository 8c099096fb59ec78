#!/usr/bin/env bash
# Compares wsss4j's SameDiff ResNet-50 (the CAM classifier, IRN strides) with the same network in
# PyTorch on this machine. Prints one line per measurement:
#   <name> java_ms=<median> torch_ms=<median> ratio=<java/torch>
# and, when --verbose, the raw lines of both harnesses (setup, warm-up, min/max, CPU time).
#
# Usage: benchmarks/run.sh [--quick] [--verbose] [--size N]
#   --quick    fewer warm-up steps and repeats (whole run well under 5 minutes on a quiet machine)
#
# Environment (all optional):
#   WSSS4J_NATIVE    force a native build: onednn-avx512 | onednn-avx2 | onednn (default: by CPU flags,
#                    as the ./wsss4j launcher picks it)
#   WSSS4J_HEAP, WSSS4J_MAXBYTES, WSSS4J_MAXPHYS   JVM memory caps, defaults as in ./wsss4j
#   BENCH_THREADS    threads for both sides (default: nproc)
#   BENCH_JAVA_OPTS  extra JVM options
#   BENCH_DEFAULT_ENV=1  do not set OMP_WAIT_POLICY / MALLOC_* (see below)
#   PYTHON           interpreter with torch (default /usr/bin/python3)
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"

quick=0 verbose=0 size=448
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --verbose) verbose=1 ;;
    --size) size="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (use --quick, --verbose, --size N)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then warmup=2 repeats=3; else warmup=3 repeats=10; fi

# Build the jar when missing or older than the sources (as ./wsss4j does, but offline).
jar="$root/target/wsss4j.jar"
if [ ! -f "$jar" ] || [ ! -d "$root/target/lib" ] \
   || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "run.sh: building (mvn -q -B -o -DskipTests package) ..." >&2
  (cd "$root" && mvn -q -B -o -DskipTests package >&2)
fi

# The ND4J native build the launcher would pick for this CPU (same test as ./wsss4j).
native="${WSSS4J_NATIVE:-}"
if [ -z "$native" ]; then
  flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)"
  if [[ " $flags " == *" avx512f "* && " $flags " == *" avx512bw "* && " $flags " == *" avx512vl "* ]]; then
    native=onednn-avx512
  elif [[ " $flags " == *" avx2 "* ]]; then
    native=onednn-avx2
  else
    native=onednn
  fi
fi

threads="${BENCH_THREADS:-$(nproc)}"
# Both sides get the same thread count. ND4J reads OMP_NUM_THREADS for its own and oneDNN's
# OpenMP pool; PyTorch is told with torch.set_num_threads.
export OMP_NUM_THREADS="$threads"
# Both processes run with the same runtime settings (benchmarks/RESULTS.md, "What changed"):
# - OpenMP threads sleep instead of spinning while they wait: on cores shared with other work a
#   spinning thread takes the core from the thread it waits for.
# - glibc malloc keeps freed memory (up to 32 MB blocks from the heap, no trimming) instead of
#   unmapping it: ND4J/oneDNN allocate every activation and temporary anew in each step, and
#   memory fresh from the kernel costs a page fault and a page clear per 4 KB.
# Set BENCH_DEFAULT_ENV=1 to run with the environment as it is.
if [ -z "${BENCH_DEFAULT_ENV:-}" ]; then
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
  export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "run.sh: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java "-Xmx${WSSS4J_HEAP:-4g}" \
  "-Dorg.bytedeco.javacpp.maxbytes=${WSSS4J_MAXBYTES:-6G}" \
  "-Dorg.bytedeco.javacpp.maxphysicalbytes=${WSSS4J_MAXPHYS:-12G}" \
  "-Dorg.bytedeco.javacpp.platform.extension=-$native" \
  ${BENCH_JAVA_OPTS:-} \
  -cp "$jar:$root/target/lib/*" org.wsss4j.bench.ResNetBenchmark \
  --size "$size" --batch 2 --warmup "$warmup" --repeats "$repeats" >"$out/java.txt" 2>"$out/java.err" || {
    cat "$out/java.err" >&2; echo "run.sh: the Java harness failed" >&2; exit 1; }

python="${PYTHON:-/usr/bin/python3}"
if "$python" -c 'import torch' 2>/dev/null; then
  "$python" "$bench/resnet50_torch.py" --size "$size" --batch 2 --warmup "$warmup" --repeats "$repeats" \
    --threads "$threads" >"$out/torch.txt" 2>"$out/torch.err" || {
      cat "$out/torch.err" >&2; echo "run.sh: the PyTorch script failed" >&2; : >"$out/torch.txt"; }
else
  echo "run.sh: no torch in $python; PyTorch side skipped" >&2
  : >"$out/torch.txt"
fi
echo "run.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

if [ "$verbose" = 1 ]; then
  # (SameDiff prints one "Added differentiated op" line per op when it builds the gradient graph.)
  grep -v '^Added differentiated op' "$out/java.txt" | sed 's/^/java  /'; sed 's/^/torch /' "$out/torch.txt"
fi

median_of() { # file name -> median_ms or empty
  sed -n "s/^result name=$2 median_ms=\([0-9.]*\).*/\1/p" "$1"
}
for name in "resnet50_fwd_$size" "resnet50_igrad_$size"; do
  j="$(median_of "$out/java.txt" "$name")"
  t="$(median_of "$out/torch.txt" "$name")"
  [ -n "$j" ] || j=NA
  if [ -n "$t" ] && [ "$j" != NA ]; then
    ratio="$(awk -v a="$j" -v b="$t" 'BEGIN { printf "%.2f", a / b }')"
  else
    t="${t:-NA}" ratio=NA
  fi
  echo "$name java_ms=$j torch_ms=$t ratio=$ratio"
done
