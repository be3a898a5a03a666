#!/usr/bin/env bash
# bench/run.sh [COUNT]  --  maprun against the hand-written sales-order mapper (and jq), on one machine.
#
#   bench/run.sh            # 200,000 generated orders (the benchmark)
#   bench/run.sh 2000       # a smoke test: the same steps on 2,000 orders, in seconds
#
# 1. Builds the release binaries: mapc, maprun, reference-mapper (bench/reference, the mapping written by
#    hand with serde + rust_decimal) and gen-orders (sandbox).
# 2. Compiles mappings/sales_order.map and generates COUNT orders as JSON lines with gen-orders (fixed
#    seed, so every run maps the same orders).
# 3. Checks that maprun and the reference agree before timing anything: both map the first 1,000 orders
#    (and bench/edge_orders.py's hostile orders: keys at and past their lengths, text GP's code page
#    lacks, control characters, ties in rounding, rows out of order, malformed lines...), and
#    bench/compare.py compares every element path and text of the two eConnect documents (decimals by
#    value), which records fail and where, and the summaries. It prints the number of values compared;
#    any difference stops the script with exit status 1.
# 4. Times, alternating in the same run, 3 rounds each: (a) `maprun apply` with the compiled mapping,
#    on every core, and pinned to one core with taskset (where installed), (b) the reference mapper,
#    (c) jq with bench/sales_order.jq, the same fields as a JSON-to-JSON
#    projection (only where jq is installed; how far its floating-point values are from the exact ones
#    is printed for the first 1,000 orders). Each writes to /dev/null; wall time is measured around the
#    process, peak RSS with /usr/bin/time.
# 5. Prints a table: records/s (best round), input MB/s (10^6 bytes), records per CPU-second (user +
#    system time of that round: maprun maps on every core unless pinned, the others use one), peak RSS (largest of
#    the rounds), and throughput and CPU efficiency as multiples of the hand-written program's.
#
# Environment: SEED (default 1) for gen-orders; ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."

count="${1:-200000}"
seed="${SEED:-1}"
rounds="${ROUNDS:-3}"
case "$count" in '' | *[!0-9]*) echo "usage: bench/run.sh [COUNT]" >&2; exit 2 ;; esac
[ "$count" -ge 1 ] || { echo "bench/run.sh: COUNT must be at least 1" >&2; exit 2; }
for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/run.sh: $tool is required" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== building (release)"
cargo build --release -q -p mapc -p maprun -p reference-mapper -p sandbox
bin="${CARGO_TARGET_DIR:-target}/release"
"$bin/mapc" build mappings/sales_order.map -o "$work/so.mir"

echo "== generating $count orders (seed $seed)"
"$bin/gen-orders" --count "$count" --seed "$seed" --out "$work/orders.jsonl"
bytes=$(wc -c < "$work/orders.jsonl")
echo "   $(wc -l < "$work/orders.jsonl") lines, $bytes bytes ($((bytes / count)) bytes per order)"

# Runs PROGRAM ARGS... on INPUT, keeping its stdout and stderr; exit status 1 (some records failed) is
# an outcome, anything above it an error.
run_to() { # OUT ERR PROGRAM ARGS...
  local out="$1" err="$2" rc=0
  shift 2
  "$@" > "$out" 2> "$err" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "bench/run.sh: $* exited with $rc:" >&2
    tail -n 5 "$err" >&2
    exit 2
  fi
}

check() { # LABEL INPUT
  local label="$1" input="$2"
  run_to "$work/check-maprun.xml" "$work/check-maprun.err" "$bin/maprun" apply "$work/so.mir" --input "$input"
  run_to "$work/check-ref.xml" "$work/check-ref.err" "$bin/reference-mapper" --input "$input"
  echo "   $label:"
  if ! python3 bench/compare.py "$work/check-maprun.xml" "$work/check-maprun.err" \
      "$work/check-ref.xml" "$work/check-ref.err" --names=maprun,reference | sed 's/^/     /'; then
    echo "bench/run.sh: maprun and the reference mapper disagree ($label)" >&2
    exit 1
  fi
}

echo "== agreement check (before timing)"
head -n 1000 "$work/orders.jsonl" > "$work/first.jsonl"
check "the first $(wc -l < "$work/first.jsonl") generated orders" "$work/first.jsonl"
python3 bench/edge_orders.py 2000 "$seed" > "$work/edge.jsonl"
check "2,000 hostile orders (bench/edge_orders.py)" "$work/edge.jsonl"

programs=(maprun)
# maprun maps on every core; pinned to one core it does the reference's single-threaded work with the
# same resources, which is what its records per CPU-second are compared on.
if command -v taskset >/dev/null 2>&1; then
  programs+=(maprun-1)
