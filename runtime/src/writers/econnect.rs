//! eConnect XML: every element in the target's XSD order (the layout in the IR already is), line
//! collections before the header, absent optional elements left out, text escaped, control
//! characters refused, decimals plain (no exponent, no trailing zeros), UTF-8.

use std::fmt::Write as _;

use super::codepage::{CodePage, Unmappable};
use crate::exec::{validation, Failure, Out, OutNode, Scalar};
use crate::ir::{FieldKind, Program};
use crate::value::write_decimal;

#[derive(Debug, Clone, Copy, Default)]
pub struct XmlOptions {
    pub code_page: CodePage,
    pub unmappable: Unmappable,
}

pub const DOCUMENT_START: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<eConnect>\n";
pub const DOCUMENT_END: &str = "</eConnect>\n";

/// The eConnect writer of one program: the tags of its elements rendered once, for every record.
pub struct XmlWriter<'p> {
    program: &'p Program,
    options: XmlOptions,
    tags: Tags,
}

impl<'p> XmlWriter<'p> {
    pub fn new(program: &'p Program, options: XmlOptions) -> Self {
        XmlWriter { program, options, tags: Tags::new(program) }
    }

    /// [`transaction`].
    pub fn transaction(&self, root: &OutNode, out: &mut String) -> Result<(), Failure> {
        let start = out.len();
        let writer = Writer { program: self.program, options: self.options, tags: &self.tags };
        writer.element(&self.program.target.element, root, 1, out).inspect_err(|_| out.truncate(start))
    }

    /// [`document`].
    pub fn document(&self, root: &OutNode) -> Result<String, Failure> {
        let mut out = String::from(DOCUMENT_START);
        self.transaction(root, &mut out)?;
        out.push_str(DOCUMENT_END);
        Ok(out)
    }
}

/// Each value field's opening tag, indented as it stands in a document, and closing tag, by node and
/// field. A node is rendered at the depth it has under the root; written at another depth (never, for
/// a layout that is a tree), its tags are rendered as they are written.
struct Tags {
    nodes: Vec<Option<NodeTags>>,
}

struct NodeTags {
    depth: usize,
    fields: Vec<(String, String)>,
}

impl Tags {
    fn new(program: &Program) -> Tags {
        let mut tags = Tags { nodes: program.target.nodes.iter().map(|_| None).collect() };
        tags.add(program, 0, 1);
        tags
    }

    /// The tags of node `node` written at `depth`, and of the nodes under it.
    fn add(&mut self, program: &Program, node: usize, depth: usize) {
        if self.nodes[node].is_some() {
            return;
        }
        let layout = &program.target.nodes[node];
        let fields = layout
            .fields
            .iter()
            .map(|field| {
                let mut open = String::new();
                indent(&mut open, depth + 1);
                open.push_str(&format!("<{}>", field.name));
                (open, format!("</{}>\n", field.name))
            })
            .collect();
        self.nodes[node] = Some(NodeTags { depth, fields });
        for field in &layout.fields {
            match field.kind {
                FieldKind::Node { node: child } | FieldKind::List { node: child, item: None, .. } => self.add(program, child as usize, depth + 1),
                FieldKind::List { node: child, item: Some(_), .. } => self.add(program, child as usize, depth + 2),
                FieldKind::Value { .. } => {}
            }
        }
    }

    /// The tags of a node's value fields, if rendered for this depth.
    fn at(&self, node: u32, depth: usize) -> Option<&[(String, String)]> {
        match self.nodes.get(node as usize) {
            Some(Some(tags)) if tags.depth == depth => Some(&tags.fields),
            _ => None,
        }
    }
}

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
    XmlWriter::new(program, options).transaction(root, out)
}

struct Writer<'w> {
    program: &'w Program,
    options: XmlOptions,
    tags: &'w Tags,
}

impl Writer<'_> {
    fn element(&self, name: &str, node: &OutNode, depth: usize, out: &mut String) -> Result<(), Failure> {
        let layout = &self.program.target.nodes[node.node as usize];
        let tags = self.tags.at(node.node, depth);
        open(out, depth, name);
        out.push('\n');
        for (i, (field, value)) in layout.fields.iter().zip(&node.fields).enumerate() {
            match (value, &field.kind) {
                (Out::Empty, _) => {}
                (Out::Scalar(scalar), kind) => {
                    // A key is never altered: a character GP cannot store fails the record instead of
                    // becoming `?`, which could make two keys one.
                    let key = matches!(kind, FieldKind::Value { key: true, .. });
                    let options = if key { XmlOptions { unmappable: Unmappable::Reject, ..self.options } } else { self.options };
                    match tags.and_then(|tags| tags.get(i)) {
                        Some((open_tag, close_tag)) => {
                            out.push_str(open_tag);
                            write_scalar(scalar, options, &layout.name, &field.name, out)?;
                            out.push_str(close_tag);
                        }
                        None => {
                            open(out, depth + 1, &field.name);
                            write_scalar(scalar, options, &layout.name, &field.name, out)?;
                            close(out, 0, &field.name);
                        }
                    }
                }
                (Out::Node(child), _) => self.element(&field.name, child, depth + 1, out)?,
                (Out::List(entries), _) if entries.is_empty() => {}
                (Out::List(entries), FieldKind::List { item: Some(item), .. }) => {
                    open(out, depth + 1, &field.name);
                    out.push('\n');
                    for entry in entries {
                        self.element(item, entry, depth + 2, out)?;
                    }
                    close(out, depth + 1, &field.name);
                }
                (Out::List(entries), _) => {
                    for entry in entries {
                        self.element(&field.name, entry, depth + 1, out)?;
                    }
                }
            }
        }
        close(out, depth, name);
        Ok(())
    }
}

