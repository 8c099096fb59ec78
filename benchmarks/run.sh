#!/usr/bin/env bash
# Compares wsss4j's SameDiff ResNet-50 (the CAM classifier, IRN strides) with the same network in
# PyTorch on this machine. Prints one line per measurement:
#   <name> java_ms=<median> torch_ms=<median> ratio=<java/torch>
# and, when --verbose, the raw lines of both harnesses (setup, warm-up, min/max, CPU time).
#
# Usage: benchmarks/run.sh [--quick] [--verbose] [--size N] [--rounds R] [--advcam | --advcam-only]
#                         [--adv-steps M] [--adv-classes K] [--aspp | --aspp-only] [--aspp-batch B] [--aspp-rate R]
#   --quick    fewer warm-up steps and repeats, one round (well under 5 minutes on a quiet machine)
#   --rounds R run the ResNet harnesses R times, Java and PyTorch alternating, and report the
#              median of the R per-round medians (default 3, 1 with --quick): on a shared or
#              throttled machine the speed drifts over minutes, and one Java run followed by one
#              PyTorch run would charge the drift to whichever side ran second
#   --advcam   also time AdvCAM on a 500x375 image (seconds per image per class; several minutes):
#                advcam_500x375 java_s_per_image_class=.. torch_s_per_image_class=.. ratio=.. (..)
#   --advcam-only  only the AdvCAM measurement
#   --adv-steps M  steps climbed per scale when timing AdvCAM (default 3; 27 = no extrapolation)
#   --adv-classes K  also time K classes climbing in one batch on the Java side (default 0 = off)
#   --aspp     also time one DeepLab-v2 ASPP branch (3x3, 2048 -> 21, 41x41) forward + backward in
#              the three forms of a dilated conv, each in its own JVM (no PyTorch side; ~3 minutes):
#                aspp_r<R>_b<B> taps_ms=.. shifted_ms=.. s2b_ms=.. taps_peak_mb=.. shifted_peak_mb=.. s2b_peak_mb=.. (..)
#   --aspp-only      only the ASPP measurement
#   --aspp-batch B   its batch (default 5, DeepLab-v2's); --aspp-rate R its dilation (default 24)
#   --crf      also time the dense CRF on one core against pydensecrf's C++ engine, 500x375, 21 labels,
#              DeepLab's setting (spec 8) and the IR-label setting (spec 5), same inputs on both sides:
#                crf_deeplab_500x375 java_ms=.. pydensecrf_ms=.. ratio=.. agreement=.. (..)
#                crf_ir_labels_500x375 java_ms=.. pydensecrf_ms=.. ratio=.. agreement=.. (..)
#              (ms: median thread CPU time per image, CRF build + 10 iterations + argmax; agreement:
#              fraction of pixels where the two give the same label)
#   --crf-only       only the CRF measurement
#   --aspp-in C --aspp-out O  its channels (default 2048, 21; 512 512 = a backbone's layer5 conv)
#   --deeplab  also time DeepLab-v2 (ResNet-101 MSC) against deeplab-pytorch's own model, one process
#              per side and measurement (tens of minutes on 2 cores; needs a deeplab-pytorch checkout,
#              --deeplab-pytorch DIR or DEEPLAB_PYTORCH):
#                deeplab_train_step java_ms=.. torch_ms=.. ratio=.. java_peak_mb=.. torch_peak_mb=..
#                deeplab_predict java_ms=.. torch_ms=.. ratio=.. java_peak_mb=.. torch_peak_mb=..
#              (train: batch 2 of 321x321 crops, forward + backward + update; predict: one 500x375
#              image; peak_mb: the process's peak resident set)
#   --deeplab-only   only the DeepLab measurements
#   --profile  with --deeplab, also the Java side's time inside SameDiff ops by op type (--verbose shows it)
#   --deeplab-crop N   the training crop (default 321); --deeplab-modes "train predict" which to run
#
# Environment (all optional):
#   WSSS4J_NATIVE    force a native build: onednn-avx512 | onednn-avx2 | onednn (default: by CPU flags,
#                    as the ./wsss4j launcher picks it)
#   WSSS4J_HEAP, WSSS4J_MAXBYTES, WSSS4J_MAXPHYS   JVM memory caps, defaults as in ./wsss4j
#   BENCH_THREADS    threads for both sides (default: nproc)
#   BENCH_JAVA_OPTS  extra JVM options
#   BENCH_DEFAULT_ENV=1  do not set OMP_WAIT_POLICY / MALLOC_* (see below)
#   PYTHON           interpreter with torch (default /usr/bin/python3)
#   PYDENSECRF       directory to put on PYTHONPATH for pydensecrf (default: as installed)
#   CRF_IMAGE        photograph for --crf, cropped to 375x500 at CRF_CROP (default: skimage's coffee.png,
#                    rows 12:387, cols 50:550, when python3-skimage's data is installed; else synthetic)
#   CRF_CROP         Y,X top-left corner of that crop (default 12,50)
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"

