#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) into build-fuzz and
# runs each for a bounded time, starting from a copy of its checked-in seed corpus
# (tests/fuzz/corpus/<target>/; the checked-in files are never written to). Fails when a
# target crashes, breaks an invariant, leaks, times out or runs out of memory, and prints
# the reproducer's path and how to re-run it.
#   scripts/fuzz.sh                      every target, W2W_FUZZ_SECONDS each
#   scripts/fuzz.sh csv_record_fuzz ...  only these targets
# W2W_FUZZ_SECONDS (default 20) per target; W2W_BUILD_DIR (default build-fuzz);
# W2W_FUZZ_SKIP_BUILD=1 runs what W2W_BUILD_DIR already holds;
# W2W_FUZZ_WORK, where the corpus copies, logs and reproducers go (default
# $W2W_BUILD_DIR/fuzz-work); W2W_JOBS and W2W_CMAKE_ARGS as for scripts/build.sh.
# Extra libFuzzer flags: W2W_FUZZ_ARGS (e.g. "-jobs=1 -use_value_profile=1").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"

export W2W_BUILD_DIR=${W2W_BUILD_DIR:-$root/build-fuzz}
# A build type of its own adds no flags: the fuzz option sets -O1 and line tables (fast
# runs, readable stacks), and without NDEBUG the asserts stay on.
export W2W_BUILD_TYPE=${W2W_BUILD_TYPE:-Fuzz}
# The caller's W2W_CMAKE_ARGS come last and win (e.g. -DW2W_BUILD_TESTS=ON).
export W2W_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DW2W_BUILD_FUZZ=ON \
  -DW2W_BUILD_TESTS=OFF -DW2W_BUILD_BENCH=OFF ${W2W_CMAKE_ARGS:-}"
build=$W2W_BUILD_DIR
seconds=${W2W_FUZZ_SECONDS:-20}
work=${W2W_FUZZ_WORK:-$build/fuzz-work}
fuzz_dir=$root/tests/fuzz

start=$SECONDS
if [[ "${W2W_FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
  echo "fuzz: building the targets into $build"
  "$root/scripts/build.sh" w2w_fuzz
  echo "fuzz: built in $((SECONDS - start)) s"
fi

if (($# > 0)); then
  targets=("$@")
else
  targets=()
  for source in "$fuzz_dir"/*_fuzz.cc; do targets+=("$(basename "$source" .cc)"); done
fi

# Reference data for the targets that validate against the taxonomy.
export W2W_DATA_DIR=${W2W_DATA_DIR:-$root/data}
# Abort on the first report, with symbols; leaks are reported at the end of each input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for t in "${targets[@]}"; do
  binary=$build/tests/fuzz/$t
  if [[ ! -x $binary ]]; then
    echo "fuzz: no target $t (targets are the tests/fuzz/*_fuzz.cc)" >&2
    failed+=("$t")
    continue
  fi
  dir=$work/$t
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [[ -d $fuzz_dir/corpus/$t ]]; then cp -R "$fuzz_dir/corpus/$t/." "$dir/corpus/"; fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$dir/artifacts/")
  if [[ -f $fuzz_dir/dicts/$t.dict ]]; then args+=(-dict="$fuzz_dir/dicts/$t.dict"); fi
  # shellcheck disable=SC2206  # W2W_FUZZ_ARGS is a list of flags.
  args+=(${W2W_FUZZ_ARGS:-})
  seeds=$(find "$dir/corpus" -type f | wc -l)
  echo "fuzz: $t for ${seconds} s from $seeds seeds"
  rc=0
  "$binary" "${args[@]}" "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | grep -o '[0-9]*$' || true)
  grown=$(find "$dir/corpus" -type f | wc -l)
  reproducers=$(find "$dir/artifacts" -type f | sort)
  if ((rc != 0)) || [[ -n $reproducers ]]; then
    echo "fuzz: $t FAILED (exit $rc); the end of its log ($dir/log):" >&2
    tail -n 60 "$dir/log" >&2
    for r in $reproducers; do
      echo "fuzz: reproducer: $r" >&2
      echo "fuzz:   re-run:   $binary $r" >&2
    done
    [[ -n $reproducers ]] || echo "fuzz: no reproducer was written; see the log" >&2
    failed+=("$t")
  else
    echo "fuzz: $t ok: ${runs:-?} inputs, corpus $seeds -> $grown"
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}. Fix the bug, add a unit test and put the reproducer" \
       "into tests/fuzz/corpus/<target>/ (tests/README.md, \"Fuzzing\")." >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ok in $((SECONDS - start)) s"
