//! The order generator: determinism, schema validity, the promised variety, exact money.

use std::collections::BTreeSet;
use std::process::Command;

use mapc::schema::parse::parse_type_expr;
use mapc::schema::validate::validate;
use mapc::schema::Registry;
use sandbox::generate::{generate_orders, write_json_lines, OrderGenerator, FREE_TEXT_PRODUCT_ID};
use serde_json::Value;

/// A decimal string with exactly `places` decimals, as an integer scaled by `10^places`. Panics on
/// anything else: the scale of each field is part of the wire format.
fn scaled(v: &Value, places: usize) -> i128 {
    let s = v.as_str().unwrap_or_else(|| panic!("{v} is not a string"));
    let (int, frac) = s.split_once('.').unwrap_or_else(|| panic!("{s:?} has no decimal point"));
    assert_eq!(frac.len(), places, "{s:?} should have {places} places");
    assert!(!int.is_empty() && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()), "{s:?} is not a plain non-negative decimal");
    (int.to_string() + frac).parse().unwrap()
}

/// `n / d` rounded half away from zero, for non-negative `n`.
fn round_div(n: i128, d: i128) -> i128 {
    assert!(n >= 0 && d > 0);
    (2 * n + d) / (2 * d)
}

fn rows(order: &Value) -> &serde_json::Map<String, Value> {
    order["orderRows"].as_object().unwrap()
}

/// Every string in a value, keys included.
fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k);
                strings(v, out);
            }
        }
        _ => {}
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let a: Vec<String> = generate_orders(42, 300).iter().map(|o| serde_json::to_string(o).unwrap()).collect();
    let b: Vec<String> = generate_orders(42, 300).iter().map(|o| serde_json::to_string(o).unwrap()).collect();
    assert_eq!(a, b);
    // Any order on its own equals the same order in a stream.
    let g = OrderGenerator::new(42);
    assert_eq!(serde_json::to_string(&g.order(137)).unwrap(), a[137]);
    assert_eq!(serde_json::to_string(&g.order_by_id(g.first_id() + 137).unwrap()).unwrap(), a[137]);
    assert!(g.order_by_id(g.first_id() - 1).is_none());
    // The direct writer gives exactly the bytes of the Value.
    let mut lines = Vec::new();
    write_json_lines(&g, 300, &mut lines).unwrap();
    let lines = String::from_utf8(lines).unwrap();
    assert_eq!(lines, a.iter().map(|l| format!("{l}\n")).collect::<String>());
    // First ids shift ids only.
    let shifted = OrderGenerator::new(42).with_first_id(7).order(137);
    assert_eq!(shifted["id"], 144);
    assert_eq!(shifted["orderRows"], g.order(137)["orderRows"]);
}

#[test]
fn different_seeds_give_different_orders() {
    let a = generate_orders(1, 50);
    let b = generate_orders(2, 50);
    let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert_eq!(differing, 50, "every order should differ between seeds");
    // Nor does a stream repeat itself.
    let distinct: BTreeSet<String> = a.iter().map(|o| serde_json::to_string(&o["orderRows"]).unwrap()).collect();
    assert_eq!(distinct.len(), 50);
}

#[test]
fn every_order_is_a_valid_brightpearl_order() {
    let registry = Registry::embedded();
    let ty = parse_type_expr("brightpearl.Order", "brightpearl", None).unwrap();
    let mut checked = 0;
    for seed in [0, 1, 7, 42, u64::MAX] {
        for order in generate_orders(seed, 100) {
            let violations = validate(&registry, &ty, &order).unwrap();
            assert!(violations.is_empty(), "seed {seed}, order {}: {violations:?}", order["id"]);
            checked += 1;
        }
    }
    assert_eq!(checked, 500);
}

