//! Writes a [`TypeDef`] as a type file: one line per field, so a diff of a regenerated schema reads
//! field by field.

use std::fmt::Write as _;

use super::model::*;

pub fn type_to_yaml(def: &TypeDef) -> String {
    let mut out = format!("name: {}\nkind: {}\n", def.name.name, def.kind.as_str());
    if let Some(description) = &def.description {
        writeln!(out, "description: {}", quote(description)).unwrap();
    }
    if def.record.open {
        out.push_str("open: true\n");
    }
    out.push_str("fields:\n");
    for field in &def.record.fields {
        debug_assert!(!matches!(field.ty, Type::Record(_)), "inline records are not written flat");
        writeln!(out, "  - {{{}}}", field_attributes(field).join(", ")).unwrap();
    }
    out
}

fn field_attributes(field: &Field) -> Vec<String> {
    let mut attrs = vec![format!("name: {}", field.name), format!("type: {}", field.ty)];
    if field.presence != Presence::Optional {
        attrs.push(format!("presence: {}", field.presence.as_str()));
    }
    if let Some(default) = &field.default {
        attrs.push(format!("default: {}", quote(default)));
    }
    if let Some(length) = field.length {
        attrs.push(format!("length: {length}"));
    }
    if let Some(scale) = field.scale {
        attrs.push(format!("scale: {scale}"));
    }
    if let Some(values) = &field.values {
        attrs.push(format!("values: {}", value_set(values)));
    }
    if field.key {
        attrs.push("key: true".into());
    }
    if field.nillable {
        attrs.push("nillable: true".into());
    }
    if let Some(item) = &field.item {
        attrs.push(format!("item: {item}"));
    }
    if let Some(min) = field.min_items {
        attrs.push(format!("min_items: {min}"));
    }
    if field.added {
        attrs.push("added: true".into());
    }
    if let Some(description) = &field.description {
        attrs.push(format!("description: {}", quote(description)));
    }
    attrs
}

fn value_set(values: &ValueSet) -> String {
    let literal = |v: &Literal| match v {
        Literal::Int(n) => n.to_string(),
        Literal::Str(s) => quote(s),
    };
    if values.0.iter().all(|(_, meaning)| meaning.is_none()) {
        let items: Vec<String> = values.0.iter().map(|(v, _)| literal(v)).collect();
        format!("[{}]", items.join(", "))
    } else {
        let items: Vec<String> =
            values.0.iter().map(|(v, m)| format!("{}: {}", literal(v), quote(m.as_deref().unwrap_or("")))).collect();
        format!("{{{}}}", items.join(", "))
    }
}

/// A double-quoted YAML scalar: safe for any text.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::parse::parse_type;
    use std::sync::Arc;

    #[test]
    fn what_is_written_reads_back_the_same() {
        let mut sopnumbe = Field::new("SOPNUMBE", Type::String);
        sopnumbe.presence = Presence::Required;
        sopnumbe.length = Some(Length::Max(21));
        sopnumbe.key = true;
        let mut soptype = Field::new("SOPTYPE", Type::Int(IntWidth::I16));
        soptype.values = Some(ValueSet(vec![(Literal::Int(2), Some("Order".into())), (Literal::Int(3), Some("In\"voice".into()))]));
        soptype.default = Some("".into());
        let mut lines = Field::new("taSopLineIvcInsert_Items", Type::List(Box::new(Type::Named(TypeName::new("econnect", "taSopLineIvcInsert")))));
        lines.item = Some("taSopLineIvcInsert".into());
        lines.min_items = Some(1);
        lines.nillable = true;
        let mut amount = Field::new("TRDISAMT", Type::Decimal);
        amount.scale = Some(5);
        amount.description = Some("trade discount: absent means \"from setup\"\n".into());
        let def = TypeDef {
            name: TypeName::new("econnect", "Example"),
            kind: Kind::Node,
            description: Some("An example: with a colon".into()),
            record: Arc::new(Record { name: "Example".into(), open: false, fields: vec![sopnumbe, soptype, lines, amount] }),
        };
        let text = type_to_yaml(&def);
        assert_eq!(parse_type(&def.name, &text).unwrap(), def, "{text}");
    }
}