quick=0 verbose=0 size=448 advcam=0 resnet=1 adv_steps=3 adv_classes=0 rounds= aspp=0 aspp_batch=5 aspp_rate=24 crf=0
aspp_in=2048 aspp_out=21 deeplab=0 deeplab_profile=0 deeplab_crop=321 deeplab_modes="train predict"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --verbose) verbose=1 ;;
    --size) size="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --advcam) advcam=1 ;;
    --advcam-only) advcam=1 resnet=0 ;;
    --adv-steps) adv_steps="$2"; shift ;;
    --adv-classes) adv_classes="$2"; shift ;;
    --aspp) aspp=1 ;;
    --aspp-only) aspp=1 resnet=0 ;;
    --aspp-batch) aspp_batch="$2"; shift ;;
    --aspp-rate) aspp_rate="$2"; shift ;;
    --crf) crf=1 ;;
    --crf-only) crf=1 resnet=0 ;;
    --aspp-in) aspp_in="$2"; shift ;;
    --deeplab) deeplab=1 ;;
    --deeplab-only) deeplab=1 resnet=0 ;;
    --deeplab-pytorch) export DEEPLAB_PYTORCH="$2"; shift ;;
    --profile) deeplab_profile=1 ;;
    --deeplab-crop) deeplab_crop="$2"; shift ;;
    --deeplab-modes) deeplab_modes="$2"; shift ;;
    --aspp-out) aspp_out="$2"; shift ;;
    -h|--help) sed -n '2,54 p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (use --quick, --verbose, --size N, --rounds R, --advcam, --advcam-only," \
         "--adv-steps M, --adv-classes K, --aspp, --aspp-only, --aspp-batch B, --aspp-rate R, --aspp-in C," \
         "--aspp-out O, --crf, --crf-only, --deeplab, --deeplab-only, --deeplab-pytorch DIR, --profile," \
         "--deeplab-crop N, --deeplab-modes M)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then warmup=2 repeats=3 rounds="${rounds:-1}"; else warmup=3 repeats=10 rounds="${rounds:-3}"; fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then echo "run.sh: --rounds needs a positive whole number, not '$rounds'" >&2; exit 2; fi

# Build the jar when missing or older than the sources (as ./wsss4j does, but offline).
jar="$root/target/wsss4j.jar"
if [ "$resnet" = 1 ] || [ "$advcam" = 1 ] || [ "$aspp" = 1 ] || [ "$deeplab" = 1 ]; then need_jar=1; else need_jar=0; fi
if [ "$need_jar" = 1 ] && { [ ! -f "$jar" ] || [ ! -d "$root/target/lib" ] \
   || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; }; then
  echo "run.sh: building (mvn -q -B -o -DskipTests package) ..." >&2
  (cd "$root" && mvn -q -B -o -DskipTests package >&2)
