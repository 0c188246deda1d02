#!/usr/bin/env bash
# The benchmarks of issue 4 (performance), as BENCHMARKS.md reports them:
#
#   1. go test -bench over ./sse ./parser ./cmd, -count 6, summarized by
#      benchstat;
#   2. `wc -l`, the floor (internal/benchgen/cmd/sseinspect-floor: split
#      lines with bytes.IndexByte; the same plus validating every data:
#      payload as JSON with encoding/json.Valid, and with internal/jsonscan)
#      and `sseinspect summarize` (two-line and --json) on a generated
#      capture of each format, the median of 5 runs each, in MB/s and as ratios
#      from the same run; with BASE=<commit>, also summarize and --json
#      built at that commit, on the same files. The commands of a format
#      run interleaved (one round runs each once), so that the load of a
#      shared machine weighs on all alike;
#   3. start-up: process start to exit of `true` and of `sseinspect
#      summarize` on a generated 4 KiB capture, STARTUP_RUNS (300) runs
#      each (internal/benchgen/cmd/sseinspect-startup), and at BASE;
#   4. peak RSS of `sseinspect summarize` (3 runs) and of summarize --json
#      (2 runs) on a generated 1 GiB capture of each format, the latter
#      also as MiB beyond the text, thinking and tool arguments it prints.
#
# Runs in about 10 minutes on 2 idle cores. Nothing is installed; the
# generated captures are deleted at exit. Results go to $RESULTS (default: a
# new /tmp/sseinspect-bench.* directory, kept). Knobs (environment): COUNT
# (6), SIZE (256MiB), BIG (1GiB), RUNS (5), BENCH (.), PKGS ("./sse
# ./parser ./cmd"), FORMATS (all four), STARTUP_RUNS (300), SKIP_GOTEST=1, SKIP_RSS=1, BASE (a commit to compare
# with, built from `git archive`).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-6}
SIZE=${SIZE:-256MiB}
BIG=${BIG:-1GiB}
RUNS=${RUNS:-5}
BENCH=${BENCH:-.}
PKGS=${PKGS:-./sse ./parser ./cmd}
FORMATS=${FORMATS:-openai-chat openai-responses anthropic gemini}
BENCHSTAT=(go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da)
RESULTS=${RESULTS:-$(mktemp -d /tmp/sseinspect-bench.XXXXXX)}
mkdir -p "$RESULTS"

work=$(mktemp -d /tmp/sseinspect-bench-work.XXXXXX)
big=/tmp/sseinspect-bench-$$-big.sse
trap 'rm -rf "$work" "$big"' EXIT

log() { echo "$@" | tee -a "$RESULTS/summary.txt"; }

log "== machine ($(date -u +%FT%TZ))"
log "nproc: $(nproc)"
log "cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
log "go: $(go version)"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
log "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"

log "== build"
# As scripts/release.sh builds it (static: no dynamic loader at start-up).
CGO_ENABLED=0 go build -trimpath -o "$work/sseinspect" .
go build -o "$work/benchgen" ./internal/benchgen/cmd/sseinspect-benchgen
go build -o "$work/floor" ./internal/benchgen/cmd/sseinspect-floor
go build -o "$work/startup" ./internal/benchgen/cmd/sseinspect-startup
if [ -n "${BASE:-}" ]; then
  log "base for comparison: $BASE ($(git log -1 --format='%h %s' "$BASE"))"
  mkdir -p "$work/base/src"
  git archive "$BASE" | tar -x -C "$work/base/src"
  (cd "$work/base/src" && CGO_ENABLED=0 go build -trimpath -o "$work/base/sseinspect" .)
fi

log "== generate $SIZE per format"
for f in $FORMATS; do
  "$work/benchgen" -format "$f" -size "$SIZE" -o "$work/$f.sse"
done
# Written to disk now, not by the kernel's flusher threads during the
# measurements (some 30 s after they were written).
sync

log "== start-up: process start to exit, ${STARTUP_RUNS:-300} runs each (sseinspect-startup)"
"$work/benchgen" -format anthropic -size 4KiB -o "$work/small.sse"
log "true:                      $("$work/startup" -n "${STARTUP_RUNS:-300}" true)"
log "summarize (5 KiB capture): $("$work/startup" -n "${STARTUP_RUNS:-300}" "$work/sseinspect" summarize "$work/small.sse")"
if [ -n "${BASE:-}" ]; then
  log "  the same at $BASE:       $("$work/startup" -n "${STARTUP_RUNS:-300}" "$work/base/sseinspect" summarize "$work/small.sse")"
