#!/usr/bin/env python3
"""How far jq's projection (bench/sales_order.jq) is from the mapping's exact values.

usage: compare_jq.py REFERENCE.xml JQ.jsonl

Matches each transaction of the reference mapper's eConnect document with jq's object for the same
order (by SOPNUMBE) and counts the values that differ: money summed in binary floating point
(51.74 -> 51.739999999999995), characters outside Windows-1252 kept instead of written as `?`, and
records the mapping fails (an over-long key) that jq writes anyway. Informational: always exits 0.
"""

import json
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation


def main():
    ref_xml, jq_lines = sys.argv[1:3]
    jq = {}
    for line in open(jq_lines, encoding="utf-8"):
        obj = json.loads(line)
        jq[obj["taSopHdrIvcInsert"]["SOPNUMBE"]] = obj
    total = differ = 0
    kinds = {}
    for t in ET.parse(ref_xml).getroot():
        header = t.find("taSopHdrIvcInsert")
        obj = jq.get(header.findtext("SOPNUMBE"))
        if obj is None:
            continue
        lines = t.findall("taSopLineIvcInsert_Items/taSopLineIvcInsert")
        for element, values in list(zip(lines, obj["taSopLineIvcInsert"])) + [(header, obj["taSopHdrIvcInsert"])]:
            for child in element:
                total += 1
                mine, theirs = child.text or "", values.get(child.tag)
                theirs = theirs if isinstance(theirs, str) else json.dumps(theirs)
                same = mine == theirs
                if not same:
                    try:
                        same = Decimal(mine) == Decimal(theirs)
                    except InvalidOperation:
                        pass
                if not same:
                    differ += 1
                    kinds.setdefault(child.tag, (mine, theirs))
    print(f"jq's projection differs from the exact values in {differ} of {total} values"
          + (": " + ", ".join(f"{tag} {a!r} vs {b!r}" for tag, (a, b) in list(kinds.items())[:3]) if kinds else ""))


if __name__ == "__main__":
    main()