#[test]
fn shaped_like_the_real_samples() {
    // The key order of our example (written from the real samples), which holds every top-level
    // key a real sales order has.
    let example: Value = serde_json::from_str(include_str!("../../docs/examples/sales-order.json")).unwrap();
    let example = &example["response"][0];
    let reference: Vec<&str> = {
        let mut keys: Vec<&str> = example.as_object().unwrap().keys().map(String::as_str).collect();
        // Present on invoiced or updated orders, absent from this example: placed where the real ones have them.
        keys.insert(keys.iter().position(|k| *k == "createdById").unwrap(), "closedOn");
        keys.insert(keys.iter().position(|k| *k == "orderWeighting").unwrap(), "isDropship");
        keys.insert(keys.iter().position(|k| *k == "orderWeighting").unwrap(), "originalInvoiceDate");
        keys
    };
    let mut seen_keys = BTreeSet::new();
    for order in generate_orders(3, 1000) {
        let keys: Vec<&str> = order.as_object().unwrap().keys().map(String::as_str).collect();
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| reference.iter().position(|r| r == k).unwrap_or_else(|| panic!("unexpected key {k}")))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "keys out of Brightpearl's order: {keys:?}");
        seen_keys.extend(keys.iter().map(|k| k.to_string()));
        assert_eq!(order["orderTypeCode"], "SO");
        let parties = order["parties"].as_object().unwrap();
        assert_eq!(parties.keys().collect::<Vec<_>>(), ["customer", "delivery", "billing"]);
        assert!(parties["customer"]["contactId"].is_i64());
        assert_eq!(parties["billing"]["contactId"], parties["customer"]["contactId"]);
        assert!(parties["delivery"].get("contactId").is_none(), "the delivery party carries no contactId");
        for row in rows(&order).values() {
            let row_keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
            let example_row = example["orderRows"].as_object().unwrap().values().next().unwrap();
            let mut expected: Vec<&str> = example_row.as_object().unwrap().keys().map(String::as_str).collect();
            if row.get("productSku").is_none() {
                expected.retain(|k| *k != "productSku");
                assert_eq!(row["productId"], FREE_TEXT_PRODUCT_ID, "only free-text rows lack a SKU");
            }
            assert_eq!(row_keys, expected);
        }
    }
    for key in reference {
        assert!(seen_keys.contains(key), "no order has `{key}`");
    }
}

/// Matches the real fixture too, when the shared fixtures are there.
#[test]
fn top_level_keys_of_a_real_sales_order_all_occur() {
    let Some(shared) = mapc::shared::shared_or_skip("top_level_keys_of_a_real_sales_order_all_occur") else { return };
    let text = std::fs::read_to_string(shared.join("fixtures/brightpearl/order_get_so_invoiced.json")).unwrap();
    let real: Value = serde_json::from_str(&text).unwrap();
    let real = &real["response"][0];
    let generated = generate_orders(5, 300);
    for key in real.as_object().unwrap().keys() {
        assert!(generated.iter().any(|o| o.get(key).is_some()), "no generated order has `{key}`");
    }
    for party in ["customer", "delivery", "billing"] {
        for key in real["parties"][party].as_object().unwrap().keys() {
            assert!(generated.iter().any(|o| o["parties"][party].get(key).is_some()), "no {party} party has `{key}`");
        }
    }
}