fi

if [ "${SKIP_GOTEST:-}" != 1 ]; then
  log "== go test -run '^\$' -bench '$BENCH' -benchmem -count $COUNT $PKGS"
  # shellcheck disable=SC2086
  if ! go test -run '^$' -bench "$BENCH" -benchmem -count "$COUNT" -timeout 60m $PKGS >"$RESULTS/bench.txt" 2>&1; then
    log "go test failed (see $RESULTS/bench.txt); benchstat shows what ran"
    grep -E '^(--- FAIL|FAIL|panic)|Error:' "$RESULTS/bench.txt" | head -20 | tee -a "$RESULTS/summary.txt" || true
  fi
  "${BENCHSTAT[@]}" "$RESULTS/bench.txt" | tee "$RESULTS/benchstat.txt" | tee -a "$RESULTS/summary.txt"
fi

# now prints the time in seconds, with microseconds.
now() { echo "$EPOCHREALTIME"; }

# calc prints the value of an arithmetic expression (awk syntax).
calc() { awk "BEGIN { print $* }"; }

# run_cmd NAME: runs the command of that name on $file (stdout discarded):
# wc -l, the three floors, summarize and --json (GOMAXPROCS=1 for sum1 and
# json1), and at $BASE (bsum, bjson).
run_cmd() {
  case $1 in
  wc) wc -l "$file" ;;
  lines) "$work/floor" -validate none "$file" ;;
  std) "$work/floor" -validate std "$file" ;;
  scan) "$work/floor" -validate jsonscan "$file" ;;
  sum) "$work/sseinspect" summarize "$file" ;;
  json) "$work/sseinspect" summarize --json "$file" ;;
  sum1) GOMAXPROCS=1 "$work/sseinspect" summarize "$file" ;;
  json1) GOMAXPROCS=1 "$work/sseinspect" summarize --json "$file" ;;
  bsum) "$work/base/sseinspect" summarize "$file" ;;
  bjson) "$work/base/sseinspect" summarize --json "$file" ;;
  esac >/dev/null
}

# interleaved NAME...: runs each named command once per round, RUNS rounds,
# so that a slow spell of a shared machine slows them all alike; sets
# med[NAME] to the median wall time in seconds (the lower middle for an
# even RUNS) and rcs[NAME] to the exit code of its last run.
declare -A med rcs
interleaved() {
  local -A times=()
  local r c t0 t1 rc
  for ((r = 0; r < RUNS; r++)); do
    for c in "$@"; do
      t0=$(now)
      rc=0
      run_cmd "$c" || rc=$?
      t1=$(now)
      times[$c]+="$(calc "$t1 - $t0") "
      rcs[$c]=$rc
    done
  done
  for c in "$@"; do
    # shellcheck disable=SC2086
    med[$c]=$(printf '%s\n' ${times[$c]} | sort -g | sed -n "$(((RUNS + 1) / 2))p")
  done
}

# mbs BYTES SECONDS prints the throughput in MB/s (decimal).
mbs() { calc "$1 / $2 / 1000000"; }

