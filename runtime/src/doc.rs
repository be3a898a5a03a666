//! A record as the executor reads it: the parts of an input JSON value a mapping reads, in one flat
//! vector of nodes, with text borrowed from the input wherever it has no escapes.
//!
//! It stands for exactly what a `serde_json::Value` of the same record would hold (members in input
//! order, numbers as their text), so a record reads the same whether it was scanned from a line
//! ([`crate::scan`]) or built from a value already parsed ([`Doc::from_json`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Number, Value as Json};

use crate::ir::FieldName;

/// One record's nodes; node 0 is the root.
#[derive(Debug, Clone, Default)]
pub struct Doc<'a> {
    pub(crate) nodes: Vec<Node<'a>>,
    /// Room the scanner works in, kept with the nodes for the next record.
    pub(crate) scratch: Vec<u32>,
}

/// A node: its key in the enclosing object (empty in an array), its value and its next sibling.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) kind: Kind<'a>,
    /// The index of the next member of the same object or array; 0 for none (node 0 is the root).
    pub(crate) next: u32,
    /// [`name_id`] of the key where the reader knew it without work (a field the projection names);
    /// 0 where it did not.
    pub(crate) name: u32,
}

/// The number of a field name, the same for equal names throughout the process, so that a program's
/// field reads and the reader's projection agree without comparing text. 0 once a great many
/// names are numbered (a bound on what loading damaged or hostile programs can hold): 0 means
/// "compare the text".
pub fn name_id(name: &str) -> u32 {
    const MOST: usize = 1 << 16;
    static NAMES: OnceLock<Mutex<HashMap<Box<str>, u32>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&id) = names.get(name) {
        return id;
    }
    if names.len() >= MOST {
        return 0;
    }
    let id = names.len() as u32 + 1;
    names.insert(name.into(), id);
    id
}

#[derive(Debug, Clone)]
pub(crate) enum Kind<'a> {
    Null,
    Bool(bool),
    /// A number as serde_json keeps it with `arbitrary_precision`.
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    /// The first member (0 when empty) and how many there are.
    Array {
        first: u32,
        len: u32,
    },
    Object {
        first: u32,
        len: u32,
    },
}

/// A node of a document, as values refer to it.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Doc<'a>,
    at: u32,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // As the input's JSON value shows itself, which failure messages quote.
        std::fmt::Debug::fmt(&self.to_json(), f)
    }
}

/// What a node holds, with its text borrowed for the document's lifetime.
pub enum Shape<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(&'a str),
    Array,
    Object,
}

impl<'a> Doc<'a> {
    /// The root node.
    pub fn root(&'a self) -> NodeRef<'a> {
        NodeRef { doc: self, at: 0 }
    }

    /// A document holding what `value` holds, borrowing its text.
    pub fn from_json(value: &'a Json) -> Doc<'a> {
        let mut doc = Doc::default();
        doc.add_json(Cow::Borrowed(""), value);
        doc
    }

    /// An empty document keeping this one's allocation, for the next record.
    pub fn recycle(mut self) -> Doc<'static> {
        self.nodes.clear();
        // Collecting an emptied vector into one of the same layout reuses its allocation (a `map` would
        // need a closure that is never called).
        #[allow(clippy::unnecessary_filter_map)]
        Doc { nodes: self.nodes.into_iter().filter_map(|_| None).collect(), scratch: self.scratch }
    }

    fn add_json(&mut self, key: Cow<'a, str>, value: &'a Json) -> u32 {
        let at = self.nodes.len() as u32;
        let kind = match value {
            Json::Null => Kind::Null,
            Json::Bool(b) => Kind::Bool(*b),
            Json::Number(n) => Kind::Number(Cow::Borrowed(n.as_str())),
            Json::String(s) => Kind::String(Cow::Borrowed(s)),
            Json::Array(_) => Kind::Array { first: 0, len: 0 },
            Json::Object(_) => Kind::Object { first: 0, len: 0 },
        };
        self.nodes.push(Node { key, kind, next: 0, name: 0 });
        let members: Vec<u32> = match value {
            Json::Array(items) => items.iter().map(|item| self.add_json(Cow::Borrowed(""), item)).collect(),
            Json::Object(map) => map.iter().map(|(k, v)| self.add_json(Cow::Borrowed(k), v)).collect(),
            _ => return at,
        };
        self.link(at, &members);
        at
    }

    /// Makes `members` the members of the array or object at `parent`, in this order.
    pub(crate) fn link(&mut self, parent: u32, members: &[u32]) {
        for pair in members.windows(2) {
            self.nodes[pair[0] as usize].next = pair[1];
        }
        let first = members.first().copied().unwrap_or(0);
        let count = members.len() as u32;
        if let Kind::Array { first: f, len } | Kind::Object { first: f, len } = &mut self.nodes[parent as usize].kind {
            *f = first;
            *len = count;
        }
    }
}

impl<'a> NodeRef<'a> {
    fn node(&self) -> &'a Node<'a> {
        &self.doc.nodes[self.at as usize]
    }