#[test]
fn the_promised_variety_over_a_thousand_orders() {
    for seed in [1, 2024] {
        let orders = generate_orders(seed, 1000);
        let mut modes = BTreeSet::new();
        let mut row_counts = BTreeSet::new();
        let mut currencies = BTreeSet::new();
        let mut offsets = BTreeSet::new();
        let (mut shorter_key_first, mut keys_out_of_order, mut updated_absent, mut updated_present) = (false, false, false, false);
        let (mut sku_absent, mut sku_at_30, mut shipping_rows, mut no_country) = (false, false, false, false);
        let mut texts: Vec<String> = Vec::new();
        let (mut long_company, mut long_line, mut long_product, mut long_postal) = (false, false, false, false);
        for order in &orders {
            modes.insert(order["priceModeCode"].as_str().unwrap().to_string());
            currencies.insert(order["currency"]["orderCurrencyCode"].as_str().unwrap().to_string());
            let placed = order["placedOn"].as_str().unwrap();
            offsets.insert(if placed.ends_with('Z') { "Z".to_string() } else { placed[placed.len() - 6..].to_string() });
            let keys: Vec<u64> = rows(order).keys().map(|k| k.parse().unwrap()).collect();
            row_counts.insert(keys.len());
            for (i, a) in keys.iter().enumerate() {
                for b in &keys[i + 1..] {
                    shorter_key_first |= a.to_string().len() < b.to_string().len();
                    keys_out_of_order |= a > b;
                }
            }
            match order.get("updatedOn") {
                Some(_) => updated_present = true,
                None => updated_absent = true,
            }
            for party in order["parties"].as_object().unwrap().values() {
                long_company |= chars(party["companyName"].as_str().unwrap()) > 64;
                for line in ["addressLine1", "addressLine2", "addressLine3", "addressLine4"] {
                    long_line |= chars(party[line].as_str().unwrap()) > 60;
                }
                long_postal |= chars(party["postalCode"].as_str().unwrap()) > 10;
                no_country |= party["countryId"] == 0 && party.get("country").is_none();
            }
            for row in rows(order).values() {
                long_product |= chars(row["productName"].as_str().unwrap()) > 100;
                match row.get("productSku") {
                    Some(sku) => {
                        let n = chars(sku.as_str().unwrap());
                        assert!(n <= 30, "SKU {sku} is longer than GP's 30 characters");
                        sku_at_30 |= n == 30;
                    }
                    None => sku_absent = true,
                }
                shipping_rows |= row["nominalCode"] == "4040";
                assert!(row["nominalCode"] == "4000" || row["nominalCode"] == "4040");
            }
            let mut all = Vec::new();
            strings(order, &mut all);
            texts.extend(all.into_iter().map(str::to_string));
        }
        assert_eq!(modes, BTreeSet::from(["EXC".to_string(), "INC".to_string()]));
        assert_eq!(row_counts, (1..=6).collect());
        assert_eq!(currencies, BTreeSet::from(["EUR".into(), "GBP".into(), "USD".into()]));
        for offset in ["-06:00", "+01:00", "Z", "-05:00", "+05:30"] {
            assert!(offsets.contains(offset), "seed {seed}: no date at {offset} in {offsets:?}");
        }
        assert!(shorter_key_first, "seed {seed}: no row id shorter than one after it");
        assert!(keys_out_of_order, "seed {seed}: row keys always in numeric order");
        assert!(updated_absent && updated_present, "seed {seed}: updatedOn always or never there");
        assert!(sku_absent && sku_at_30 && shipping_rows && no_country, "seed {seed}");
        assert!(long_company && long_line && long_product && long_postal, "seed {seed}: over-long values");
        for special in ["&", "<", ">", "\"", "'", "é", "ß", "Ø", "東京"] {
            assert!(texts.iter().any(|t| t.contains(special)), "seed {seed}: no text with {special}");
        }
        assert!(texts.iter().any(|t| t.chars().any(|c| c as u32 > 0xFFFF)), "seed {seed}: no astral character");
        assert!(texts.iter().any(|t| t.contains('🚚')), "seed {seed}: no 🚚");
        // Row ids of different lengths, as in `"7"`, `"42"`, `"1203"`.
        let lengths: BTreeSet<usize> = orders.iter().flat_map(|o| rows(o).keys().map(String::len)).collect();
        assert!((1..=4).all(|n| lengths.contains(&n)), "seed {seed}: row id lengths {lengths:?}");
    }
}

