#!/usr/bin/env bash
# Peak memory of `maprun apply` on a large JSON-lines stream: it must stay flat whatever the size.
# Usage: bench/stream-rss.sh [MEGABYTES]   (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-300}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build -q --release -p mapc -p maprun
bin="${CARGO_TARGET_DIR:-target}/release"
"$bin/mapc" build mappings/sales_order.map -o "$work/so.mir"

# The example order under a new id per line, until the stream reaches the size asked for.
python3 - "$work/orders.jsonl" "$size_mb" <<'PY'
import json, sys
order = json.load(open("docs/examples/sales-order.json"))["response"][0]
path, limit = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
written, n = 0, 0
with open(path, "w") as out:
    while written < limit:
        n += 1
        order["id"] = n
        line = json.dumps(order, separators=(",", ":")) + "\n"
        out.write(line)
        written += len(line)
print(f"{n} orders, {written / 1048576:.0f} MiB", file=sys.stderr)
PY

for records in 1000 all; do
  input="$work/orders.jsonl"
  if [ "$records" != all ]; then head -n "$records" "$work/orders.jsonl" > "$work/small.jsonl"; input="$work/small.jsonl"; fi
  /usr/bin/time -f "$records records: peak RSS %M KiB, %e s" \
    "$bin/maprun" apply "$work/so.mir" --input "$input" > /dev/null 2> "$work/err" || true
  tail -n 2 "$work/err"
done
