#!/usr/bin/env python3
"""Do two runs of the sales-order mapping agree on every value?

usage: compare.py A.xml A.err B.xml B.err [--names A,B]

A.xml / B.xml are the <eConnect> documents two programs wrote (maprun apply, the reference mapper) for
the same input; A.err / B.err their stderr (one JSON line per failed record, then the summary).

Every leaf element of every transaction is compared by its path (with positions, e.g.
SOPTransactionType[BP10452]/taSopLineIvcInsert_Items/taSopLineIvcInsert[2]/UNITPRCE) and text; decimal and
integer fields are compared by value (64.95 == 64.950), everything else exactly. The failure lines are
compared too (key, field, class, message), and the summaries. Prints the number of values compared and
the differences (the first 20 of each kind); exits 1 on any difference in a value, in which records fail
(key, field, class) or in the summary. A failure message worded differently is shown but not counted.
"""

import json
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

NUMERIC = {"UNITPRCE", "XTNDPRCE", "QUANTITY", "TAXAMNT", "SUBTOTAL", "FREIGHT", "DOCAMNT", "SOPTYPE", "LNITMSEQ"}


def leaves(path):
    """[(path, tag, text)] for every element without children, in document order."""
    root = ET.parse(path).getroot()
    if root.tag != "eConnect":
        raise SystemExit(f"{path}: the root is <{root.tag}>, not <eConnect>")
    out = []

    def walk(element, prefix):
        if not prefix:
            # Transactions are named by their document number, so that one record failing in one run
            # only does not shift every transaction after it.
            seen = {}
            for child in element:
                number = child.findtext("taSopHdrIvcInsert/SOPNUMBE") or "?"
                seen[number] = seen.get(number, 0) + 1
                here = f"{child.tag}[{number}]" if seen[number] == 1 else f"{child.tag}[{number}#{seen[number]}]"
                if len(child):
                    walk(child, here)
                else:
                    out.append((here, child.tag, child.text or ""))
            return
        counts = {}
        for child in element:
            counts[child.tag] = counts.get(child.tag, 0) + 1
        seen = {}
        for child in element:
            seen[child.tag] = seen.get(child.tag, 0) + 1
            name = child.tag if counts[child.tag] == 1 else f"{child.tag}[{seen[child.tag]}]"
            here = f"{prefix}/{name}" if prefix else name
            if len(child):
                walk(child, here)
            else:
                out.append((here, child.tag, child.text or ""))

    walk(root, "")
    return out


def failures(path):
    rows, summary = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                rows.append(("<not JSON>", line, "", ""))
                continue
            if "summary" in obj:
                summary = obj["summary"]
            else:
                rows.append((obj.get("key"), obj.get("field"), obj.get("class"), obj.get("message")))
    return rows, summary


def same(tag, a, b):
    if a == b:
        return True
    if tag in NUMERIC:
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    return False


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    names = ["A", "B"]
    for a in sys.argv[1:]:
        if a.startswith("--names="):
            names = a.split("=", 1)[1].split(",")
    if len(args) != 4:
        raise SystemExit(__doc__)
    a_xml, a_err, b_xml, b_err = args
    a, b = leaves(a_xml), leaves(b_xml)
    diffs = []
    compared = 0
    a_map = {p: (t, x) for p, t, x in a}
    b_map = {p: (t, x) for p, t, x in b}
    for p, tag, text in a:
        if p not in b_map:
            diffs.append(f"only in {names[0]}: {p} = {text!r}")
            continue
        compared += 1
        if not same(tag, text, b_map[p][1]):
            diffs.append(f"{p}: {names[0]} {text!r} != {names[1]} {b_map[p][1]!r}")
    for p, tag, text in b:
        if p not in a_map:
            diffs.append(f"only in {names[1]}: {p} = {text!r}")
    if [p for p, _, _ in a if p in b_map] != [p for p, _, _ in b if p in a_map]:
        diffs.append("the elements the two share come in a different order")

    fa, sa = failures(a_err)
    fb, sb = failures(b_err)
    fdiffs, mdiffs = [], []
    for i in range(max(len(fa), len(fb))):
        x = fa[i] if i < len(fa) else None
        y = fb[i] if i < len(fb) else None
        if x is None or y is None or x[:3] != y[:3]:
            fdiffs.append(f"failure #{i + 1}: {names[0]} {x} != {names[1]} {y}")
        elif x[3] != y[3]:
            # The same record failing at the same field for the same class: only the wording differs.
            mdiffs.append(f"failure #{i + 1} (key {x[0]}, {x[1]}): {names[0]} {x[3]!r} != {names[1]} {y[3]!r}")
    if sa != sb:
        fdiffs.append(f"summary: {names[0]} {sa} != {names[1]} {sb}")

    transactions = len({p.split("/")[0] for p, _, _ in a})
    print(f"compared {compared} values in {transactions} transactions and {len(fa)} failures: "
          f"{len(diffs)} value differences, {len(fdiffs)} failure differences, "
          f"{len(mdiffs)} failure messages worded differently")
    for d in diffs[:20]:
        print("  " + d)
    for d in fdiffs[:20]:
        print("  " + d)
    for d in mdiffs[:5]:
        print("  (wording) " + d)
    sys.exit(1 if diffs or fdiffs else 0)


if __name__ == "__main__":
    main()
