//! Params and lookups for a run: typed, checked against their declarations, and complete before the
//! first record is read (a missing required param or lookup is a load error, not a mid-run failure).

use std::collections::HashMap;
use std::sync::Arc;

use crate::exec::{const_value, Env};
use crate::ir::{BaseType, Const, DeclaredType, Program};
use crate::value::{parse_decimal, Date, DateTime, Value};

/// Where a lookup's entries come from: a file named on the command line, or text in hand (a test case).
#[derive(Debug, Clone)]
pub enum LookupSource {
    File(String),
    Text(String),
}

impl std::fmt::Display for LookupSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LookupSource::File(path) => f.write_str(path),
            LookupSource::Text(_) => f.write_str("the given entries"),
        }
    }
}

/// Builds the environment from `--param NAME=VALUE` and `--lookup NAME=FILE` arguments.
pub fn build<'p>(program: &'p Program, params: &[(String, String)], lookups: &[(String, LookupSource)]) -> Result<Env<'p>, String> {
    for (name, _) in params {
        if !program.params.iter().any(|p| &p.name == name) {
            let known: Vec<&str> = program.params.iter().map(|p| p.name.as_str()).collect();
            return Err(format!("mapping `{}` has no param `{name}` (its params: {})", program.name, list(&known)));
        }
    }
    let mut values = Vec::new();
    for param in &program.params {
        let value = match params.iter().rev().find(|(n, _)| *n == param.name) {
            Some((_, text)) => parse_value(&param.ty, text).map_err(|e| format!("--param {}: {e}", param.name))?,
            None => match &param.default {
                // Dates and datetimes are written as text in the IR, in their ISO form.
                Some(Const::Str(text)) if matches!(param.ty.base, BaseType::Date | BaseType::DateTime) => {
                    parse_value(&param.ty, text).map_err(|e| format!("the default of param `{}`: {e}", param.name))?
                }
                Some(default) => {
                    check_const(&param.ty, default).map_err(|e| format!("the default of param `{}`: {e}", param.name))?;
                    const_value(default)
                }
                None => return Err(format!("param `{}` has no default; supply it with --param {}=VALUE", param.name, param.name)),
            },
        };
        values.push(value);
    }
    for (name, _) in lookups {
        if !program.lookups.iter().any(|l| &l.name == name) {
            let known: Vec<&str> = program.lookups.iter().map(|l| l.name.as_str()).collect();
            return Err(format!("mapping `{}` has no lookup `{name}` (its lookups: {})", program.name, list(&known)));
        }
    }
    let mut tables = Vec::new();
    for lookup in &program.lookups {
        match lookups.iter().rev().find(|(n, _)| *n == lookup.name) {
            Some((_, source)) => {
                let text = match source {
                    LookupSource::File(path) => std::fs::read_to_string(path).map_err(|e| format!("--lookup {}: {path}: {e}", lookup.name))?,
                    LookupSource::Text(text) => text.clone(),
                };
                let entries = parse_lookup(&lookup.key, &lookup.value, &text).map_err(|e| format!("--lookup {}: {source}: {e}", lookup.name))?;
                tables.push(Some(entries));
            }
            None if lookup.optional => tables.push(None),
            None => return Err(format!("lookup `{}` is required; supply it with --lookup {}=FILE (CSV or JSON)", lookup.name, lookup.name)),
        }
    }
    Ok(Env::new(program, values, tables))
}

fn list(names: &[&str]) -> String {
    if names.is_empty() { "none".into() } else { names.join(", ") }
}

/// A value given as text on the command line, as its declared type. Lists are comma-separated.
pub fn parse_value(ty: &DeclaredType, text: &str) -> Result<Value<'static>, String> {
    let value = match ty.base {
        BaseType::String => Value::Str(text.to_string().into()),
        BaseType::Int => Value::Int(text.trim().parse().map_err(|_| format!("{text:?} is not an integer"))?),
        BaseType::Decimal => Value::Dec(parse_decimal(text.trim()).ok_or_else(|| format!("{text:?} is not a decimal"))?),
        BaseType::Bool => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(format!("{text:?} is not true or false")),
        },
        BaseType::Date => Value::Date(Date::parse(text.trim()).ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))?),
        BaseType::DateTime => Value::DateTime(DateTime::parse(text.trim()).ok_or_else(|| format!("{text:?} is not a date-time with an offset"))?),
        BaseType::List => {
            let element = ty.element.as_deref().ok_or("a list type without an entry type")?;
            let items = if text.trim().is_empty() { Vec::new() } else { text.split(',').map(|t| parse_value(element, t.trim())).collect::<Result<_, _>>()? };
            return Ok(Value::List(Arc::new(items)));
        }
    };
    check(ty, &value)?;
    Ok(value)
}