#[test]
fn money_is_exact_and_consistent() {
    let mut rows_checked = 0;
    for seed in [1, 99, 12345] {
        for order in generate_orders(seed, 1000) {
            let inclusive = match order["priceModeCode"].as_str().unwrap() {
                "INC" => true,
                "EXC" => false,
                other => panic!("price mode {other}"),
            };
            let currency = &order["currency"];
            let rate = scaled(&currency["exchangeRate"], 6);
            assert!(rate > 0);
            if currency["accountingCurrencyCode"] == currency["orderCurrencyCode"] {
                assert_eq!(rate, 1_000_000);
            }
            let (mut net_sum, mut tax_sum) = (0i128, 0i128);
            for row in rows(&order).values() {
                for amount in [&row["itemCost"], &row["productPrice"], &row["rowValue"]["rowNet"], &row["rowValue"]["rowTax"]] {
                    assert_eq!(amount["currencyCode"], currency["orderCurrencyCode"]);
                }
                let price = scaled(&row["productPrice"]["value"], 4);
                let quantity = scaled(&row["quantity"]["magnitude"], 4);
                let discount = scaled(&row["discountPercentage"], 2);
                let rate = scaled(&row["rowValue"]["taxRate"], 4);
                let net = scaled(&row["rowValue"]["rowNet"]["value"], 4);
                let tax = scaled(&row["rowValue"]["rowTax"]["value"], 2);
                scaled(&row["itemCost"]["value"], 4);
                assert!(discount < 10_000);
                // gross, 12 places = price (4) × quantity (4) × (100% − discount) (4)
                let gross = price * quantity * (10_000 - discount);
                let expected_net = if inclusive {
                    // The price includes the tax: the net is gross / (1 + rate).
                    round_div(gross, 100 * (1_000_000 + rate))
                } else {
                    round_div(gross, 100_000_000)
                };
                assert_eq!(net, expected_net, "order {} row net", order["id"]);
                if discount == 0 && !inclusive {
                    assert_eq!(net, round_div(price * quantity, 10_000), "rowNet = price × quantity");
                }
                assert_eq!(tax, round_div(net * rate, 100_000_000), "order {} row tax", order["id"]);
                net_sum += net;
                tax_sum += tax;
                rows_checked += 1;
            }
            let totals = &order["totalValue"];
            let net = scaled(&totals["net"], 2);
            let tax = scaled(&totals["taxAmount"], 2);
            assert_eq!(net, round_div(net_sum, 100), "order {}: net is the row nets' sum to 2 places", order["id"]);
            assert_eq!(tax, tax_sum, "order {}: tax is the sum of row taxes", order["id"]);
            assert_eq!(scaled(&totals["total"], 2), net + tax);
            let base_net = scaled(&totals["baseNet"], 2);
            let base_tax = scaled(&totals["baseTaxAmount"], 2);
            assert_eq!(base_net, round_div(net * 1_000_000, rate), "order {}: baseNet = net / rate", order["id"]);
            assert_eq!(base_tax, round_div(tax * 1_000_000, rate));
            assert_eq!(scaled(&totals["baseTotal"], 2), base_net + base_tax);
            if order["orderPaymentStatus"] == "NOT_APPLICABLE" {
                assert_eq!(net + tax, 0, "only an order of nothing needs no payment");
            }
        }
    }
    assert!(rows_checked > 5_000);
}

#[test]
fn dates_are_consistent() {
    for order in generate_orders(11, 1000) {
        let offset = |field: &Value| {
            let s = field.as_str().unwrap();
            if s.ends_with('Z') { "Z".to_string() } else { s[s.len() - 6..].to_string() }
        };
        let placed = offset(&order["placedOn"]);
        for field in [&order["createdOn"], &order["updatedOn"], &order["closedOn"], &order["delivery"]["deliveryDate"], &order["invoices"][0]["taxDate"]] {
            if !field.is_null() {
                assert_eq!(offset(field), placed, "one order, one account offset");
            }
        }
        let version = order["version"].as_i64().unwrap();
        assert_eq!(order.get("updatedOn").is_some(), version > 1, "updatedOn is absent until the order is first updated");
        let invoiced = order["orderStatus"]["name"] == "Invoiced";
        assert_eq!(order["state"]["tax"], if invoiced { "INVOICED" } else { "READY" });
        let reference = order["invoices"][0]["invoiceReference"].as_str().unwrap();
        assert_eq!(reference.starts_with("SI-"), invoiced);
        assert_eq!(reference.is_empty(), !invoiced);
        assert_eq!(order.get("originalInvoiceDate").is_some(), invoiced);
        // Same offset, so the text orders like the instants.
        if let (Some(created), Some(updated)) = (order["createdOn"].as_str(), order["updatedOn"].as_str()) {
            assert!(updated > created, "{updated} before {created}");
        }
    }
}

#[test]
fn gen_orders_writes_json_lines() {
    let dir = std::env::temp_dir().join(format!("gen-orders-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let one = dir.join("one.jsonl");
    let three = dir.join("three.jsonl");
    let run = |jobs: &str, out: &std::path::Path| {
        let status = Command::new(env!("CARGO_BIN_EXE_gen-orders"))
            .args(["--count", "5000", "--seed", "9", "--jobs", jobs, "--out"])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success());
    };
    run("1", &one);
    run("3", &three);
    let bytes = std::fs::read(&one).unwrap();
    assert_eq!(bytes, std::fs::read(&three).unwrap(), "--jobs changes nothing in the output");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5000);
    let g = OrderGenerator::new(9);
    for i in [0usize, 1, 2047, 2048, 4999] {
        assert_eq!(lines[i], serde_json::to_string(&g.order(i as u64)).unwrap());
    }
    // Standard output, when there is no --out.
    let out = Command::new(env!("CARGO_BIN_EXE_gen-orders")).args(["--count", "3", "--seed", "9"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), lines[..3].iter().map(|l| format!("{l}\n")).collect::<String>());
    std::fs::remove_dir_all(&dir).unwrap();
}
