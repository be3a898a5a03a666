#!/usr/bin/env python3
"""Hostile sales orders for the agreement check: JSON lines on stdout.

usage: edge_orders.py COUNT [SEED]

Each order starts from docs/examples/sales-order.json and draws its variations from a seeded PRNG:
ids and contact ids up to and past their key lengths (SOPNUMBE 21, CUSTNMBR 15), row ids of different
lengths in shuffled order, rows without a SKU, SKUs at and past 30 characters or with characters
Windows-1252 lacks, texts with & < > " ', accents, CJK, emoji, tabs and control characters, texts longer
than their fields (multi-byte characters at the cut), quantities of 0, negative and half-way amounts
(round(net / quantity, 5) away from zero), more than 5 places, offsets from -12:00 to +14:00 near
midnight, empty company names, absent countries, no rows, not a sales order, no customer, null and
missing and mistyped fields, escaped JSON strings, unknown fields, keys in any order, and the same key
twice. Only inputs on which the language reference leaves no choice: both programs must agree on all.
"""

import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = json.load(open(os.path.join(HERE, "..", "docs", "examples", "sales-order.json")))["response"][0]

TEXTS = [
    "Plain text",
    "",
    "A & B <c> \"d\" 'e'",
    "Zoë O'Brien-Łukasiewicz",
    "Smith & <Sons> 東京 Straße – Grüße",
    "Café € ‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ",
    "emoji 😀 and ☃",
    "tab\there",
    "line\nbreak",
    "carriage\rreturn",
    "nbsp\u00a0and soft\u00adhyphen",
    "combining e\u0301 and a\u0308",
    "x" * 63 + "é" + "y" * 5,
    "é" * 70,
    "東" * 40,
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
    "  leading and trailing  ",
    "]]> and &amp; literally",
]
BAD_TEXTS = ["bell\u0007", "nul\u0000", "del\u007f", "c1\u0085", "esc\u001b"]
SKUS = ["BOOT-TRL-10", "A&B<1>\"'é-MUG", "S" * 30, "Ž-ŠKU", "sku with space", "ÿ"]
BAD_SKUS = ["S" * 31, "SKU-Ł", "SKU-東", "bell\u0007", "é" * 31]
QUANTITIES = ["1.0000", "2.0000", "3.0000", "0.0000", "-1.0000", "0.3333", "7", "2.5", "1000000.0000", "20.0000", "8.0000", "0.0001"]
NETS = ["64.9500", "15.0000", "0.0000", "-12.5000", "10.0000", "0.0001", "-0.0001", "1.00001", "99999999.9999", "0.5", "-0.0000", "33.3333"]
TAXES = ["5.36", "0.00", "-1.03", "0.61", "1.2", "12", "0.005"]
OFFSETS = ["Z", "+00:00", "-08:00", "+05:30", "+14:00", "-12:00", "+01:00", "-03:30"]


def pick(rng, items):
    return items[rng.randrange(len(items))]


def placed_on(rng):
    y, m = rng.choice([2019, 2020, 2024, 2026]), rng.randint(1, 12)
    d = rng.randint(1, 28) if rng.random() < 0.8 else {2: 29 if y % 4 == 0 else 28}.get(m, 30)
    hh = rng.choice([0, 0, 23, 23, 12, rng.randint(0, 23)])
    frac = rng.choice(["", ".000", ".5", ".123456"])
    return f"{y:04}-{m:02}-{d:02}T{hh:02}:{rng.choice([0, 59, 30]):02}:{rng.choice([0, 59, 7]):02}{frac}{pick(rng, OFFSETS)}"


