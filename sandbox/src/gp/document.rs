//! Validation of an eConnect document as eConnect does it, driven by the project's eConnect schema
//! (`schemas/econnect/`): transaction types and nodes in XSD order, required elements present, values of
//! their type, length, scale and value set. The result is the document's nodes with their values, in
//! document order, ready for GP's own rules.

use std::sync::Arc;

use mapc::schema::{IntWidth, Length, Literal, Presence, Record, Registry, Type, TypeDef, TypeName};
use rust_decimal::Decimal;

use super::error::{self, EconnectError, NodeContext};
use super::xml::{self, Element};

/// A validated document: its transactions in document order.
#[derive(Debug)]
pub struct Document {
    pub transactions: Vec<Transaction>,
}

/// One transaction element (`<SOPTransactionType>`), its nodes in document order.
#[derive(Debug)]
pub struct Transaction {
    pub name: String,
    pub nodes: Vec<Node>,
}

/// One node (`<taSopHdrIvcInsert>`), its elements as sent, with the schema for defaults.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    def: Arc<TypeDef>,
    /// Elements as sent, in document order; an `xsi:nil` element is left out.
    values: Vec<(String, String)>,
}

impl Node {
    /// Whether the element was sent.
    pub fn has(&self, field: &str) -> bool {
        self.values.iter().any(|(name, _)| name == field)
    }

    /// The element's text as sent, else the schema default; empty when neither.
    pub fn text(&self, field: &str) -> String {
        self.sent(field).map(str::to_string).unwrap_or_else(|| self.default(field).unwrap_or_default())
    }

    /// The element's text as sent, trimmed, if it was sent.
    pub fn sent(&self, field: &str) -> Option<&str> {
        self.values.iter().find(|(name, _)| name == field).map(|(_, value)| value.as_str())
    }

    fn default(&self, field: &str) -> Option<String> {
        self.def.record.field(field).and_then(|f| f.default.clone())
    }

    /// A decimal element (validated, so it parses), zero when absent with no default.
    pub fn decimal(&self, field: &str) -> Decimal {
        parse_decimal(self.text(field).trim()).unwrap_or_default()
    }

    /// An integer element (validated), zero when absent with no default.
    pub fn int(&self, field: &str) -> i64 {
        self.text(field).trim().parse().unwrap_or(0)
    }

    /// The elements as sent, in order.
    pub fn values(&self) -> &[(String, String)] {
        &self.values
    }

    /// An error on this node, in eConnect's format: the node's required elements identify it, `related`
    /// names the elements the error is about.
    pub fn error(&self, number: u32, description: impl Into<String>, related: &[&str]) -> EconnectError {
        let identifiers = self
            .def
            .record
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required && scalar_type(&f.ty).is_some())
            .map(|f| (f.name.clone(), self.text(&f.name)))
            .collect();
        let related = related.iter().map(|name| (name.to_string(), self.text(name))).collect();
        let mut xml = format!("<{}>\r\n", self.name);
        for (name, value) in &self.values {
            xml.push_str(&format!("  <{name}>{}</{name}>\r\n", escape(value)));
        }
        xml.push_str(&format!("</{}>\r\n", self.name));
        EconnectError {
            number,
            procedure: self.name.clone(),
            description: description.into(),
            node: Some(Box::new(NodeContext { name: self.name.clone(), identifiers, related, xml })),
        }
    }
}

/// XML text escaping for the echoed node.
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// An xs:decimal: optional sign, digits with an optional point, no exponent.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    text.strip_prefix('+').unwrap_or(text).parse::<Decimal>().ok()
}

/// The simple types a node element may have; `None` for nested nodes and lists.
fn scalar_type(ty: &Type) -> Option<&Type> {
    match ty {
        Type::String
        | Type::Decimal
        | Type::DecimalText
        | Type::Int(_)
        | Type::Boolean
        | Type::Date
        | Type::DateTime => Some(ty),
        _ => None,
    }
}