fi
# The CRF harness is a test class (org.wsss4j.crf.CrfBenchmark): compile the test classes when older
# than the sources.
crf_class="$root/target/test-classes/org/wsss4j/crf/CrfBenchmark.class"
if [ "$crf" = 1 ] && { [ ! -f "$crf_class" ] \
   || [ -n "$(find "$root/src/main" "$root/src/test/java/org/wsss4j/crf" -newer "$crf_class" -type f -print -quit 2>/dev/null)" ]; }; then
  echo "run.sh: compiling (mvn -q -B -o test-compile) ..." >&2
  (cd "$root" && mvn -q -B -o test-compile >&2)
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
python="${PYTHON:-/usr/bin/python3}"
have_torch=0
if "$python" -c 'import torch' 2>/dev/null; then have_torch=1; else echo "run.sh: no torch in $python; PyTorch side skipped" >&2; fi

run_java() { # main-class output-file args...
  local cls="$1" file="$2"; shift 2
  java "-Xmx${WSSS4J_HEAP:-4g}" \
    "-Dorg.bytedeco.javacpp.maxbytes=${WSSS4J_MAXBYTES:-6G}" \
    "-Dorg.bytedeco.javacpp.maxphysicalbytes=${WSSS4J_MAXPHYS:-12G}" \
    "-Dorg.bytedeco.javacpp.platform.extension=-$native" \
    ${BENCH_JAVA_OPTS:-} \
    -cp "$jar:$root/target/lib/*" "$cls" "$@" >"$file" 2>"$file.err" || {
      cat "$file.err" >&2; echo "run.sh: the Java harness $cls failed" >&2; exit 1; }
}
run_torch() { # script output-file args...
  local script="$1" file="$2"; shift 2
  : >"$file"
  [ "$have_torch" = 1 ] || return 0
  "$python" "$bench/$script" "$@" --threads "$threads" >"$file" 2>"$file.err" || {
    cat "$file.err" >&2; echo "run.sh: the PyTorch script $script failed" >&2; : >"$file"; }
}
run_java_or_na() { # as run_java, but a failure (e.g. out of memory) leaves the file empty (NA) and goes on
  local cls="$1" file="$2"
  ( run_java "$@" ) || { echo "run.sh: $cls failed; its result is NA" >&2; mv "$file" "$file.failed" 2>/dev/null || true; }
}
ratio_of() { # java torch -> ratio or NA
  if [ "$1" != NA ] && [ "$2" != NA ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo NA; fi
}

echo "run.sh: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ "$resnet" = 1 ]; then
  for r in $(seq 1 "$rounds"); do
    run_java org.wsss4j.bench.ResNetBenchmark "$out/java.$r.txt" \
      --size "$size" --batch 2 --warmup "$warmup" --repeats "$repeats"
    run_torch resnet50_torch.py "$out/torch.$r.txt" --size "$size" --batch 2 --warmup "$warmup" --repeats "$repeats"
  done
fi
if [ "$advcam" = 1 ]; then
  # One present class (class 0), so the time is per image per class; with --adv-classes K also
  # classes 0..K-1 climbing in one batch, as AdvCam batches the present classes of an image.
  classes=0
  if [ "$adv_classes" -gt 1 ]; then classes="0:$(seq -s, 0 $((adv_classes - 1)))"; fi
  run_java org.wsss4j.bench.AdvCamBenchmark "$out/java_adv.txt" --height 375 --width 500 \
    --steps "$adv_steps" --classes "$classes"
  run_torch advcam_torch.py "$out/torch_adv.txt" --height 375 --width 500 --steps "$adv_steps"
fi
if [ "$aspp" = 1 ]; then
  # One form per JVM: a process's peak resident set would carry the first form's memory into the second.
  for form in taps shifted s2b; do
    run_java org.wsss4j.bench.AsppBranchBenchmark "$out/java_aspp_$form.txt" --form "$form" \
      --batch "$aspp_batch" --rate "$aspp_rate" --in "$aspp_in" --out "$aspp_out" --warmup 1 --repeats "$repeats"
  done
fi
if [ "$deeplab" = 1 ]; then
  # One process per side and measurement: a process's peak resident set is the measurement's own.
  # Fewer steps than the ResNet harnesses: a ResNet-101 MSC train step takes many seconds.
  if [ "$quick" = 1 ]; then dl_warmup=1 dl_repeats=2; else dl_warmup=2 dl_repeats=5; fi
  dl_prof=""; [ "$deeplab_profile" = 1 ] && dl_prof="--profile"
  for mode in $deeplab_modes; do
    echo "run.sh: load average before deeplab $mode: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    run_java_or_na org.wsss4j.bench.DeepLabBenchmark "$out/java_dl_$mode.txt" --mode "$mode" --batch 2 --crop "$deeplab_crop" \
      --height 375 --width 500 --warmup "$dl_warmup" --repeats "$dl_repeats" $dl_prof
    if [ -n "${DEEPLAB_PYTORCH:-}" ]; then
      run_torch deeplab_torch.py "$out/torch_dl_$mode.txt" --mode "$mode" --batch 2 --crop "$deeplab_crop" \
        --height 375 --width 500 --warmup "$dl_warmup" --repeats "$dl_repeats"
    else
      echo "run.sh: no deeplab-pytorch checkout (--deeplab-pytorch DIR or DEEPLAB_PYTORCH); PyTorch side skipped" >&2
      : >"$out/torch_dl_$mode.txt"
    fi
  done
fi
if [ "$crf" = 1 ]; then
  crf_image="${CRF_IMAGE:-}"
  if [ -z "$crf_image" ]; then
    for f in /usr/lib/python3/dist-packages/skimage/data/coffee.png; do [ -f "$f" ] && crf_image="$f"; done
  fi
  crf_args=()
  if [ -n "$crf_image" ]; then crf_args=(--image "$crf_image" --crop "${CRF_CROP:-12,50}"); fi
  if [ "$quick" = 1 ]; then crf_warm=2 crf_rep=3; else crf_warm=3 crf_rep=7; fi
  have_dcrf=0
  if PYTHONPATH="${PYDENSECRF:-}${PYTHONPATH:+:$PYTHONPATH}" "$python" -c 'import pydensecrf.densecrf' 2>/dev/null; then
    have_dcrf=1
  else
    echo "run.sh: no pydensecrf for $python (set PYDENSECRF to its directory); pydensecrf side skipped" >&2
  fi
  # One core on both sides: the Java CRF is single-threaded, densecrf too (OMP/BLAS pinned to 1
  # anyway); Java and pydensecrf alternate round by round, as for the ResNet.
  for setting in deeplab ir-labels; do
    for r in $(seq 1 "$rounds"); do
      dump="$out/crf_$setting.$r"
      OMP_NUM_THREADS=1 java -Xmx2g -XX:ActiveProcessorCount=1 ${BENCH_JAVA_OPTS:-} \
        -cp "$root/target/classes:$root/target/test-classes" org.wsss4j.crf.CrfBenchmark \
        --setting "$setting" "${crf_args[@]}" --warmup "$crf_warm" --rounds "$crf_rep" --dump "$dump" \
        >"$out/java_crf_$setting.$r.txt" 2>"$out/java_crf_$setting.$r.txt.err" || {
          cat "$out/java_crf_$setting.$r.txt.err" >&2; echo "run.sh: the Java CRF harness failed" >&2; exit 1; }
      : >"$out/dcrf_crf_$setting.$r.txt"
      if [ "$have_dcrf" = 1 ]; then
        OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH="${PYDENSECRF:-}${PYTHONPATH:+:$PYTHONPATH}" \
          "$python" "$bench/crf_pydensecrf.py" --dump "$dump" --name "crf_${setting//-/_}_500x375" \
          --warmup "$crf_warm" --rounds "$crf_rep" >"$out/dcrf_crf_$setting.$r.txt" 2>"$out/dcrf_crf_$setting.$r.txt.err" || {
            cat "$out/dcrf_crf_$setting.$r.txt.err" >&2; echo "run.sh: crf_pydensecrf.py failed" >&2; : >"$out/dcrf_crf_$setting.$r.txt"; }
      fi
      rm -rf "$dump"
    done
  done
fi
echo "run.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

if [ "$verbose" = 1 ]; then
  # (SameDiff prints one "Added differentiated op" line per op when it builds the gradient graph.)
  for r in $(seq 1 "$rounds"); do
    for f in "java.$r" "torch.$r"; do
      [ -f "$out/$f.txt" ] && grep -v '^Added differentiated op' "$out/$f.txt" | sed "s/^/${f%.*} round $r  /"
    done
  done
  [ -f "$out/java_adv.txt" ] && grep -v '^Added differentiated op' "$out/java_adv.txt" | sed 's/^/java  /'
  [ -f "$out/torch_adv.txt" ] && sed 's/^/torch /' "$out/torch_adv.txt"
  for setting in deeplab ir-labels; do
    for r in $(seq 1 "$rounds"); do
      [ -f "$out/java_crf_$setting.$r.txt" ] && sed "s/^/java  crf round $r  /" "$out/java_crf_$setting.$r.txt"
      [ -f "$out/dcrf_crf_$setting.$r.txt" ] && sed "s/^/pydcrf crf round $r  /" "$out/dcrf_crf_$setting.$r.txt"
    done
  done
  for f in java_dl_train torch_dl_train java_dl_predict torch_dl_predict; do
    [ -f "$out/$f.txt" ] && grep -v '^Added differentiated op' "$out/$f.txt" | sed "s/^/${f%%_*}  /"
  done
  for form in taps shifted s2b; do
    [ -f "$out/java_aspp_$form.txt" ] && grep -v '^Added differentiated op' "$out/java_aspp_$form.txt" | sed 's/^/java  /'
  done
fi

field_of() { # file result-name field -> value or NA
  local v
  v="$(sed -n "s/^result name=$2 \(.* \)\{0,1\}$3=\([0-9.]*\).*/\2/p" "$1" 2>/dev/null)"
  echo "${v:-NA}"
}
median_over_rounds() { # side result-name [field] -> median of the rounds' values, or NA
  local v r vals=""
  for r in $(seq 1 "$rounds"); do
    v="$(field_of "$out/$1.$r.txt" "$2" "${3:-median_ms}")"
    [ "$v" != NA ] && vals="$vals $v"
  done
  if [ -z "$vals" ]; then echo NA; return; fi
  echo $vals | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
if [ "$resnet" = 1 ]; then
  for name in "resnet50_fwd_$size" "resnet50_igrad_$size"; do
    j="$(median_over_rounds java "$name")"
    t="$(median_over_rounds torch "$name")"
    echo "$name java_ms=$j torch_ms=$t ratio=$(ratio_of "$j" "$t")"
  done
fi
if [ "$advcam" = 1 ]; then
  a=advcam_500x375
  if [ "$adv_steps" -ge 27 ]; then how="timed in full, T=27 (13 at scale 0.5)"
  else how="measured T=1 and T=$adv_steps per scale, extrapolated linearly to T=27 (13 at scale 0.5)"; fi
  j="$(field_of "$out/java_adv.txt" "${a}_k1" s_per_image_class)"
  for v in wgrad igrad; do
    t="$(field_of "$out/torch_adv.txt" "${a}_$v" s_per_image_class)"
    if [ "$v" = wgrad ]; then
      name=$a what="PyTorch as the reference: L.backward() with trainable parameters, weight gradients too"
    else
      name=${a}_igrad what="PyTorch parameters frozen, input gradient only"
    fi
    echo "$name java_s_per_image_class=$j torch_s_per_image_class=$t ratio=$(ratio_of "$j" "$t") ($how; $what)"
  done
  if [ "$adv_classes" -gt 1 ]; then
    j="$(field_of "$out/java_adv.txt" "${a}_k$adv_classes" s_per_image_class)"
    t="$(field_of "$out/torch_adv.txt" "${a}_wgrad" s_per_image_class)"
    echo "${a}_${adv_classes}classes java_s_per_image_class=$j torch_s_per_image_class=$t ratio=$(ratio_of "$j" "$t")" \
      "($how; Java: $adv_classes classes climbing in one batch, time / $adv_classes;" \
      "PyTorch: one class at a time as the reference, weight gradients too)"
  fi
fi
if [ "$aspp" = 1 ]; then
  a="aspp_r${aspp_rate}_b${aspp_batch}"
  suffix=""
  if [ "$aspp_in" != 2048 ] || [ "$aspp_out" != 21 ]; then suffix="_${aspp_in}to${aspp_out}"; fi
  line="$a$suffix"
  for form in taps shifted s2b; do
    line="$line ${form}_ms=$(field_of "$out/java_aspp_$form.txt" "aspp_${form}_r${aspp_rate}_b${aspp_batch}$suffix" median_ms)"
  done
  for form in taps shifted s2b; do
    line="$line ${form}_peak_mb=$(field_of "$out/java_aspp_$form.txt" "aspp_${form}_r${aspp_rate}_b${aspp_batch}$suffix" first_step_added_mb)"
  done
  echo "$line (one dilated 3x3 conv ${aspp_in} -> ${aspp_out} forward + backward, float32; ms: median step;" \
    "peak_mb: resident memory the first step adds)"
fi
if [ "$deeplab" = 1 ]; then
  for mode in $deeplab_modes; do
    if [ "$mode" = train ]; then name=deeplab_train_step; else name=deeplab_predict; fi
    j="$(field_of "$out/java_dl_$mode.txt" "$name" median_ms)"
    t="$(field_of "$out/torch_dl_$mode.txt" "$name" median_ms)"
    shown="$name"
    if [ "$mode" = train ] && [ "$deeplab_crop" != 321 ]; then shown="${name}_crop$deeplab_crop"; fi
    echo "$shown java_ms=$j torch_ms=$t ratio=$(ratio_of "$j" "$t")" \
      "java_peak_mb=$(field_of "$out/java_dl_$mode.txt" "$name" peak_rss_mb)" \
      "torch_peak_mb=$(field_of "$out/torch_dl_$mode.txt" "$name" peak_rss_mb)"
  done
fi
if [ "$crf" = 1 ]; then
  for setting in deeplab ir-labels; do
    name="crf_${setting//-/_}_500x375"
    j="$(median_over_rounds "java_crf_$setting" "$name" total_ms)"
    t="$(median_over_rounds "dcrf_crf_$setting" "$name" total_ms)"
    jb="$(median_over_rounds "java_crf_$setting" "$name" build_ms)"
    tb="$(median_over_rounds "dcrf_crf_$setting" "$name" build_ms)"
    ji="$(median_over_rounds "java_crf_$setting" "$name" inference_ms)"
    ti="$(median_over_rounds "dcrf_crf_$setting" "$name" inference_ms)"
    agree="$(field_of "$out/dcrf_crf_$setting.$rounds.txt" "$name" agreement)"
    echo "$name java_ms=$j pydensecrf_ms=$t ratio=$(ratio_of "$j" "$t") agreement=$agree" \
      "(thread CPU ms per image, median; build java=$jb pydensecrf=$tb, inference java=$ji pydensecrf=$ti;" \
      "image: ${crf_image:-synthetic})"
  done
fi