def order(rng, n):
    o = json.loads(json.dumps(BASE))
    o["id"] = rng.choice([n, 10**6 + n, rng.randint(1, 10**12), 10**18 + n, 9223372036854775807 - n])
    if rng.random() < 0.01:
        o["id"] = -(10**18) - n  # SOPNUMBE of 22 characters: fails
    o["placedOn"] = placed_on(rng)
    o["currency"]["orderCurrencyCode"] = rng.choice(["USD", "GBP", "EUR", "JPY", "us$"])
    o["assignment"]["current"]["channelId"] = rng.randint(0, 9)
    cust, dlv = o["parties"]["customer"], o["parties"]["delivery"]
    cust["contactId"] = rng.choice([rng.randint(1, 99999), 10**13 + n, 99999999999999])
    if rng.random() < 0.02:
        cust["contactId"] = 10**14 + n  # CUSTNMBR of 16 characters: fails
    cust["companyName"] = pick(rng, TEXTS) if rng.random() < 0.7 else ""
    cust["addressFullName"] = pick(rng, TEXTS)
    for f in ["addressFullName", "addressLine1", "addressLine2", "addressLine3", "addressLine4", "postalCode", "country"]:
        if rng.random() < 0.5:
            dlv[f] = pick(rng, TEXTS)
    if rng.random() < 0.15:
        del dlv["country"]
    rows = {}
    for _ in range(rng.choice([0, 1, 1, 2, 3, 3, 4, 6, 9])):
        row_id = rng.choice([rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 99999), rng.randint(10**6, 10**12)])
        row = json.loads(json.dumps(BASE["orderRows"]["3117"]))
        if rng.random() < 0.2:
            del row["productSku"]
        else:
            row["productSku"] = pick(rng, SKUS)
        row["productName"] = pick(rng, TEXTS) + " " + pick(rng, TEXTS) * rng.choice([1, 1, 3, 10])
        row["quantity"]["magnitude"] = pick(rng, QUANTITIES)
        row["rowValue"]["rowNet"]["value"] = pick(rng, NETS)
        row["rowValue"]["rowTax"]["value"] = pick(rng, TAXES)
        row["rowValue"]["taxCode"] = rng.choice(["T", "E", ""])
        row["nominalCode"] = rng.choice(["4000", "4040", "4050"])
        rows[str(row_id)] = row
    keys = list(rows)
    rng.shuffle(keys)
    o["orderRows"] = {k: rows[k] for k in keys}

    # Now and then, something that fails the record (the same way in both programs).
    r = rng.random()
    if r < 0.01:
        o["orderTypeCode"] = "SC"
    elif r < 0.02:
        del o["parties"]["customer"]
    elif r < 0.025:
        o["parties"]["customer"] = None
    elif r < 0.03 and rows:
        rows[keys[0]]["productSku"] = pick(rng, BAD_SKUS)
    elif r < 0.035 and rows:
        rows[keys[0]]["productName"] = pick(rng, BAD_TEXTS)
    elif r < 0.04:
        dlv["addressLine1"] = pick(rng, BAD_TEXTS)
    elif r < 0.045 and rows:
        rows[keys[-1]]["quantity"]["magnitude"] = "1.123456"
    elif r < 0.05 and rows:
        del rows[keys[-1]]["rowValue"]["taxCode"]
    elif r < 0.055 and rows:
        rows[keys[0]]["productSku"] = None
    elif r < 0.06:
        o["placedOn"] = "2020-02-30T10:00:00Z"
    elif r < 0.065:
        o["placedOn"] = "2020-03-31T15:02:44"
    elif r < 0.07 and rows:
        rows[keys[0]]["rowValue"]["rowNet"]["value"] = 12.5
    elif r < 0.075:
        cust["contactId"] = "4102"
    elif r < 0.08:
        o["id"] = "10452"
    elif r < 0.085:
        del o["assignment"]
    elif r < 0.09 and rows:
        rows[keys[0]]["quantity"] = ["1.0000"]
    elif r < 0.095:
        dlv["country"] = None
    elif r < 0.1:
        o["orderRows"]["x1"] = {}
    elif r < 0.105 and rows:
        o["orderRows"][keys[0]] = None
    elif r < 0.11:
        o["placedOn"] = 20200101
    if rng.random() < 0.1:
        o["someUnknownField"] = {"nested": [1, 2, {"x": "y"}], "n": 1e400 if False else 1.5}
    items = list(o.items())
    if rng.random() < 0.2:
        rng.shuffle(items)
    text = json.dumps(dict(items), ensure_ascii=rng.random() < 0.3, separators=(",", ":"))
    if rng.random() < 0.02:
        text = text[:-1] + ',"orderTypeCode":"SO"}'  # the same key twice: the last one counts
    if rng.random() < 0.02:
        text = text.replace('"/', '"\\/', 1)
    return text


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    out = sys.stdout
    for n in range(1, count + 1):
        out.write(order(rng, n) + "\n")
        if rng.random() < 0.01:
            out.write("\n")  # blank lines are skipped
    out.write("{\"id\": 1, \"orderTypeCode\": \"SO\",\n")  # malformed: fails its line
    out.write("not json at all\n")
    out.write("{\"response\": [" + order(rng, count + 1) + "," + order(rng, count + 2) + "]}\n")  # an envelope
    out.flush()
    sys.stdout.buffer.write(b"{\"id\": \"\xff\"}\n")  # not UTF-8: fails its line


if __name__ == "__main__":
    main()
