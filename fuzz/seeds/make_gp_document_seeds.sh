#!/bin/sh
# Seeds fuzz/corpus/gp_document with documents the standard mappings emit: sales_order.map applied to
# generated orders, the mapping tests' expected documents, and (when the shared fixtures are present)
# the real eConnect samples. Run from the workspace root after `cargo build -p mapc -p maprun -p sandbox`.
set -eu
bin=${CARGO_TARGET_DIR:-target}/debug
corpus=fuzz/corpus/gp_document
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$corpus"
"$bin/mapc" build mappings/sales_order.map -o "$work/sales_order.mir"
"$bin/gen-orders" --count 8 --seed 1 --first-id 1 --out "$work/orders.jsonl"
"$bin/maprun" apply "$work/sales_order.mir" --input "$work/orders.jsonl" --out-dir "$work/documents" 2>/dev/null
cp "$work"/documents/*.xml "$corpus/"
for test in mappings/tests/*/*.xml; do
    cp "$test" "$corpus/$(basename "$(dirname "$test")")_$(basename "$test")"
done
shared=${MAP_SHARED:-../shared}
if [ -d "$shared/fixtures/econnect/samples" ]; then
    for sample in "$shared"/fixtures/econnect/samples/*.xml; do
        cp -f "$sample" "$corpus/" && chmod u+w "$corpus/$(basename "$sample")"
    done
else
    echo "no shared fixtures at $shared: the real eConnect samples are left out"
fi
ls "$corpus" | wc -l
