#!/usr/bin/env bash
# The sandbox demo, by hand: both simulators on loopback, orders fetched from bp-sim the way the sync
# fetches them (one ID-set GET, private-app headers), mapped by the compiled sales_order.map, and each
# eConnect document posted to gp-sim, which checks it as eConnect and GP would and stores it in GP's
# tables. The sync pipeline (`sandbox`, `maprun serve`) will do the same with retries and a ledger.
#
#   sandbox/demo.sh [ORDERS]      ORDERS: how many of bp-sim's seeded orders to sync (default 20, max 200)
set -euo pipefail

orders=${1:-20}
if ! [[ $orders =~ ^[0-9]+$ ]] || ((orders < 1 || orders > 200)); then
    echo "usage: sandbox/demo.sh [ORDERS]   (1 to 200: one ID-set GET)" >&2
    exit 2
fi
for tool in curl cargo; do
    command -v "$tool" >/dev/null || { echo "demo: $tool is needed" >&2; exit 2; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=target/demo
rm -rf "$work" && mkdir -p "$work/documents"

echo "== building mapc, maprun, bp-sim and gp-sim"
cargo build -q -p mapc -p maprun -p sandbox --bins
bin=${CARGO_TARGET_DIR:-target}/debug

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# Starts a simulator on a free port and prints its URL, read from its first line.
start() {
    local name=$1; shift
    local log="$work/$name.log"
    "$bin/$name" --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        if url=$(sed -n "1s/^$name listening on //p" "$log") && [[ -n $url ]]; then
            echo "$url"
            return
        fi
        sleep 0.1
    done
    echo "demo: $name did not start:" >&2
    cat "$log" >&2
    exit 1
}

bp=$(start bp-sim)
gp=$(start gp-sim)
echo "== bp-sim at $bp, gp-sim at $gp"

echo "== GET orders 1-$orders from bp-sim (one ID-set request)"
curl -sS --fail-with-body -D "$work/bp-headers.txt" -o "$work/orders.json" \
    -H 'brightpearl-app-ref: sandbox' -H 'brightpearl-account-token: sandbox-dev-token' \
    "$bp/public-api/sandbox/order-service/order/1-$orders"
grep -i '^brightpearl-requests-remaining' "$work/bp-headers.txt" || true

echo "== mapc build mappings/sales_order.map"
"$bin/mapc" build mappings/sales_order.map -o "$work/sales_order.mir"

echo "== maprun apply: one eConnect document per order"
status=0
"$bin/maprun" apply "$work/sales_order.mir" --input "$work/orders.json" \
    --param freight_nominal_codes=4040 --out-dir "$work/documents" 2>"$work/maprun.log" || status=$?
tail -n 1 "$work/maprun.log"
((status <= 1)) || { cat "$work/maprun.log" >&2; exit 1; }

echo "== POST each document to gp-sim"
accepted=0 refused=0
for doc in "$work"/documents/*.xml; do
    code=$(curl -sS -o "$work/answer.txt" -w '%{http_code}' -X POST \
        -H 'Authorization: Bearer gp-sim-token' -H 'Content-Type: application/xml' \
        --data-binary "@$doc" "$gp/econnect/v1/TWO/documents")
    if [[ $code == 200 ]]; then
        accepted=$((accepted + 1))
    else
        refused=$((refused + 1))
        echo "-- $(basename "$doc"): HTTP $code"
        head -n 2 "$work/answer.txt"
    fi
done
echo "accepted $accepted, refused $refused"

first=$(ls "$work"/documents/*.xml | head -n 1)
number=$(sed -n 's:.*<SOPNUMBE>\([^<]*\)</SOPNUMBE>.*:\1:p' "$first" | head -n 1)
echo "== what GP holds for SOP invoice $number (SOP10100, SOP10200)"
curl -sS -H 'Authorization: Bearer gp-sim-token' \
    "$gp/econnect/v1/TWO/documents/SOPTransactionType?SOPTYPE=3&SOPNUMBE=$number" | head -c 700
echo " ..."
echo "== the same document again: GP refuses the duplicate"
code=$(curl -sS -o "$work/answer.txt" -w '%{http_code}' -X POST -H 'Authorization: Bearer gp-sim-token' \
    --data-binary "@$first" "$gp/econnect/v1/TWO/documents")
echo "HTTP $code"
head -n 2 "$work/answer.txt"