/// Whether a value fits its declared type: length, range, value set.
fn check(ty: &DeclaredType, value: &Value) -> Result<(), String> {
    if let (Some(max), Value::Str(s)) = (ty.length, value) {
        let count = s.chars().count();
        if count > max as usize {
            return Err(format!("{s:?} is {count} characters; at most {max} allowed"));
        }
    }
    if let Value::Int(n) = value {
        if ty.min.is_some_and(|m| *n < m) || ty.max.is_some_and(|m| *n > m) {
            return Err(format!("{n} is outside {}..{}", ty.min.unwrap_or(i64::MIN), ty.max.unwrap_or(i64::MAX)));
        }
    }
    if let Some(values) = &ty.values {
        if !values.iter().any(|v| const_value(v).equals(value)) {
            let allowed: Vec<String> = values.iter().filter_map(|v| const_value(v).to_text()).collect();
            return Err(format!("{} is not one of {}", value.to_text().unwrap_or_default(), allowed.join(", ")));
        }
    }
    Ok(())
}

fn check_const(ty: &DeclaredType, c: &Const) -> Result<(), String> {
    match (ty.base, c) {
        (BaseType::List, Const::List(items)) => {
            let element = ty.element.as_deref().ok_or("a list type without an entry type")?;
            items.iter().try_for_each(|i| check_const(element, i))
        }
        _ => check(ty, &const_value(c)),
    }
}

/// A lookup file: a JSON object (`{"200": "CUST-200"}`) or CSV with two columns (key, value), an
/// optional `key,value` header. Keys are normalised (integer keys as plain digits).
pub fn parse_lookup(key: &DeclaredType, value: &DeclaredType, text: &str) -> Result<HashMap<String, Value<'static>>, String> {
    let mut entries = HashMap::new();
    let mut add = |k: &str, v: &str, line: Option<usize>| -> Result<(), String> {
        let at = |e: String| match line {
            Some(l) => format!("line {l}: {e}"),
            None => format!("key {k:?}: {e}"),
        };
        let key_text = parse_value(key, k).map_err(at)?.to_text().unwrap_or_default();
        let v = parse_value(value, v).map_err(at)?;
        entries.insert(key_text, v);
        Ok(())
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(trimmed).map_err(|e| format!("malformed JSON: {e}"))?;
        for (k, v) in &object {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                other => return Err(format!("key {k:?}: {other} is not a plain value")),
            };
            add(k, &v, None)?;
        }
        return Ok(entries);
    }
    for (i, line) in trimmed.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cells = csv_cells(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        let [k, v] = &cells[..] else {
            return Err(format!("line {}: {} columns; a lookup file has two (key, value)", i + 1, cells.len()));
        };
        if i == 0 && k.eq_ignore_ascii_case("key") && v.eq_ignore_ascii_case("value") {
            continue;
        }
        add(k, v, Some(i + 1))?;
    }
    Ok(entries)
}

/// The cells of one CSV line: commas separate, double quotes enclose, `""` is a quote.
fn csv_cells(line: &str) -> Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
    }
    if quoted {
        return Err("an unclosed quote".into());
    }
    cells.push(cell);
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(base: BaseType) -> DeclaredType {
        DeclaredType { base, length: None, min: None, max: None, values: None, element: None }
    }

    #[test]
    fn lookup_files_in_csv_and_json() {
        let (int, text) = (ty(BaseType::Int), DeclaredType { length: Some(15), ..ty(BaseType::String) });
        let csv = parse_lookup(&int, &text, "key,value\n200,\"CUST, 200\"\n007,C7\n").unwrap();
        assert_eq!(csv["200"].to_text().unwrap(), "CUST, 200");
        assert_eq!(csv["7"].to_text().unwrap(), "C7", "integer keys are normalised");
        let json = parse_lookup(&int, &text, r#"{"200": "CUST200", "5": 12}"#).unwrap();
        assert_eq!(json["5"].to_text().unwrap(), "12");
        assert!(parse_lookup(&int, &text, "abc,C1\n").unwrap_err().contains("line 1"));
        assert!(parse_lookup(&int, &text, "1,ABCDEFGHIJKLMNOPQ\n").unwrap_err().contains("at most 15"));
        assert!(parse_lookup(&int, &text, "1,2,3\n").unwrap_err().contains("3 columns"));
    }

    #[test]
    fn params_are_typed_and_bounded() {
        let sop = DeclaredType { values: Some(vec![Const::Int(3), Const::Int(2)]), ..ty(BaseType::Int) };
        assert!(parse_value(&sop, "2").is_ok());
        assert!(parse_value(&sop, "4").unwrap_err().contains("not one of 3, 2"));
        let codes = DeclaredType { element: Some(Box::new(ty(BaseType::String))), ..ty(BaseType::List) };
        let Value::List(items) = parse_value(&codes, "4040, 4050").unwrap() else { panic!() };
        assert_eq!(items.len(), 2);
        assert!(matches!(parse_value(&codes, "").unwrap(), Value::List(l) if l.is_empty()));
        assert!(parse_value(&ty(BaseType::Decimal), "1e400").is_err());
    }
}