/// Checks a document against the schema and returns its nodes.
pub fn validate(text: &str, registry: &Registry) -> Result<Document, EconnectError> {
    let root = xml::parse(text).map_err(|e| {
        EconnectError::new(error::NOT_WELL_FORMED, "eConnect", format!("The document is not well-formed XML: {e}"))
    })?;
    if root.name != "eConnect" {
        return Err(EconnectError::new(
            error::UNKNOWN_ELEMENT,
            "eConnect",
            format!("The root element is <{}>; an eConnect document's root is <eConnect>", root.name),
        ));
    }
    let document = load(registry, "eConnect", "eConnect")?;
    let mut transactions = Vec::new();
    let slots = order(&document.record, &root.children, "eConnect")
        .map_err(|(n, d, _)| EconnectError::new(n, "eConnect", d))?;
    for (child, field) in root.children.iter().zip(slots) {
        let Type::List(inner) = &field.ty else { continue };
        let Type::Named(name) = inner.as_ref() else { continue };
        let def = load_named(registry, name, "eConnect")?;
        transactions.push(transaction(registry, child, &def)?);
    }
    if transactions.is_empty() {
        return Err(EconnectError::new(error::REQUIRED_MISSING, "eConnect", "The document holds no transaction type"));
    }
    Ok(Document { transactions })
}

fn load(registry: &Registry, name: &str, procedure: &str) -> Result<Arc<TypeDef>, EconnectError> {
    load_named(registry, &TypeName::new("econnect", name), procedure)
}

fn load_named(registry: &Registry, name: &TypeName, procedure: &str) -> Result<Arc<TypeDef>, EconnectError> {
    registry.get(name).map_err(|e| EconnectError::new(error::UNKNOWN_ELEMENT, procedure, e.to_string()))
}

/// A problem with one element: its error number, the description, and the element it concerns.
type Problem = (u32, String, String);

/// Matches each child element to its schema field, in XSD order; every required field present.
fn order<'r>(record: &'r Record, children: &[Element], owner: &str) -> Result<Vec<&'r mapc::schema::Field>, Problem> {
    let mut slots = Vec::with_capacity(children.len());
    let mut next = 0;
    for child in children {
        let Some(index) = record.fields.iter().position(|f| f.name == child.name) else {
            return Err((
                error::UNKNOWN_ELEMENT,
                format!("<{}> is not an element of <{owner}>", child.name),
                child.name.clone(),
            ));
        };
        let field = &record.fields[index];
        // Only a repeating element (a list without a wrapper) may follow itself.
        let repeats = matches!(field.ty, Type::List(_)) && field.item.is_none();
        if index + 1 == next && !repeats {
            let description = format!("<{}> appears more than once in <{owner}>", child.name);
            return Err((error::OUT_OF_ORDER, description, child.name.clone()));
        }
        if index < next {
            let after = &record.fields[next - 1].name;
            let description = format!(
                "<{}> is out of order in <{owner}>: it follows <{after}>, and the schema orders <{}> before <{after}>",
                child.name, child.name
            );
            return Err((error::OUT_OF_ORDER, description, child.name.clone()));
        }
        next = index + 1;
        slots.push(field);
    }
    if let Some(missing) =
        record.fields.iter().find(|f| f.presence == Presence::Required && !children.iter().any(|c| c.name == f.name))
    {
        let description = format!("The required element <{}> of <{owner}> is missing", missing.name);
        return Err((error::REQUIRED_MISSING, description, missing.name.clone()));
    }
    Ok(slots)
}

fn transaction(registry: &Registry, element: &Element, def: &TypeDef) -> Result<Transaction, EconnectError> {
    let owner = element.name.as_str();
    let slots = order(&def.record, &element.children, owner).map_err(|(n, d, _)| EconnectError::new(n, owner, d))?;
    let mut nodes = Vec::new();
    for (child, field) in element.children.iter().zip(slots) {
        if child.nil {
            continue;
        }
        match &field.ty {
            Type::Named(name) => nodes.push(node(child, load_named(registry, name, owner)?)?),
            Type::List(inner) => {
                let (Type::Named(name), Some(item)) = (inner.as_ref(), field.item.as_deref()) else { continue };
                let node_def = load_named(registry, name, owner)?;
                if let Some(stray) = child.children.iter().find(|c| c.name != item) {
                    return Err(EconnectError::new(
                        error::UNKNOWN_ELEMENT,
                        owner,
                        format!("<{}> is not an element of <{}>; it holds <{item}> entries", stray.name, child.name),
                    ));
                }
                if child.children.len() < field.min_items.unwrap_or(0) as usize {
                    return Err(EconnectError::new(
                        error::EMPTY_COLLECTION,
                        owner,
                        format!("<{}> must hold at least one <{item}>", child.name),
                    ));
                }
                for entry in &child.children {
                    nodes.push(node(entry, node_def.clone())?);
                }
            }
            _ => {}
        }
    }
    Ok(Transaction { name: element.name.clone(), nodes })
}

