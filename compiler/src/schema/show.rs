//! `mapc schema list` and `mapc schema show`: the schemas as people read them.

use super::model::*;
use super::Registry;

/// One line per field, in schema order. Inline records, and named types of kind `record` (parts of a
/// resource kept in a file of their own), are expanded under their field with a path
/// (`orderRows.<id>.quantity.magnitude`, `invoices[].taxDate`).
pub fn show(def: &TypeDef, registry: &Registry) -> String {
    let mut rows = Vec::new();
    collect(&def.record, "", registry, &mut vec![def.name.clone()], &mut rows);
    let width = |i: usize| rows.iter().map(|r: &[String; 3]| r[i].len()).max().unwrap_or(0);
    let (w0, w1) = (width(0), width(1));
    let mut out = format!("{} ({}, {} fields)", def.name, def.kind.as_str(), def.record.fields.len());
    if let Some(description) = &def.description {
        out.push_str(&format!(": {description}"));
    }
    out.push('\n');
    for [path, ty, rest] in rows {
        out.push_str(format!("{path:<w0$}  {ty:<w1$}  {rest}").trim_end());
        out.push('\n');
    }
    out
}

fn collect(record: &Record, prefix: &str, registry: &Registry, expanding: &mut Vec<TypeName>, rows: &mut Vec<[String; 3]>) {
    for field in &record.fields {
        let path = format!("{prefix}{}", field.name);
        rows.push([path.clone(), field.ty.to_string(), facts(field)]);
        let mut ty = &field.ty;
        let mut sub = path;
        loop {
            match ty {
                Type::List(_) => sub.push_str("[]"),
                Type::Keyed(_) => sub.push_str(".<id>"),
                Type::Map(_) => sub.push_str(".<name>"),
                Type::Record(inner) => {
                    collect(inner, &format!("{sub}."), registry, expanding, rows);
                    break;
                }
                Type::Named(name) => {
                    // A self-referencing type (a bundle of bundles) is shown once.
                    if let Ok(part) = registry.get(name) {
                        if part.kind == Kind::Record && !expanding.contains(name) {
                            expanding.push(name.clone());
                            collect(&part.record, &format!("{sub}."), registry, expanding, rows);
                            expanding.pop();
                        }
                    }
                    break;
                }
                _ => break,
            }
            ty = ty.element().expect("a collection has an element type");
        }
    }
}

fn facts(field: &Field) -> String {
    let mut parts = vec![field.presence.as_str().to_string()];
    if let Some(length) = field.length {
        parts.push(format!("length={length}"));
    }
    if let Some(scale) = field.scale {
        parts.push(format!("scale={scale}"));
    }
    if let Some(values) = &field.values {
        let listed: Vec<String> = values
            .0
            .iter()
            .map(|(v, meaning)| match meaning {
                Some(m) => format!("{v}={m}"),
                None => v.to_string(),
            })
            .collect();
        parts.push(format!("values=[{}]", listed.join(", ")));
    }
    if let Some(default) = &field.default {
        parts.push(format!("default={default:?}"));
    }
    if field.key {
        parts.push("key".into());
    }
    if field.nillable {
        parts.push("nillable".into());
    }
    if let Some(item) = &field.item {
        parts.push(format!("item={item}"));
    }
    if let Some(min) = field.min_items {
        parts.push(format!("min_items={min}"));
    }
    if field.added {
        parts.push("added".into());
    }
    if let Some(description) = &field.description {
        parts.push(format!("-- {description}"));
    }
    parts.join("  ")
}

/// `mapc schema list`: every type with its kind and field count.
pub fn list(types: &[TypeDef]) -> String {
    let width = types.iter().map(|t| t.name.to_string().len()).max().unwrap_or(0);
    types
        .iter()
        .map(|t| format!("{:<width$}  {:<11}  {} fields\n", t.name.to_string(), t.kind.as_str(), t.record.fields.len()))
        .collect()
}
