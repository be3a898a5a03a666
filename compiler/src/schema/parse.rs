//! Reads one type file (YAML, the format of `schemas/README.md`) into a [`TypeDef`].

use std::sync::Arc;

use serde::Deserialize;
use serde_norway::Value as Yaml;

use super::model::*;
use super::SchemaError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    name: String,
    kind: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    open: bool,
    #[serde(default)]
    fields: Vec<RawField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    presence: Option<String>,
    #[serde(default)]
    default: Option<Yaml>,
    #[serde(default)]
    length: Option<Yaml>,
    #[serde(default)]
    scale: Option<u32>,
    #[serde(default)]
    values: Option<Yaml>,
    #[serde(default)]
    key: bool,
    #[serde(default)]
    nillable: bool,
    #[serde(default)]
    item: Option<String>,
    #[serde(default)]
    min_items: Option<u32>,
    #[serde(default)]
    added: bool,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    open: bool,
    #[serde(default)]
    fields: Option<Vec<RawField>>,
}

/// Parses the text of the type file for `expected`.
pub fn parse_type(expected: &TypeName, text: &str) -> Result<TypeDef, SchemaError> {
    let err = |message: String| SchemaError::Invalid { ty: expected.to_string(), message };
    let raw: RawType = serde_norway::from_str(text).map_err(|e| err(e.to_string()))?;
    if raw.name != expected.name {
        return Err(err(format!("the file declares `name: {}`; it must match its file name", raw.name)));
    }
    let kind = Kind::parse(&raw.kind).ok_or_else(|| err(format!("unknown kind `{}`", raw.kind)))?;
    let record = record(&expected.system, raw.name.clone(), raw.open, raw.fields).map_err(err)?;
    Ok(TypeDef { name: expected.clone(), kind, description: raw.description, record })
}

fn record(system: &str, name: String, open: bool, raw: Vec<RawField>) -> Result<Arc<Record>, String> {
    let mut fields: Vec<Field> = Vec::with_capacity(raw.len());
    for raw_field in raw {
        let field = field(system, &name, raw_field)?;
        if fields.iter().any(|f| f.name == field.name) {
            return Err(format!("field `{}` of {name} is declared twice", field.name));
        }
        fields.push(field);
    }
    Ok(Arc::new(Record { name, open, fields }))
}

fn field(system: &str, owner: &str, raw: RawField) -> Result<Field, String> {
    let at = |m: String| format!("{owner}.{}: {m}", raw.name);
    let inline = match raw.fields {
        Some(fields) => Some(record(system, format!("{owner}.{}", raw.name), raw.open, fields)?),
        None => None,
    };
    let ty = parse_type_expr(&raw.ty, system, inline.as_ref()).map_err(at)?;
    if inline.is_some() && !mentions_record(&ty) {
        return Err(at("has `fields` but its type does not use `record`".into()));
    }
    let presence = match raw.presence.as_deref() {
        None => Presence::Optional,
        Some(p) => Presence::parse(p).ok_or_else(|| at(format!("unknown presence `{p}`")))?,
    };
    let length = match raw.length {
        None => None,
        Some(Yaml::String(s)) if s == "unknown" => Some(Length::Unknown),
        Some(Yaml::Number(n)) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n > 0 => Some(Length::Max(n)),
            _ => return Err(at(format!("length must be a positive number or `unknown`, not {n}"))),
        },
        Some(other) => return Err(at(format!("length must be a number or `unknown`, not {other:?}"))),
    };
    let values = raw.values.map(|v| value_set(&v)).transpose().map_err(at)?;
    let default = raw.default.map(|v| scalar_text(&v)).transpose().map_err(at)?;
    Ok(Field {
        name: raw.name,
        ty,
        presence,
        default,
        length,
        scale: raw.scale,
        values,
        key: raw.key,
        nillable: raw.nillable,
        item: raw.item,
        min_items: raw.min_items,
        added: raw.added,
        description: raw.description,
    })
}

fn mentions_record(ty: &Type) -> bool {
    match ty {
        Type::Record(_) => true,
        other => other.element().is_some_and(mentions_record),
    }
}

/// Parses a type expression: `string`, `list<T>`, `keyed<record>`, `econnect.taSopHdrIvcInsert`...
pub fn parse_type_expr(text: &str, system: &str, inline: Option<&Arc<Record>>) -> Result<Type, String> {
    let text = text.trim();
    for (prefix, wrap) in [
        ("list<", Type::List as fn(Box<Type>) -> Type),
        ("keyed<", Type::Keyed),
        ("map<", Type::Map),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let inner = rest.strip_suffix('>').ok_or_else(|| format!("`{text}` lacks its closing `>`"))?;
            return Ok(wrap(Box::new(parse_type_expr(inner, system, inline)?)));
        }
    }
    Ok(match text {
        "string" => Type::String,
        "decimal" => Type::Decimal,
        "decimal_text" => Type::DecimalText,
        "int16" => Type::Int(IntWidth::I16),
        "int32" => Type::Int(IntWidth::I32),
        "int64" => Type::Int(IntWidth::I64),
        "boolean" => Type::Boolean,
        "date" => Type::Date,
        "datetime" => Type::DateTime,
        "json" => Type::Json,
        "record" => Type::Record(inline.cloned().ok_or("type `record` needs `fields`")?),
        name => Type::Named(TypeName::parse(name, system).ok_or_else(|| format!("`{name}` is not a type"))?),
    })
}