fn node(element: &Element, def: Arc<TypeDef>) -> Result<Node, EconnectError> {
    let owner = element.name.as_str();
    let slots = match order(&def.record, &element.children, owner) {
        Ok(slots) => slots,
        Err((number, description, field)) => {
            // The node as sent, so the error identifies it as eConnect's do.
            let values = element
                .children
                .iter()
                .filter(|c| c.children.is_empty() && !c.nil)
                .map(|c| (c.name.clone(), c.text.clone()));
            let node = Node { name: element.name.clone(), def, values: values.collect() };
            return Err(node.error(number, description, &[field.as_str()]));
        }
    };
    let mut values = Vec::with_capacity(slots.len());
    let mut problems = Vec::new();
    for (child, field) in element.children.iter().zip(slots) {
        if let Some(nested) = child.children.first() {
            problems.push((
                error::UNKNOWN_ELEMENT,
                format!("<{}> holds a value, not the element <{}>", child.name, nested.name),
                child.name.clone(),
            ));
            continue;
        }
        if child.nil {
            if !field.nillable && field.presence == Presence::Required {
                problems.push((
                    error::REQUIRED_MISSING,
                    format!("The required element <{}> is nil", child.name),
                    child.name.clone(),
                ));
            }
            continue;
        }
        if let Some(problem) = check_value(field, &child.text) {
            problems.push((problem.0, problem.1, child.name.clone()));
        }
        values.push((child.name.clone(), child.text.clone()));
    }
    let node = Node { name: element.name.clone(), def, values };
    match problems.into_iter().next() {
        Some((number, description, field)) => Err(node.error(number, description, &[field.as_str()])),
        None => Ok(node),
    }
}

/// Whether a value fits its element: type, length, scale, value set.
fn check_value(field: &mapc::schema::Field, text: &str) -> Option<(u32, String)> {
    let name = &field.name;
    let Some(ty) = scalar_type(&field.ty) else {
        return Some((error::UNKNOWN_ELEMENT, format!("<{name}> is a node, not a value")));
    };
    let trimmed = text.trim();
    // An empty non-text element takes its default; with none, it is not a value (as the XSD says).
    if trimmed.is_empty() && !matches!(ty, Type::String) {
        return match field.default {
            Some(_) => None,
            None => Some((error::BAD_TYPE, format!("<{name}> is empty, and a {} has no empty value", type_word(ty)))),
        };
    }
    match ty {
        Type::String => {
            let length = text.chars().count();
            if let Some(Length::Max(max)) = field.length {
                if length > max as usize {
                    return Some((error::TOO_LONG, format!("<{name}> holds {length} characters; its length is {max}")));
                }
            }
            if let Some(values) = &field.values {
                if !values.contains(&Literal::Str(text.to_string())) {
                    return Some((
                        error::NOT_IN_VALUE_SET,
                        format!("<{name}> value {text:?} is not one of {}", list(values)),
                    ));
                }
            }
        }
        Type::Decimal | Type::DecimalText => {
            let Some(value) = parse_decimal(trimmed) else {
                return Some((error::BAD_TYPE, format!("<{name}> value {trimmed:?} is not a decimal number")));
            };
            let scale = field.scale.unwrap_or(5);
            let places = value.normalize().scale();
            if places > scale {
                return Some((
                    error::TOO_MANY_PLACES,
                    format!("<{name}> value {trimmed} has {places} decimal places; it stores {scale}"),
                ));
            }
            // numeric(19, scale): at most 19 - scale digits before the point.
            let whole_digits = value.abs().trunc().normalize().to_string().trim_start_matches('0').len() as u32;
            if whole_digits > 19 - scale.min(19) {
                return Some((
                    error::BAD_TYPE,
                    format!("<{name}> value {trimmed} is too large for numeric(19,{scale})"),
                ));
            }
        }
        Type::Int(width) => {
            let (low, high) = width.range();
            let Some(value) =
                trimmed.strip_prefix('+').unwrap_or(trimmed).parse::<i64>().ok().filter(|v| (low..=high).contains(v))
            else {
                return Some((error::BAD_TYPE, format!("<{name}> value {trimmed:?} is not {}", int_word(*width))));
            };
            if let Some(values) = &field.values {
                if !values.contains(&Literal::Int(value)) {
                    return Some((
                        error::NOT_IN_VALUE_SET,
                        format!("<{name}> value {value} is not one of {}", list(values)),
                    ));
                }
            }
        }
        Type::Date | Type::DateTime if gp_date(trimmed).is_none() => {
            return Some((error::BAD_TYPE, format!("<{name}> value {trimmed:?} is not a date")));
        }
        Type::Boolean if !matches!(trimmed, "true" | "false" | "0" | "1") => {
            return Some((error::BAD_TYPE, format!("<{name}> value {trimmed:?} is not a boolean")));
        }
        _ => {}
    }
    None
}

