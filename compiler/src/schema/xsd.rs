//! `mapc schema import-xsd`: Microsoft's eConnect XSD plus our overlay -> `schemas/econnect/*.yaml`.
//!
//! The XSD gives element names, order, XSD types, `minOccurs`, defaults and `nillable`; it has no
//! lengths, scales, value sets or key marks, which come from the overlay (see `schemas/README.md`).
//! Anything the overlay does not give a length is written `length: unknown`, never a guessed number.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use serde::Deserialize;
use serde_norway::Value as Yaml;

use super::model::*;
use super::write::type_to_yaml;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Io(String),
    #[error("the XSD is not well-formed XML: {0}")]
    Xml(String),
    #[error("the XSD is not shaped like eConnect.xsd: {0}")]
    Shape(String),
    #[error("overlay: {0}")]
    Overlay(String),
}

const SYSTEM: &str = "econnect";

/// A minimal element tree: enough of XML Schema for eConnect's all-`xs:sequence` file.
#[derive(Debug, Default)]
struct XmlNode {
    tag: String,
    attrs: Vec<(String, String)>,
    children: Vec<XmlNode>,
}

impl XmlNode {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn parse_xml(text: &str) -> Result<XmlNode, ImportError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack = vec![XmlNode::default()];
    let node = |start: &BytesStart| -> Result<XmlNode, ImportError> {
        let tag = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        let mut attrs = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| ImportError::Xml(e.to_string()))?;
            let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
            let value = attr.unescape_value().map_err(|e| ImportError::Xml(e.to_string()))?.into_owned();
            attrs.push((key, value));
        }
        Ok(XmlNode { tag, attrs, children: Vec::new() })
    };
    loop {
        let event = reader.read_event().map_err(|e| ImportError::Xml(format!("at byte {}: {e}", reader.buffer_position())))?;
        match event {
            Event::Start(start) => stack.push(node(&start)?),
            Event::Empty(start) => {
                let child = node(&start)?;
                stack.last_mut().expect("the document node").children.push(child);
            }
            Event::End(_) => {
                let done = stack.pop().filter(|_| !stack.is_empty()).ok_or_else(|| ImportError::Xml("unbalanced end tag".into()))?;
                stack.last_mut().expect("checked non-empty").children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match stack.pop() {
        Some(document) if stack.is_empty() => Ok(document),
        _ => Err(ImportError::Xml("the document ends inside an element".into())),
    }
}

/// One `<xs:element>` of a sequence.
#[derive(Debug)]
struct XsdElement {
    name: String,
    /// The `type` attribute; `None` when the type is declared inline.
    ty: Option<String>,
    min: u32,
    unbounded: bool,
    default: Option<String>,
    nillable: bool,
    inline: Option<Vec<XsdElement>>,
}

fn sequence_of(node: &XmlNode, owner: &str) -> Result<Vec<XsdElement>, ImportError> {
    let Some(sequence) = node.children.iter().find(|c| c.tag == "sequence") else {
        return Err(ImportError::Shape(format!("`{owner}` has no xs:sequence")));
    };
    sequence.children.iter().filter(|c| c.tag == "element").map(|e| element(e, owner)).collect()
}

fn element(node: &XmlNode, owner: &str) -> Result<XsdElement, ImportError> {
    let name = node.attr("name").ok_or_else(|| ImportError::Shape(format!("an element of `{owner}` has no name")))?;
    let min = match node.attr("minOccurs") {
        None => 1,
        Some(m) => m.parse().map_err(|_| ImportError::Shape(format!("{owner}.{name}: minOccurs `{m}`")))?,
    };
    let inline = match node.children.iter().find(|c| c.tag == "complexType") {
        Some(complex) => Some(sequence_of(complex, name)?),
        None => None,
    };
    Ok(XsdElement {
        name: name.to_string(),
        ty: node.attr("type").map(str::to_string),
        min,
        unbounded: node.attr("maxOccurs") == Some("unbounded"),
        default: node.attr("default").map(str::to_string),
        nillable: node.attr("nillable") == Some("true"),
        inline,
    })
}

/// The facts an overlay entry may add to an element.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Facts {
    #[serde(default)]
    length: Option<Yaml>,
    #[serde(default)]
    scale: Option<u32>,
    #[serde(default)]
    values: Option<Yaml>,
    #[serde(default)]
    key: Option<bool>,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "type", default)]
    ty: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlayDefaults {
    #[serde(default)]
    decimal_scale: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    #[serde(default)]
    defaults: OverlayDefaults,
    #[serde(default)]
    elements: BTreeMap<String, Facts>,
    #[serde(default)]
    nodes: BTreeMap<String, BTreeMap<String, Facts>>,
}

impl Overlay {
    pub fn parse(text: &str) -> Result<Self, ImportError> {
        serde_norway::from_str(text).map_err(|e| ImportError::Overlay(e.to_string()))
    }
}

