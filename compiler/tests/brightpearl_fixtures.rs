//! Every real Brightpearl sample in the shared fixtures is accepted by the schema of its resource, and
//! the schemas are not permissive: wrong shapes are rejected with a message naming the path.
//!
//! Which schema each fixture file answers to is listed in `tests/brightpearl-fixtures/*.yaml`; a fixture
//! that no manifest names fails the test, so a new sample is never silently left unchecked.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use mapc::schema::parse::parse_type_expr;
use mapc::schema::validate::{validate, Violation};
use mapc::schema::Registry;
use mapc::shared::shared_or_skip;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(rename = "type")]
    ty: Option<String>,
    #[serde(default)]
    envelope: bool,
    skip: Option<String>,
}

fn manifest() -> BTreeMap<String, Entry> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/brightpearl-fixtures");
    let mut all = BTreeMap::new();
    for file in fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let entries: BTreeMap<String, Entry> = serde_norway::from_str(&fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (fixture, entry) in entries {
            assert!(entry.ty.is_some() != entry.skip.is_some(), "{fixture}: give either `type` or `skip`");
            assert!(all.insert(fixture.clone(), entry).is_none(), "{fixture} is listed twice");
        }
    }
    all
}

fn check(registry: &Registry, ty: &str, value: &Value) -> Vec<Violation> {
    let ty = parse_type_expr(ty, "brightpearl", None).unwrap_or_else(|e| panic!("type `{ty}`: {e}"));
    validate(registry, &ty, value).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_real_fixture_is_accepted_by_its_schema() {
    let Some(shared) = shared_or_skip("Brightpearl fixtures against their schemas") else { return };
    let registry = Registry::embedded();
    let manifest = manifest();
    let folder = shared.join("fixtures/brightpearl");
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in fs::read_dir(&folder).unwrap() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let Some(entry) = manifest.get(&name) else {
            problems.push(format!("{name}: not in any manifest under tests/brightpearl-fixtures/"));
            continue;
        };
        let Some(ty) = &entry.ty else { continue };
        let text = fs::read_to_string(folder.join(&name)).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let body = if entry.envelope {
            match value.get("response") {
                Some(body) => body,
                None => {
                    problems.push(format!("{name}: no `response` in the envelope"));
                    continue;
                }
            }
        } else {
            &value
        };
        problems.extend(check(&registry, ty, body).into_iter().map(|v| format!("{name} as {ty}: {v}")));
        checked += 1;
    }
    for listed in manifest.keys() {
        if !folder.join(listed).exists() {
            problems.push(format!("{listed}: listed in a manifest but not among the fixtures"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 80, "only {checked} fixtures were checked");
}

fn real_order(shared: &Path) -> Value {
    let text = fs::read_to_string(shared.join("fixtures/brightpearl/order_get_so_invoiced.json")).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value["response"][0].clone()
}

/// Validates a changed copy of a real order and returns the violations.
fn order_violations(shared: &Path, change: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut order = real_order(shared);
    change(&mut order);
    check(&Registry::embedded(), "brightpearl.Order", &order).iter().map(|v| v.to_string()).collect()
}

#[test]
fn the_order_schema_is_not_permissive() {
    let Some(shared) = shared_or_skip("negative tests on a real order") else { return };
    assert!(order_violations(&shared, |_| {}).is_empty(), "the unchanged order is valid");

    let rows_as_array = order_violations(&shared, |order| {
        let rows: Vec<Value> = order["orderRows"].as_object().unwrap().values().cloned().collect();
        order["orderRows"] = Value::Array(rows);
    });
    assert_eq!(rows_as_array, ["$.orderRows: expected an object keyed by ids, found an array"]);

    let missing_id = order_violations(&shared, |order| {
        order.as_object_mut().unwrap().remove("id");
    });
    assert_eq!(missing_id, ["$.id: required field is missing"]);

    let net_as_number = order_violations(&shared, |order| order["totalValue"]["net"] = json!(9.09));
    assert_eq!(net_as_number, ["$.totalValue.net: expected decimal_text, found number 9.09"]);

    let id_as_text = order_violations(&shared, |order| order["id"] = json!("1"));
    assert_eq!(id_as_text, ["$.id: expected int64, found string \"1\""]);

    let bad_magnitude = order_violations(&shared, |order| {
        let row = order["orderRows"].as_object_mut().unwrap().values_mut().next().unwrap();
        row["quantity"]["magnitude"] = json!("one");
    });
    assert_eq!(bad_magnitude.len(), 1);
    assert!(bad_magnitude[0].contains(".quantity.magnitude: \"one\" is not a decimal"), "{bad_magnitude:?}");

    let unknown_type = order_violations(&shared, |order| order["orderTypeCode"] = json!("XX"));
    assert_eq!(unknown_type.len(), 1);
    assert!(unknown_type[0].starts_with("$.orderTypeCode: \"XX\" is not one of"), "{unknown_type:?}");

    let extra = order_violations(&shared, |order| order["placedOnn"] = json!("x"));
    assert_eq!(extra, ["$: unknown field `placedOnn` in Order (did you mean `placedOn`?)"]);

    let null_date = order_violations(&shared, |order| order["placedOn"] = Value::Null);
    assert_eq!(null_date, ["$.placedOn: is null; this field is absent rather than null"]);

    let row_key = order_violations(&shared, |order| {
        let rows = order["orderRows"].as_object_mut().unwrap();
        let (_, row) = rows.iter().next().map(|(k, v)| (k.clone(), v.clone())).unwrap();
        rows.insert("row-a".into(), row);
    });
    assert_eq!(row_key, ["$.orderRows: key \"row-a\" is not an id; this object is keyed by ids"]);
}

#[test]
fn the_contact_schema_is_not_permissive() {
    let Some(shared) = shared_or_skip("negative tests on a real contact") else { return };
    let text = fs::read_to_string(shared.join("fixtures/brightpearl/contact_get.json")).unwrap();
    let contact = serde_json::from_str::<Value>(&text).unwrap()["response"][0].clone();
    let registry = Registry::embedded();
    assert!(check(&registry, "brightpearl.Contact", &contact).is_empty());

    let mut without_id = contact.clone();
    without_id.as_object_mut().unwrap().remove("contactId");
    let violations: Vec<String> = check(&registry, "brightpearl.Contact", &without_id).iter().map(|v| v.to_string()).collect();
    assert_eq!(violations, ["$.contactId: required field is missing"]);

    // The pipeline adds addresses keyed by id; a bare contact stays valid, a malformed one does not.
    let mut with_addresses = contact.clone();
    with_addresses["postalAddresses"] = json!({"12": {"addressId": "twelve"}});
    let violations = check(&registry, "brightpearl.Contact", &with_addresses);
    assert!(violations.iter().any(|v| v.path.starts_with("$.postalAddresses.12")), "{violations:?}");
}