pub(crate) fn value_set(yaml: &Yaml) -> Result<ValueSet, String> {
    let entries = match yaml {
        Yaml::Sequence(items) => items.iter().map(|v| Ok((literal(v)?, None))).collect::<Result<Vec<_>, String>>()?,
        Yaml::Mapping(map) => map
            .iter()
            .map(|(k, v)| Ok((literal(k)?, Some(scalar_text(v)?))))
            .collect::<Result<Vec<_>, String>>()?,
        other => return Err(format!("values must be a list or a map, not {other:?}")),
    };
    if entries.is_empty() {
        return Err("an empty value set".into());
    }
    Ok(ValueSet(entries))
}

fn literal(yaml: &Yaml) -> Result<Literal, String> {
    match yaml {
        Yaml::Number(n) => n.as_i64().map(Literal::Int).ok_or_else(|| format!("value {n} is not an integer")),
        Yaml::String(s) => Ok(Literal::Str(s.clone())),
        Yaml::Bool(b) => Ok(Literal::Str(b.to_string())),
        other => Err(format!("value {other:?} is not a scalar")),
    }
}

fn scalar_text(yaml: &Yaml) -> Result<String, String> {
    match yaml {
        Yaml::String(s) => Ok(s.clone()),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Bool(b) => Ok(b.to_string()),
        other => Err(format!("{other:?} is not a scalar")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> TypeName {
        TypeName::new("brightpearl", "Order")
    }

    #[test]
    fn reads_fields_in_order_with_their_facts() {
        let text = r#"
name: Order
kind: resource
fields:
  - {name: id, type: int64, presence: required, key: true}
  - {name: ref, type: string, length: 20}
  - {name: code, type: string, length: unknown, values: {SO: sales order, PO: purchase order}}
  - name: orderRows
    type: keyed<record>
    presence: required
    fields:
      - {name: net, type: decimal_text, scale: 4, presence: nullable}
"#;
        let def = parse_type(&order(), text).unwrap();
        assert_eq!(def.kind, Kind::Resource);
        let names: Vec<_> = def.record.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "ref", "code", "orderRows"]);
        assert!(def.record.fields[0].key);
        assert_eq!(def.record.fields[1].length, Some(Length::Max(20)));
        assert_eq!(def.record.fields[2].length, Some(Length::Unknown));
        assert!(def.record.fields[2].values.as_ref().unwrap().contains(&Literal::Str("PO".into())));
        let Type::Keyed(row) = &def.record.fields[3].ty else { panic!("orderRows is keyed") };
        let Type::Record(row) = row.as_ref() else { panic!("rows are inline records") };
        assert_eq!(row.name, "Order.orderRows");
        assert_eq!(row.fields[0].presence, Presence::Nullable);
        assert_eq!(row.fields[0].scale, Some(4));
    }

    #[test]
    fn rejects_what_is_not_a_schema() {
        let cases = [
            ("name: Other\nkind: resource\n", "must match its file name"),
            ("name: Order\nkind: thing\n", "unknown kind"),
            ("name: Order\nkind: resource\nfields: [{name: a, type: \"str ng\"}]\n", "`str ng`"),
            ("name: Order\nkind: resource\nfields: [{name: a, type: string, length: 0}]\n", "positive"),
            ("name: Order\nkind: resource\nfields: [{name: a, type: string, lenght: 3}]\n", "lenght"),
            ("name: Order\nkind: resource\nfields: [{name: a, type: record}]\n", "needs `fields`"),
            ("name: Order\nkind: resource\nfields: [{name: a, type: int64}, {name: a, type: int64}]\n", "twice"),
            ("name: Order\nkind: resource\nfields: [{name: a, type: list<int64}]\n", "closing"),
            ("name: Order\nkind: resource\nfields: [{name: a, type: int64, presence: maybe}]\n", "presence"),
        ];
        for (text, expected) in cases {
            let message = parse_type(&order(), text).unwrap_err().to_string();
            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }

    #[test]
    fn type_expressions_nest_and_qualify() {
        let ty = parse_type_expr("list<keyed<econnect.taPoLine>>", "brightpearl", None).unwrap();
        assert_eq!(ty.to_string(), "list<keyed<econnect.taPoLine>>");
        let ty = parse_type_expr("Contact", "brightpearl", None).unwrap();
        assert_eq!(ty, Type::Named(TypeName::new("brightpearl", "Contact")));
    }
}