fn list(values: &mapc::schema::ValueSet) -> String {
    values.0.iter().map(|(v, _)| v.to_string()).collect::<Vec<_>>().join(", ")
}

fn type_word(ty: &Type) -> &'static str {
    match ty {
        Type::Int(_) => "number",
        Type::Date | Type::DateTime => "date",
        Type::Boolean => "boolean",
        _ => "decimal",
    }
}

fn int_word(width: IntWidth) -> &'static str {
    match width {
        IntWidth::I16 => "a short integer (-32768..32767)",
        IntWidth::I32 => "an integer (int)",
        IntWidth::I64 => "an integer (long)",
    }
}

/// A date as GP stores it (`YYYY-MM-DD 00:00:00.000`), from the forms eConnect documents use:
/// `YYYY-MM-DD`, `YYYY-MM-DDThh:mm:ss[.fff]` and `M/D/YYYY` (US order, as GP's default culture reads
/// it). The empty date is GP's `1900-01-01`.
pub fn gp_date(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return Some("1900-01-01 00:00:00.000".into());
    }
    let (y, m, d) = if text.contains('-') {
        let date = text.split('T').next()?;
        let mut parts = date.splitn(3, '-');
        (parts.next()?.parse::<u32>().ok()?, parts.next()?.parse::<u32>().ok()?, parts.next()?.parse::<u32>().ok()?)
    } else {
        let date = text.split_whitespace().next()?;
        let mut parts = date.splitn(3, '/');
        let (m, d, y) = (
            parts.next()?.parse::<u32>().ok()?,
            parts.next()?.parse::<u32>().ok()?,
            parts.next()?.parse::<u32>().ok()?,
        );
        (y, m, d)
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let valid = (1753..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize];
    valid.then(|| format!("{y:04}-{m:02}-{d:02} 00:00:00.000"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_econnect_documents_use() {
        assert_eq!(gp_date("2024-11-27T00:00:00").unwrap(), "2024-11-27 00:00:00.000");
        assert_eq!(gp_date("4/21/2021").unwrap(), "2021-04-21 00:00:00.000");
        assert_eq!(gp_date("2020-02-29").unwrap(), "2020-02-29 00:00:00.000");
        assert_eq!(gp_date("").unwrap(), "1900-01-01 00:00:00.000");
        for bad in ["2021-02-29", "13/1/2020", "yesterday", "2020-1", "1/1/1200"] {
            assert!(gp_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn decimals_are_xs_decimal() {
        assert_eq!(parse_decimal("+1.50").unwrap().to_string(), "1.50");
        assert_eq!(parse_decimal("-.5").unwrap().to_string(), "-0.5");
        for bad in ["1e5", "", ".", "1.2.3", " 1", "0x10"] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }
}
