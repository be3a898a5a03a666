//! eConnect XML: every element in the target's XSD order (the layout in the IR already is), line
//! collections before the header, absent optional elements left out, text escaped, control
//! characters refused, decimals plain (no exponent, no trailing zeros), UTF-8.

use std::fmt::Write as _;

use super::codepage::{CodePage, Unmappable};
use crate::exec::{validation, Failure, Out, OutNode, Scalar};
use crate::ir::{FieldKind, Program};
use crate::value::format_decimal;

#[derive(Debug, Clone, Copy, Default)]
pub struct XmlOptions {
    pub code_page: CodePage,
    pub unmappable: Unmappable,
}

pub const DOCUMENT_START: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<eConnect>\n";
pub const DOCUMENT_END: &str = "</eConnect>\n";

/// A whole document holding one transaction.
pub fn document(program: &Program, root: &OutNode, options: XmlOptions) -> Result<String, Failure> {
    let mut out = String::from(DOCUMENT_START);
    transaction(program, root, options, &mut out)?;
    out.push_str(DOCUMENT_END);
    Ok(out)
}

/// A document holding the transactions of several mappings (a customer and the order that needs it),
/// written in eConnect's `eConnectType` order whatever order they are given in.
pub fn combined_document(parts: &[(&Program, &OutNode)], options: XmlOptions) -> Result<String, Failure> {
    let mut ordered: Vec<&(&Program, &OutNode)> = parts.iter().collect();
    ordered.sort_by_key(|(program, _)| program.target.document_position.unwrap_or(u32::MAX));
    let mut out = String::from(DOCUMENT_START);
    for (program, root) in ordered {
        transaction(program, root, options, &mut out)?;
    }
    out.push_str(DOCUMENT_END);
    Ok(out)
}

/// One transaction (`<SOPTransactionType>...`), appended to `out` only if all of it can be written.
pub fn transaction(program: &Program, root: &OutNode, options: XmlOptions, out: &mut String) -> Result<(), Failure> {
    let mut text = String::new();
    element(program, &program.target.element, root, options, 1, &mut text)?;
    out.push_str(&text);
    Ok(())
}

fn element(program: &Program, name: &str, node: &OutNode, options: XmlOptions, depth: usize, out: &mut String) -> Result<(), Failure> {
    let layout = &program.target.nodes[node.node as usize];
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}<{name}>");
    for (field, value) in layout.fields.iter().zip(&node.fields) {
        let inner = "  ".repeat(depth + 1);
        match (value, &field.kind) {
            (Out::Empty, _) => {}
            (Out::Scalar(scalar), kind) => {
                // A key is never altered: a character GP cannot store fails the record instead of
                // becoming `?`, which could make two keys one.
                let key = matches!(kind, FieldKind::Value { key: true, .. });
                let field_options = if key { XmlOptions { unmappable: Unmappable::Reject, ..options } } else { options };
                let text = scalar_text(scalar, field_options, &format!("{}.{}", layout.name, field.name))?;
                let _ = writeln!(out, "{inner}<{0}>{text}</{0}>", field.name);
            }
            (Out::Node(child), _) => element(program, &field.name, child, options, depth + 1, out)?,
            (Out::List(entries), _) if entries.is_empty() => {}
            (Out::List(entries), FieldKind::List { item: Some(item), .. }) => {
                let _ = writeln!(out, "{inner}<{}>", field.name);
                for entry in entries {
                    element(program, item, entry, options, depth + 2, out)?;
                }
                let _ = writeln!(out, "{inner}</{}>", field.name);
            }
            (Out::List(entries), _) => {
                for entry in entries {
                    element(program, &field.name, entry, options, depth + 1, out)?;
                }
            }
        }
    }
    let _ = writeln!(out, "{indent}</{name}>");
    Ok(())
}

fn scalar_text(scalar: &Scalar, options: XmlOptions, field: &str) -> Result<String, Failure> {
    Ok(match scalar {
        Scalar::Str(s) => escape(s, options, field)?,
        Scalar::Int(n) => n.to_string(),
        Scalar::Dec(d) => format_decimal(d),
        Scalar::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Scalar::Date(d) => d.to_string(),
        Scalar::DateTime(d) => d.to_string(),
        Scalar::Json(j) => escape(&j.to_string(), options, field)?,
    })
}

/// XML text content: `&`, `<`, `>` escaped; control characters refused (XML 1.0 cannot carry most of
/// them, and GP would store them in a text column); characters outside the code page replaced or refused.
pub fn escape(text: &str, options: XmlOptions, field: &str) -> Result<String, Failure> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {
                return Err(validation(Some(field.to_string()), format!("{field} holds the control character U+{:04X}", c as u32)));
            }
            c if !options.code_page.holds(c) => match options.unmappable {
                Unmappable::Replace => out.push('?'),
                Unmappable::Reject => {
                    return Err(validation(
                        Some(field.to_string()),
                        format!("{field} holds {c:?} (U+{:04X}), which GP's code page cannot store", c as u32),
                    ));
                }
            },
            c => out.push(c),
        }
    }
    Ok(out)
}