log "== wc -l, the floor and sseinspect summarize, median of $RUNS interleaved rounds, files of $SIZE (page cache warm)"
log "floor_lines: sseinspect-floor (bytes.IndexByte line split, 1 MiB reads);"
log "floor_std / floor_scan: the same, and every data: payload validated with"
log "encoding/json.Valid / internal/jsonscan's Skip. ratios: summarize's time"
log "over wc -l's (x); summarize's throughput as a share of each floor's."
log "sum1/json1: the same with GOMAXPROCS=1 (one core: no pipeline)."
log "$(printf '%-17s %8s %8s %8s %8s %8s %8s %8s %8s %6s %7s %7s %7s %5s' format 'wc MB/s' 'lines' 'std' 'scan' 'sum' 'json' 'sum1' 'json1' 'sum/wc' '%lines' '%std' '%scan' exit)"
for f in $FORMATS; do
  file="$work/$f.sse"
  bytes=$(stat -c %s "$file")
  cat "$file" >/dev/null
  cmds=(wc lines std scan sum json sum1 json1)
  [ -n "${BASE:-}" ] && cmds+=(bsum bjson)
  interleaved "${cmds[@]}"
  wc_s=${med[wc]} lines_s=${med[lines]} std_s=${med[std]} scan_s=${med[scan]}
  sum_s=${med[sum]} json_s=${med[json]} sum1_s=${med[sum1]} json1_s=${med[json1]}
  sum_rc=${rcs[sum]}
  [ "${rcs[json]}" = 0 ] || sum_rc=${rcs[json]}
  log "$(printf '%-17s %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %5.1fx %6.1f%% %6.1f%% %6.1f%% %5d' "$f" \
    "$(mbs "$bytes" "$wc_s")" "$(mbs "$bytes" "$lines_s")" "$(mbs "$bytes" "$std_s")" "$(mbs "$bytes" "$scan_s")" \
    "$(mbs "$bytes" "$sum_s")" "$(mbs "$bytes" "$json_s")" "$(mbs "$bytes" "$sum1_s")" "$(mbs "$bytes" "$json1_s")" "$(calc "$sum_s / $wc_s")" \
    "$(calc "100 * $lines_s / $sum_s")" "$(calc "100 * $std_s / $sum_s")" "$(calc "100 * $scan_s / $sum_s")" "$sum_rc")"
  if [ -n "${BASE:-}" ]; then
    bsum_s=${med[bsum]} bjson_s=${med[bjson]}
    rc=${rcs[bsum]}
    [ "${rcs[bjson]}" = 0 ] || rc=${rcs[bjson]}
    log "$(printf '  at %-14s %8s %8s %8s %8s %8.0f %8.0f   this commit: summarize %.2fx, --json %.2fx the speed of %s (exit %d)' "$BASE" '' '' '' '' \
      "$(mbs "$bytes" "$bsum_s")" "$(mbs "$bytes" "$bjson_s")" "$(calc "$bsum_s / $sum_s")" "$(calc "$bjson_s / $json_s")" "$BASE" "$rc")"
  fi
done

# peak_rss CMD...: runs CMD (stdout discarded) and prints its peak RSS in
# KiB: from /usr/bin/time -v when there is one, else by polling VmHWM.
peak_rss() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$@" 2>"$work/time.txt" >/dev/null || true
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt"
    return
  fi
  "$@" >/dev/null &
  local pid=$! hwm=0 v
  while kill -0 "$pid" 2>/dev/null; do
    v=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$v" ] && hwm=$v
    sleep 0.01
  done
  wait "$pid" || true
  echo "$hwm"
}

if [ "${SKIP_RSS:-}" != 1 ]; then
  log "== peak RSS on a generated $BIG capture of each format ($big)"
  for f in $FORMATS; do
    "$work/benchgen" -format "$f" -size "$BIG" -o "$big" -stats 2>"$work/stats.json"
    sync
    bytes=$(stat -c %s "$big")
    # What summarize --json prints that grows with the stream: the text,
    # the thinking and the tool calls' arguments (UTF-8 bytes, unescaped).
    printed=$(awk -F'[:,]' '/"(TextBytes|ThinkingBytes|ToolArgsBytes)"/ { s += $2 } END { print s }' "$work/stats.json")
    log "$f: $bytes bytes; text, thinking and tool arguments printed by --json: $printed bytes ($(calc "$printed / 1048576") MiB)"
    # Three runs of the two-line summary, two of --json.
    for args in "summarize" "summarize" "summarize" "summarize --json" "summarize --json"; do
      t0=$(now)
      # shellcheck disable=SC2086
      kib=$(peak_rss "$work/sseinspect" $args "$big")
      t1=$(now)
      beyond=""
      if [ "$args" != summarize ]; then
        beyond=$(printf ', %.1f MiB beyond what it prints' "$(calc "($kib * 1024 - $printed) / 1048576")")
      fi
      log "$(printf '  %-17s peak RSS %d KiB (%.1f MiB)%s, %.2f s (%.0f MB/s, timed with /usr/bin/time -v)' "$args" "$kib" "$(calc "$kib / 1024")" "$beyond" "$(calc "$t1 - $t0")" "$(calc "$bytes / ($t1 - $t0) / 1000000")")"
    done
    rm -f "$big"
  done
fi

log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
log "results in $RESULTS"