/// Reads an eConnect XSD and returns every type it defines, the overlay applied, in file order
/// (the document root first).
pub fn import(xsd: &str, overlay: &Overlay) -> Result<Vec<TypeDef>, ImportError> {
    let document = parse_xml(xsd)?;
    let schema = document
        .children
        .iter()
        .find(|c| c.tag == "schema")
        .ok_or_else(|| ImportError::Shape("no xs:schema root".into()))?;
    let root_type = schema
        .children
        .iter()
        .find(|c| c.tag == "element" && c.attr("name") == Some("eConnect"))
        .and_then(|e| e.attr("type"))
        .ok_or_else(|| ImportError::Shape("no top-level `eConnect` element".into()))?;

    let mut complex: Vec<(String, Vec<XsdElement>)> = Vec::new();
    for node in schema.children.iter().filter(|c| c.tag == "complexType") {
        let name = node.attr("name").ok_or_else(|| ImportError::Shape("a top-level complexType has no name".into()))?;
        complex.push((name.to_string(), sequence_of(node, name)?));
    }
    let by_name: HashMap<&str, &Vec<XsdElement>> = complex.iter().map(|(n, s)| (n.as_str(), s)).collect();
    let transactions: Vec<&str> = by_name
        .get(root_type)
        .ok_or_else(|| ImportError::Shape(format!("`{root_type}` is not defined")))?
        .iter()
        .filter_map(|e| e.ty.as_deref())
        .collect();

    // `X_Items` wrappers become lists of X; an inline X becomes a node of its own.
    let mut wrappers: HashMap<&str, &XsdElement> = HashMap::new();
    for (name, sequence) in &complex {
        if let [only] = &sequence[..] {
            if name.ends_with("_Items") && only.unbounded {
                wrappers.insert(name.as_str(), only);
            }
        }
    }

    let mut builder = Builder { overlay, by_name: &by_name, wrappers: &wrappers, types: Vec::new() };
    builder.root(root_type)?;
    for (name, sequence) in &complex {
        if name == root_type {
            continue;
        }
        if let Some(item) = wrappers.get(name.as_str()) {
            if let Some(inline) = &item.inline {
                builder.push(&item.name, Kind::Node, inline)?;
            }
            continue;
        }
        let kind = if transactions.contains(&name.as_str()) { Kind::Transaction } else { Kind::Node };
        builder.push(name, kind, sequence)?;
    }
    builder.check_overlay_names()?;
    Ok(builder.types)
}

struct Builder<'a> {
    overlay: &'a Overlay,
    by_name: &'a HashMap<&'a str, &'a Vec<XsdElement>>,
    wrappers: &'a HashMap<&'a str, &'a XsdElement>,
    types: Vec<TypeDef>,
}