/// Spaces for the deepest indentation an eConnect document has, and more.
const SPACES: &str = "                                                                ";

fn indent(out: &mut String, depth: usize) {
    let mut width = depth * 2;
    while width > SPACES.len() {
        out.push_str(SPACES);
        width -= SPACES.len();
    }
    out.push_str(&SPACES[..width]);
}

fn open(out: &mut String, depth: usize, name: &str) {
    indent(out, depth);
    out.reserve(name.len() + 2);
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(out: &mut String, depth: usize, name: &str) {
    indent(out, depth);
    out.reserve(name.len() + 4);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

fn write_scalar(scalar: &Scalar, options: XmlOptions, node: &str, field: &str, out: &mut String) -> Result<(), Failure> {
    match scalar {
        Scalar::Str(s) => escape_into(s, options, node, field, out)?,
        Scalar::Int(n) => write_int(*n, out),
        Scalar::Dec(d) => write_decimal(d, out),
        Scalar::Bool(b) => out.push(if *b { '1' } else { '0' }),
        Scalar::Date(d) if (0..=9999).contains(&d.year) => {
            write_digits(d.year as u64, 4, out);
            out.push('-');
            write_digits(d.month as u64, 2, out);
            out.push('-');
            write_digits(d.day as u64, 2, out);
        }
        Scalar::Date(d) => {
            let _ = write!(out, "{d}");
        }
        Scalar::DateTime(d) => {
            let _ = write!(out, "{d}");
        }
        Scalar::Json(j) => escape_into(&j.to_string(), options, node, field, out)?,
    }
    Ok(())
}

fn write_int(n: i64, out: &mut String) {
    if n < 0 {
        out.push('-');
    }
    write_digits(n.unsigned_abs(), 1, out);
}

/// `n` in decimal digits, zero-padded to at least `width`.
fn write_digits(mut n: u64, width: usize, out: &mut String) {
    let mut digits = [b'0'; 20];
    let mut count = 0;
    while n > 0 || count < width {
        digits[count] = b'0' + (n % 10) as u8;
        n /= 10;
        count += 1;
    }
    digits[..count].iter().rev().for_each(|&d| out.push(d as char));
}

/// XML text content: `&`, `<`, `>` escaped; control characters refused (XML 1.0 cannot carry most of
/// them, and GP would store them in a text column); characters outside the code page replaced or refused.
fn escape_into(text: &str, options: XmlOptions, node: &str, name: &str, out: &mut String) -> Result<(), Failure> {
    // Most text needs no escaping and fits the code page: copy it at once.
    if is_plain_text(text.as_bytes()) {
        out.push_str(text);
        return Ok(());
    }
    let field = if node.is_empty() { name.to_string() } else { format!("{node}.{name}") };
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A raw carriage return would reach GP as a line feed: XML parsers normalise line ends.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
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
    Ok(())
}

/// Whether text is printable ASCII without `&`, `<` and `>`: copied as it is. Eight bytes at a time.
fn is_plain_text(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // Bytes from 0x80 (not ASCII), below 0x20 (control), DEL, and the three XML specials.
        let special = (word & HIGH)
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH)
            | zero_byte(word ^ (ONES * 0x7f))
            | zero_byte(word ^ (ONES * b'&' as u64))
            | zero_byte(word ^ (ONES * b'<' as u64))
            | zero_byte(word ^ (ONES * b'>' as u64));
        if special != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| b.is_ascii() && !b.is_ascii_control() && b != b'&' && b != b'<' && b != b'>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_found_eight_bytes_at_a_time() {
        let plain = |bytes: &[u8]| bytes.iter().all(|&b| b.is_ascii() && !b.is_ascii_control() && b != b'&' && b != b'<' && b != b'>');
        let base = b"Seattle, WA 98167 - Suite 3 (rear door)";
        assert!(is_plain_text(base));
        for at in 0..base.len() {
            for b in [0u8, 0x1f, b' ', b'&', b'<', b'>', b'=', b'?', 0x7f, 0x80, 0xc3, 0xff, b'~'] {
                let mut text = base.to_vec();
                text[at] = b;
                assert_eq!(is_plain_text(&text), plain(&text), "{b:#x} at {at}");
            }
        }
    }
}
