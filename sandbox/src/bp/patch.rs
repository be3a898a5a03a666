//! JSON Patch (RFC 6902) as Brightpearl applies it: `add` only where nothing is yet (an `add` on a
//! set field is the recorded 500 CMNC-044), `replace` on any field of an existing object (set or
//! not: the recorded replace of `/delivery/deliveryDate` worked on a new order), `remove` only
//! where something is.

use serde_json::Value;

use super::error::{ApiError, ApiResult};

/// Applies `ops` (a JSON array of `{op, path, value}`) to `target`, all or nothing.
pub fn apply(target: &mut Value, ops: &Value) -> ApiResult<()> {
    apply_except(target, ops, &[])
}

/// [`apply`], refusing ops on the fields in `fixed` and below them (ids, rows changed through
/// their own resource, creation stamps).
pub fn apply_except(target: &mut Value, ops: &Value, fixed: &[&str]) -> ApiResult<()> {
    let Some(ops) = ops.as_array() else {
        return Err(ApiError::bad_body("A JSON Patch body is an array of operations"));
    };
    let mut patched = target.clone();
    for op in ops {
        let name = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let invalid =
            || ApiError::new(500, "CMNC-044", format!("Invalid patch operation ({name}) for given path ({path})"));
        if fixed
            .iter()
            .any(|field| path == *field || path.strip_prefix(field).is_some_and(|rest| rest.starts_with('/')))
        {
            return Err(invalid());
        }
        let (parent_path, key) = path.rsplit_once('/').ok_or_else(invalid)?;
        let key = unescape(key);
        let parent = patched.pointer_mut(parent_path).ok_or_else(invalid)?;
        match (name, parent) {
            ("add", Value::Object(map)) if !map.contains_key(&key) => {
                map.insert(key, op.get("value").cloned().ok_or_else(invalid)?);
            }
            ("replace", Value::Object(map)) => {
                map.insert(key, op.get("value").cloned().ok_or_else(invalid)?);
            }
            ("remove", Value::Object(map)) if map.contains_key(&key) => {
                map.remove(&key);
            }
            _ => return Err(invalid()),
        }
    }
    *target = patched;
    Ok(())
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fixed_fields_are_refused() {
        let mut order = json!({"id": 1, "orderRows": {"5": {"x": 1}}, "idea": "a"});
        assert!(apply_except(&mut order, &json!([{"op": "replace", "path": "/id", "value": 2}]), &["/id"]).is_err());
        let rows = json!([{"op": "replace", "path": "/orderRows/5/x", "value": 2}]);
        assert!(apply_except(&mut order, &rows, &["/orderRows"]).is_err());
        apply_except(&mut order, &json!([{"op": "replace", "path": "/idea", "value": "b"}]), &["/id"]).unwrap();
        assert_eq!(order["idea"], "b", "a field that merely starts with a fixed name is not fixed");
    }

    #[test]
    fn replace_add_remove() {
        let mut order = json!({"reference": "a", "delivery": {"deliveryDate": "x"}});
        let ops = json!([{"op": "replace", "path": "/reference", "value": "#XYZ"}, {"op": "add", "path": "/note", "value": 1}]);
        apply(&mut order, &ops).unwrap();
        assert_eq!(order, json!({"reference": "#XYZ", "delivery": {"deliveryDate": "x"}, "note": 1}));
        apply(&mut order, &json!([{"op": "remove", "path": "/note"}])).unwrap();
        assert!(order.get("note").is_none());
    }

    #[test]
    fn add_on_an_existing_field_is_the_recorded_500_and_changes_nothing() {
        let mut order = json!({"reference": "a"});
        let ops = json!([{"op": "replace", "path": "/reference", "value": "b"}, {"op": "add", "path": "/reference", "value": "c"}]);
        let error = apply(&mut order, &ops).unwrap_err();
        assert_eq!(error.status, 500);
        assert_eq!(
            error.body(),
            json!({"errors": [{"code": "CMNC-044", "message": "Invalid patch operation (add) for given path (/reference)"}]})
        );
        assert_eq!(order, json!({"reference": "a"}));
        assert!(apply(&mut order, &json!({"op": "add"})).is_err());
        assert!(apply(&mut order, &json!([{"op": "replace", "path": "/missing/deep", "value": 1}])).is_err());
        assert!(apply(&mut order, &json!([{"op": "remove", "path": "/missing"}])).is_err());
        apply(&mut order, &json!([{"op": "replace", "path": "/unset", "value": 1}])).unwrap();
        assert_eq!(order["unset"], 1, "replace sets a field not yet set");
    }
}
