#!/usr/bin/env bash
# Instructions per op of a Go benchmark, counted by valgrind's cachegrind:
# unlike times, the count does not move with the load of a shared machine
# (repeated runs agree to about 0.01 %), so that small changes can be
# compared. It counts the work, not its speed: cache misses, branch
# mispredictions and the second core are not in it.
#
#   scripts/instructions.sh TESTBINARY BENCHREGEXP [N]
#
# TESTBINARY is a test binary (go test -c -o FILE ./parser); the benchmark
# runs with -test.cpu 1 and GOGC=off, N (12) and N/3 times, and the
# difference of the two counts divided by 2N/3 is printed, so that the set-up
# of the benchmark (generating its capture) drops out. Anchor the regexp
# (^BenchmarkCPUReplay$/anthropic/summary$): unanchored, it may select
# several benchmarks. Needs valgrind (Debian: valgrind). GODEBUG turns off
# the runtime's use of RDTSCP, which valgrind 3.19 does not decode on some
# CPUs (an AMD EPYC "Turin" VM: SIGILL in runtime.cputicks).
set -euo pipefail
bin=$1 bench=$2 n=${3:-12}
(( n >= 3 && n % 3 == 0 )) || { echo "N must be a multiple of 3" >&2; exit 2; }
count() {
	GODEBUG=cpu.rdtscp=off GOGC=off valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		"$bin" -test.run '^$' -test.bench "$bench" -test.benchtime "${1}x" -test.cpu 1 2>&1 >/dev/null |
		awk '/I *refs/ { gsub(",", "", $NF); print $NF }'
}
low=$(count $((n / 3)))
high=$(count "$n")
echo "$bin $bench $(( (high - low) / (n - n / 3) )) instructions/op"