fi
programs+=(reference)
if command -v jq >/dev/null 2>&1; then
  programs+=(jq)
  # Not a check, a measure of what jq's doubles and missing code page cost (the first 1,000 orders).
  jq -c -f bench/sales_order.jq "$work/first.jsonl" > "$work/check-jq.jsonl"
  run_to "$work/check-ref.xml" "$work/check-ref.err" "$bin/reference-mapper" --input "$work/first.jsonl"
  echo "   jq (information only): $(python3 bench/compare_jq.py "$work/check-ref.xml" "$work/check-jq.jsonl")"
else
  echo "   (jq is not installed: timing maprun and the reference only)"
fi

# The first core this process may run on.
one_core() {
  taskset -pc $$ | sed 's/.*: *//; s/[,-].*//'
}

# One timed run: appends "PROGRAM NANOSECONDS PEAK_KIB CPU_SECONDS" to the results.
timed() { # PROGRAM
  local program="$1" start end rc=0
  local cmd
  case "$program" in
    maprun) cmd=("$bin/maprun" apply "$work/so.mir" --input "$work/orders.jsonl") ;;
    maprun-1) cmd=(taskset -c "$(one_core)" "$bin/maprun" apply "$work/so.mir" --input "$work/orders.jsonl") ;;
    reference) cmd=("$bin/reference-mapper" --input "$work/orders.jsonl") ;;
    jq) cmd=(jq -c -f bench/sales_order.jq "$work/orders.jsonl") ;;
  esac
  start=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o "$work/rss" "${cmd[@]}" > /dev/null 2> "$work/timed.err" || rc=$?
  end=$(date +%s%N)
  if [ "$rc" -gt 1 ]; then
    echo "bench/run.sh: $program exited with $rc:" >&2
    tail -n 5 "$work/timed.err" >&2
    exit 2
  fi
  echo "$program $((end - start)) $(tail -n 1 "$work/rss" | awk '{ print $1, $2 + $3 }')" >> "$work/results"
}

echo "== timing: $rounds rounds of ${programs[*]}, alternating, output to /dev/null"
: > "$work/results"
for round in $(seq 1 "$rounds"); do
  for program in "${programs[@]}"; do
    timed "$program"
  done
  echo "   round $round: $(tail -n "${#programs[@]}" "$work/results" | awk '{printf "%s %.2f s  ", $1, $2 / 1e9}')"
done

echo
echo "== $count orders, $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }') of JSON lines; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
python3 - "$work/results" "$count" "$bytes" <<'PY'
import sys
results, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
best, cpu, rss = {}, {}, {}
for line in open(results):
    program, ns, kib, cpu_seconds = line.split()
    if int(ns) / 1e9 < best.get(program, float("inf")):
        best[program], cpu[program] = int(ns) / 1e9, max(float(cpu_seconds), 0.01)
    rss[program] = max(rss.get(program, 0), int(kib))
names = {
    "maprun": "maprun apply (compiled sales_order.map)",
    "maprun-1": "maprun apply, pinned to one core",
    "reference": "reference-mapper (hand-written Rust)",
    "jq": "jq (JSON projection; see note)",
}
ref, ref_cpu = best["reference"], cpu["reference"]
rows = [("program", "records/s", "input MB/s", "records/CPU-s", "peak RSS", "vs hand-written", "CPU vs hand-written")]
for program in best:
    seconds = best[program]
    rows.append((names[program], f"{count / seconds:,.0f}", f"{size / seconds / 1e6:,.1f}", f"{count / cpu[program]:,.0f}",
                 f"{rss[program] / 1024:,.1f} MiB", f"{ref / seconds:.2f}x", f"{ref_cpu / cpu[program]:.2f}x"))
widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for i, r in enumerate(rows):
    print("| " + " | ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r)) + " |")
    if i == 0:
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
print()
print("records/s and MB/s: best of the rounds (wall time of the whole process, output to /dev/null);")
print("records/CPU-s: the same round's records per second of user + system time (maprun maps on every")
print("core, or on one where pinned with taskset; the others use one); peak RSS: the largest of the")
print("rounds; vs hand-written: throughput, and records per CPU-second, as multiples of reference-mapper's.")
if "jq" in best:
    print("jq cannot write XML (it writes one JSON object per order) and computes money in binary floating")
    print("point (doubles), without key, length, scale or code-page checks: a lower bound on the work, not")
    print("an equivalent program.")
if count < 20000:
    print(f"(only {count} orders: start-up dominates these times; use the default 200000 to measure)")
PY