    pub fn shape(&self) -> Shape<'a> {
        match &self.node().kind {
            Kind::Null => Shape::Null,
            Kind::Bool(b) => Shape::Bool(*b),
            Kind::Number(n) => Shape::Number(n),
            Kind::String(s) => Shape::String(s),
            Kind::Array { .. } => Shape::Array,
            Kind::Object { .. } => Shape::Object,
        }
    }

    /// Which node of its document this is.
    pub(crate) fn id(&self) -> u32 {
        self.at
    }

    pub fn is_object(&self) -> bool {
        matches!(self.node().kind, Kind::Object { .. })
    }

    pub fn is_array(&self) -> bool {
        matches!(self.node().kind, Kind::Array { .. })
    }

    /// The key this node has in its object.
    pub fn key(&self) -> &'a str {
        &self.node().key
    }

    /// The members of an array or object in input order (none for a scalar).
    pub fn members(&self) -> Members<'a> {
        let (next, left) = match self.node().kind {
            Kind::Array { first, len } | Kind::Object { first, len } => (first, len),
            _ => (0, 0),
        };
        Members { doc: self.doc, next, left }
    }

    /// An object's member by key.
    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        if !self.is_object() {
            return None;
        }
        // Length and first byte first: most keys differ there, without a comparison call.
        let head = key.as_bytes().first();
        self.members().find(|m| {
            let name = m.key().as_bytes();
            name.len() == key.len() && name.first() == head && name == key.as_bytes()
        })
    }

    /// An object's member by the name of a field a program reads: by number where the reader
    /// numbered its key, by text where it did not.
    pub fn field(&self, name: &FieldName) -> Option<NodeRef<'a>> {
        if !self.is_object() {
            return None;
        }
        let id = name.id();
        if id == 0 {
            return self.get(name);
        }
        self.members().find(|m| {
            let node = m.node();
            if node.name != 0 { node.name == id } else { *node.key == **name }
        })
    }

    /// An array's entry by position.
    pub fn index(&self, i: usize) -> Option<NodeRef<'a>> {
        if !self.is_array() {
            return None;
        }
        self.members().nth(i)
    }

    /// The same value as a `serde_json::Value`.
    pub fn to_json(&self) -> Json {
        match &self.node().kind {
            Kind::Null => Json::Null,
            Kind::Bool(b) => Json::Bool(*b),
            Kind::Number(n) => n.parse::<Number>().map(Json::Number).unwrap_or_else(|_| Json::String(n.to_string())),
            Kind::String(s) => Json::String(s.to_string()),
            Kind::Array { .. } => Json::Array(self.members().map(|m| m.to_json()).collect()),
            Kind::Object { .. } => {
                let map: Map<String, Json> = self.members().map(|m| (m.key().to_string(), m.to_json())).collect();
                Json::Object(map)
            }
        }
    }

    /// The compact JSON text serde_json would write for the same value.
    pub fn to_json_text(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        let quoted = |s: &str, out: &mut String| out.push_str(&serde_json::to_string(s).unwrap_or_default());
        match &self.node().kind {
            Kind::Null => out.push_str("null"),
            Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Kind::Number(n) => out.push_str(n),
            Kind::String(s) => quoted(s, out),
            Kind::Array { .. } => {
                out.push('[');
                for (i, m) in self.members().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    m.write_json(out);
                }
                out.push(']');
            }
            Kind::Object { .. } => {
                out.push('{');
                for (i, m) in self.members().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    quoted(m.key(), out);
                    out.push(':');
                    m.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// The members of an array or object.
pub struct Members<'a> {
    doc: &'a Doc<'a>,
    next: u32,
    left: u32,
}

impl<'a> Iterator for Members<'a> {
    type Item = NodeRef<'a>;

    fn next(&mut self) -> Option<NodeRef<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let member = NodeRef { doc: self.doc, at: self.next };
        self.next = self.doc.nodes[self.next as usize].next;
        Some(member)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Members<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_holds_what_its_value_holds() {
        let text =
            r#"{"id":12.50,"name":"A \"B\"\u0001","rows":{"9":{"net":"1.50"},"10":null},"list":[1,true,[]],"e":{}}"#;
        let value: Json = serde_json::from_str(text).unwrap();
        let doc = Doc::from_json(&value);
        let root = doc.root();
        assert_eq!(root.to_json(), value);
        assert_eq!(root.to_json_text(), value.to_string());
        assert_eq!(root.get("rows").unwrap().members().map(|m| m.key()).collect::<Vec<_>>(), ["9", "10"]);
        assert!(matches!(root.get("list").unwrap().index(1).unwrap().shape(), Shape::Bool(true)));
        assert!(root.get("missing").is_none() && root.get("list").unwrap().get("0").is_none());
    }
}