impl Builder<'_> {
    fn root(&mut self, root_type: &str) -> Result<(), ImportError> {
        let fields = self.by_name[root_type]
            .iter()
            .map(|e| {
                let target = e.ty.as_deref().ok_or_else(|| ImportError::Shape(format!("{root_type}.{} has no type", e.name)))?;
                let mut field = Field::new(&e.name, Type::List(Box::new(Type::Named(TypeName::new(SYSTEM, target)))));
                field.presence = presence(e.min);
                Ok(field)
            })
            .collect::<Result<_, ImportError>>()?;
        let record = Arc::new(Record { name: "eConnect".into(), open: false, fields });
        self.types.push(TypeDef {
            name: TypeName::new(SYSTEM, "eConnect"),
            kind: Kind::Document,
            description: Some("The document root: transaction types in this order.".into()),
            record,
        });
        Ok(())
    }

    fn push(&mut self, name: &str, kind: Kind, sequence: &[XsdElement]) -> Result<(), ImportError> {
        let fields = sequence.iter().map(|e| self.field(name, e)).collect::<Result<Vec<_>, _>>()?;
        let def = TypeDef {
            name: TypeName::new(SYSTEM, name),
            kind,
            description: None,
            record: Arc::new(Record { name: name.to_string(), open: false, fields }),
        };
        match self.types.iter().find(|t| t.name == def.name) {
            Some(existing) if existing.record == def.record => Ok(()),
            Some(_) => Err(ImportError::Shape(format!("`{name}` is defined twice, differently"))),
            None => {
                self.types.push(def);
                Ok(())
            }
        }
    }

    fn field(&self, node: &str, e: &XsdElement) -> Result<Field, ImportError> {
        let shape = |m: &str| ImportError::Shape(format!("{node}.{}: {m}", e.name));
        let ty_name = e.ty.as_deref().ok_or_else(|| shape("an inline type outside an _Items wrapper"))?;
        let mut field = Field::new(&e.name, Type::Json);
        field.presence = presence(e.min);
        field.nillable = e.nillable;
        field.default = e.default.clone();
        if let Some(simple) = ty_name.strip_prefix("xs:") {
            field.ty = match simple {
                "string" => Type::String,
                "decimal" => Type::Decimal,
                "short" => Type::Int(IntWidth::I16),
                "int" => Type::Int(IntWidth::I32),
                "long" => Type::Int(IntWidth::I64),
                other => return Err(shape(&format!("unsupported XSD type xs:{other}"))),
            };
            self.apply_overlay(node, &mut field)?;
        } else if let Some(item) = self.wrappers.get(ty_name) {
            let item_type = item.ty.as_deref().unwrap_or(&item.name);
            field.ty = Type::List(Box::new(Type::Named(TypeName::new(SYSTEM, item_type))));
            field.item = Some(item.name.clone());
            field.min_items = Some(item.min);
        } else if self.by_name.contains_key(ty_name) {
            field.ty = Type::Named(TypeName::new(SYSTEM, ty_name));
        } else {
            return Err(shape(&format!("type `{ty_name}` is not defined")));
        }
        if e.unbounded && !matches!(field.ty, Type::List(_)) {
            field.ty = Type::List(Box::new(field.ty));
        }
        Ok(field)
    }

    fn apply_overlay(&self, node: &str, field: &mut Field) -> Result<(), ImportError> {
        let general = self.overlay.elements.get(&field.name);
        let specific = self.overlay.nodes.get(node).and_then(|n| n.get(&field.name));
        let at = |m: String| ImportError::Overlay(format!("{node}.{}: {m}", field.name));
        for facts in [general, specific].into_iter().flatten() {
            if let Some(ty) = &facts.ty {
                field.ty = match (ty.as_str(), &field.ty) {
                    ("date", Type::String) => Type::Date,
                    ("datetime", Type::String) => Type::DateTime,
                    (ty, current) => return Err(at(format!("cannot refine {current} into `{ty}`"))),
                };
            }
            if let Some(length) = &facts.length {
                field.length = Some(match length {
                    Yaml::String(s) if s == "unknown" => Length::Unknown,
                    Yaml::Number(n) => Length::Max(n.as_u64().and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0).ok_or_else(|| at(format!("length {n}")))?),
                    other => return Err(at(format!("length {other:?}"))),
                });
            }
            if let Some(scale) = facts.scale {
                field.scale = Some(scale);
            }
            if let Some(values) = &facts.values {
                field.values = Some(super::parse::value_set(values).map_err(at)?);
            }
            if let Some(key) = facts.key {
                field.key = key;
            }
            if let Some(description) = &facts.description {
                field.description = Some(description.clone());
            }
        }
        match field.ty {
            Type::String if field.length.is_none() => field.length = Some(Length::Unknown),
            Type::Decimal if field.scale.is_none() => field.scale = self.overlay.defaults.decimal_scale,
            Type::String | Type::Decimal => {}
            _ if field.length.is_some() => return Err(at("a length on an element that is not text".into())),
            _ => {}
        }
        Ok(())
    }

    /// Every overlay entry must name an element that exists: a typo must not silently drop a fact.
    fn check_overlay_names(&self) -> Result<(), ImportError> {
        let simple_fields = |ty: &TypeDef| -> Vec<String> {
            ty.record.fields.iter().filter(|f| f.ty.element().is_none() && !matches!(f.ty, Type::Named(_))).map(|f| f.name.clone()).collect()
        };
        let mut problems = Vec::new();
        for (node, entries) in &self.overlay.nodes {
            match self.types.iter().find(|t| &t.name.name == node) {
                None => problems.push(format!("node `{node}` is not in the XSD")),
                Some(ty) => {
                    let fields = simple_fields(ty);
                    for element in entries.keys().filter(|e| !fields.contains(e)) {
                        let hint = crate::suggest::closest(element, &fields).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                        problems.push(format!("`{node}` has no element `{element}`{hint}"));
                    }
                }
            }
        }
        for element in self.overlay.elements.keys() {
            if !self.types.iter().any(|t| simple_fields(t).contains(element)) {
                problems.push(format!("no node has an element `{element}`"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ImportError::Overlay(problems.join("; ")))
        }
    }
}

fn presence(min: u32) -> Presence {
    if min >= 1 { Presence::Required } else { Presence::Optional }
}

/// Imports and writes one file per type into `out_dir`; returns how many were written.
pub fn import_to_dir(xsd_path: &Path, overlay_path: Option<&Path>, out_dir: &Path) -> Result<usize, ImportError> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| ImportError::Io(format!("{}: {e}", p.display())));
    let overlay = match overlay_path {
        Some(path) => Overlay::parse(&read(path)?)?,
        None => Overlay::default(),
    };
    let types = import(&read(xsd_path)?, &overlay)?;
    std::fs::create_dir_all(out_dir).map_err(|e| ImportError::Io(format!("{}: {e}", out_dir.display())))?;
    let source = file_name(xsd_path);
    let header = match overlay_path {
        Some(o) => format!("# Generated by `mapc schema import-xsd` from {source} and {}. Do not edit.\n", file_name(o)),
        None => format!("# Generated by `mapc schema import-xsd` from {source}. Do not edit.\n"),
    };
    for ty in &types {
        let path = out_dir.join(format!("{}.yaml", ty.name.name));
        std::fs::write(&path, format!("{header}{}", type_to_yaml(ty))).map_err(|e| ImportError::Io(format!("{}: {e}", path.display())))?;
    }
    Ok(types.len())
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
