//! The fast reader of one JSON line: it walks the bytes once, builds nodes only for what the
//! mapping's projection names and steps over the rest, borrowing text from the line.
//!
//! It accepts only what serde_json accepts and gives what [`crate::project::parse`] gives for it. What
//! it does not handle itself it refuses with [`Unhandled`], and the caller reads that line the general
//! way: malformed JSON (so that its message is serde_json's), an envelope or an array of records,
//! duplicate keys, numbers with an exponent where they are kept, `\u` escapes of surrogates where text
//! is kept, or nesting deeper than [`MAX_DEPTH`].

use std::borrow::Cow;

use crate::doc::{name_id, Doc, Kind, Node};
use crate::ir::Projection;

/// Deeper than this, a line is read the general way (serde_json's own limit is 128).
const MAX_DEPTH: usize = 100;

/// The line needs the general reader.
#[derive(Debug, PartialEq, Eq)]
pub struct Unhandled;

type Scan<T> = Result<T, Unhandled>;

/// A projection compiled for scanning: each node's field names with the plan of their values.
#[derive(Debug, Clone)]
pub struct Plan {
    nodes: Vec<PlanNode>,
    /// A plan keeping the whole value: for an array where the mapping reads a record.
    whole: usize,
}

#[derive(Debug, Clone)]
struct PlanNode {
    /// Keep the whole value.
    all: bool,
    /// Each field's name, [`name_id`] and plan.
    fields: Vec<(Box<str>, u32, usize)>,
    /// The plan of every member (`*`).
    every: Option<usize>,
}

impl Plan {
    /// The plan for a program's projection; without one, whole records are kept.
    pub fn new(projection: Option<&Projection>) -> Plan {
        let mut plan = Plan { nodes: Vec::new(), whole: 0 };
        if let Some(p) = projection {
            plan.add(p);
        }
        plan.whole = plan.nodes.len();
        plan.nodes.push(PlanNode { all: true, fields: Vec::new(), every: None });
        plan
    }

    fn add(&mut self, projection: &Projection) -> usize {
        let at = self.nodes.len();
        self.nodes.push(PlanNode { all: projection.all, fields: Vec::new(), every: None });
        for (name, child) in &projection.fields {
            let index = self.add(child);
            if name == "*" {
                self.nodes[at].every = Some(index);
            } else {
                self.nodes[at].fields.push((name.as_str().into(), name_id(name), index));
            }
        }
        at
    }

    /// How to read a member named `key` of an object read with plan `at`.
    fn member(&self, at: usize, key: &str) -> Member {
        let node = &self.nodes[at];
        if node.all {
            return Member::Any(at);
        }
        let (key, head) = (key.as_bytes(), key.as_bytes().first());
        // Length and first byte first: most keys differ there, and need no comparison call.
        let named = node
            .fields
            .iter()
            .position(|(name, ..)| name.len() == key.len() && name.as_bytes().first() == head && name.as_bytes() == key);
        match (named, node.every) {
            (Some(i), _) => Member::Named(i, node.fields[i].1, node.fields[i].2),
            (None, Some(every)) => Member::Any(every),
            (None, None) => Member::Skip,
        }
    }

    /// The plan of each entry of an array read with plan `at`: `None` to skip them. An array where
    /// the mapping reads a record's fields is kept whole, so that the record's failure quotes it as
    /// it is.
    fn entry(&self, at: usize) -> Option<usize> {
        let node = &self.nodes[at];
        match node.every {
            _ if node.all => Some(at),
            Some(every) => Some(every),
            None if !node.fields.is_empty() => Some(self.whole),
            None => None,
        }
    }
}

/// How a member of an object is read.
enum Member {
    /// The plan's field number `.0`, whose key is name number `.1`, read with plan `.2`.
    Named(usize, u32, usize),
    /// Any key, read with this plan.
    Any(usize),
    Skip,
}

/// Reads one line holding one record (a JSON object) through `plan`.
pub fn parse<'a>(text: &'a str, plan: &Plan) -> Scan<Doc<'a>> {
    parse_into(text, plan, Doc::default())
}

/// [`parse`], building the document in `spare` (see [`Doc::recycle`]) to reuse its allocation.
pub fn parse_into<'a>(text: &'a str, plan: &Plan, mut spare: Doc<'static>) -> Scan<Doc<'a>> {
    let members = std::mem::take(&mut spare.scratch);
    let mut scanner = Scanner { text, bytes: text.as_bytes(), pos: 0, plan, doc: spare, members };
    scanner.doc.nodes.clear();
    scanner.members.clear();
    if scanner.peek()? != b'{' {
        return Err(Unhandled);
    }
    scanner.value(Cow::Borrowed(""), 0, 0)?;
    scanner.skip_whitespace();
    if scanner.pos != scanner.bytes.len() {
        return Err(Unhandled);
    }
    scanner.doc.scratch = scanner.members;
    Ok(scanner.doc)
}

/// serde_json's private keys (numbers and raw values as one-entry maps): a record using one as its
/// first key is read the general way.
const PRIVATE_KEY: &str = "$serde_json::private::";

struct Scanner<'a, 'p> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    plan: &'p Plan,
    doc: Doc<'a>,
    /// The members of the objects and arrays being read, innermost last.
    members: Vec<u32>,
}

/// Bytes that end the plain run of a string: the quote, the backslash and control characters.
static STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

impl<'a> Scanner<'a, '_> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte that is not whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Scan<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) if !matches!(b, b' ' | b'\n' | b'\t' | b'\r') => Ok(b),
            _ => {
                self.skip_whitespace();
                self.bytes.get(self.pos).copied().ok_or(Unhandled)
            }
        }
    }

    fn expect(&mut self, byte: u8) -> Scan<()> {
        if self.peek()? != byte {
            return Err(Unhandled);
        }
        self.pos += 1;
        Ok(())
    }

    fn push(&mut self, key: Cow<'a, str>, kind: Kind<'a>) -> u32 {
        let at = self.doc.nodes.len() as u32;
        self.doc.nodes.push(Node { key, kind, next: 0, name: 0 });
        at
    }

    /// Reads a value with plan `plan` into a new node.
    fn value(&mut self, key: Cow<'a, str>, plan: usize, depth: usize) -> Scan<u32> {
        if depth > MAX_DEPTH {
            return Err(Unhandled);
        }
        let kind = match self.peek()? {
            b'{' => return self.object(key, plan, depth),
            b'[' => return self.array(key, plan, depth),
            b'"' => {
                self.pos += 1;
                Kind::String(self.string()?)
            }
            b't' => self.literal("true", Kind::Bool(true))?,
            b'f' => self.literal("false", Kind::Bool(false))?,
            b'n' => self.literal("null", Kind::Null)?,
            _ => {
                let start = self.pos;
                if self.number()? {
                    // serde_json rewrites an exponent (`1E5` becomes `1e+5`): left to it.
                    return Err(Unhandled);
                }
                Kind::Number(Cow::Borrowed(self.text.get(start..self.pos).ok_or(Unhandled)?))
            }
        };
        Ok(self.push(key, kind))
    }

    fn literal(&mut self, word: &str, kind: Kind<'a>) -> Scan<Kind<'a>> {
        if !self.bytes.get(self.pos..).is_some_and(|rest| rest.starts_with(word.as_bytes())) {
            return Err(Unhandled);
        }
        self.pos += word.len();
        Ok(kind)
    }

    fn object(&mut self, key: Cow<'a, str>, plan: usize, depth: usize) -> Scan<u32> {
        self.pos += 1;
        let at = self.push(key, Kind::Object { first: 0, len: 0 });
        let start = self.members.len();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Ok(at);
        }
        let mut first = true;
        // The plan's fields read so far, while the keys read are all among the first 64 of them:
        // a repeated one shows here without comparing keys.
        let mut named: u64 = 0;
        let mut only_named = true;
        loop {
            self.expect(b'"')?;
            let key = self.string()?;
            if (first && key.starts_with(PRIVATE_KEY)) || (depth == 0 && key == "response") {
                return Err(Unhandled);
            }
            first = false;
            self.expect(b':')?;
            let child = match self.plan.member(plan, &key) {
                Member::Named(i, name, child) if i < 64 => {
                    if named & (1 << i) != 0 {
                        // serde_json keeps the first position and the last value of a repeated key.
                        return Err(Unhandled);
                    }
                    named |= 1 << i;
                    Some((child, name))
                }
                Member::Named(_, name, child) => {
                    only_named = false;
                    Some((child, name))
                }
                Member::Any(child) => {
                    only_named = false;
                    Some((child, 0))
                }
                Member::Skip => None,
            };
            match child {
                Some((child, name)) => {
                    let member = self.value(key, child, depth + 1)?;
                    self.doc.nodes[member as usize].name = name;
                    self.members.push(member);
                }
                None => self.skip(depth + 1)?,
            }
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => break,
                _ => return Err(Unhandled),
            }
        }
        self.pos += 1;
        let members = &self.members[start..];
        if !only_named && has_duplicate(members.iter().map(|&m| self.doc.nodes[m as usize].key.as_ref())) {
            return Err(Unhandled);
        }
        self.doc.link(at, members);
        self.members.truncate(start);
        Ok(at)
    }

    fn array(&mut self, key: Cow<'a, str>, plan: usize, depth: usize) -> Scan<u32> {
        self.pos += 1;
        let at = self.push(key, Kind::Array { first: 0, len: 0 });
        let start = self.members.len();
        let entry = self.plan.entry(plan);
        if self.peek()? == b']' {
            self.pos += 1;
            return Ok(at);
        }
        loop {
            match entry {
                Some(child) => {
                    let member = self.value(Cow::Borrowed(""), child, depth + 1)?;
                    self.members.push(member);
                }
                None => self.skip(depth + 1)?,
            }
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => break,
                _ => return Err(Unhandled),
            }
        }
        self.pos += 1;
        self.doc.link(at, &self.members[start..]);
        self.members.truncate(start);
        Ok(at)
    }

    /// Steps over a value, checking it is well formed, building nothing.
    fn skip(&mut self, depth: usize) -> Scan<()> {
        if depth > MAX_DEPTH {
            return Err(Unhandled);
        }
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                if self.peek()? == b'}' {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    self.expect(b'"')?;
                    self.skip_string()?;
                    self.expect(b':')?;
                    self.skip(depth + 1)?;
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => break,
                        _ => return Err(Unhandled),
                    }
                }
                self.pos += 1;
            }
            b'[' => {
                self.pos += 1;
                if self.peek()? == b']' {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    self.skip(depth + 1)?;
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => break,
                        _ => return Err(Unhandled),
                    }
                }
                self.pos += 1;
            }
            b'"' => {
                self.pos += 1;
                self.skip_string()?;
            }
            b't' => {
                self.literal("true", Kind::Null)?;
            }
            b'f' => {
                self.literal("false", Kind::Null)?;
            }
            b'n' => {
                self.literal("null", Kind::Null)?;
            }
            _ => {
                self.number()?;
            }
        }
        Ok(())
    }

    /// The plain run of a string from the current position: up to a quote, a backslash or a control
    /// character, which it returns (not consumed).
    #[inline]
    fn plain_run(&mut self) -> Scan<u8> {
        let end = first_stop(self.bytes, self.pos).ok_or(Unhandled)?;
        self.pos = end;
        Ok(self.bytes[end])
    }

    /// A string's text after its opening quote, borrowed unless it has escapes.
    fn string(&mut self) -> Scan<Cow<'a, str>> {
        let start = self.pos;
        if self.plain_run()? == b'"' {
            let text = self.text.get(start..self.pos).ok_or(Unhandled)?;
            self.pos += 1;
            return Ok(Cow::Borrowed(text));
        }
        let mut owned = String::from(self.text.get(start..self.pos).ok_or(Unhandled)?);
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(owned));
                }
                Some(b'\\') => {
                    owned.push(self.escape()?);
                    let run = self.pos;
                    self.plain_run()?;
                    owned.push_str(self.text.get(run..self.pos).ok_or(Unhandled)?);
                }
                _ => return Err(Unhandled),
            }
        }
    }

    /// One escape after its backslash; `\u` escapes of surrogates are left to serde_json.
    fn escape(&mut self) -> Scan<char> {
        let c = match self.bytes.get(self.pos + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let code = self.hex4(self.pos + 2)?;
                self.pos += 6;
                return char::from_u32(code).ok_or(Unhandled);
            }
            _ => return Err(Unhandled),
        };
        self.pos += 2;
        Ok(c)
    }

    fn hex4(&self, at: usize) -> Scan<u32> {
        let digits = self.bytes.get(at..at + 4).ok_or(Unhandled)?;
        digits.iter().try_fold(0, |code, &d| Ok(code * 16 + (d as char).to_digit(16).ok_or(Unhandled)?))
    }

    /// Steps over a string after its opening quote, checking its escapes.
    fn skip_string(&mut self) -> Scan<()> {
        loop {
            match self.plain_run()? {
                b'"' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => match self.bytes.get(self.pos + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                    Some(b'u') => {
                        self.hex4(self.pos + 2)?;
                        self.pos += 6;
                    }
                    _ => return Err(Unhandled),
                },
                _ => return Err(Unhandled),
            }
        }
    }

    /// Steps over a number as JSON writes it; whether it has an exponent.
    fn number(&mut self) -> Scan<bool> {
        let digits = |s: &mut Self| {
            let start = s.pos;
            while let Some(b'0'..=b'9') = s.bytes.get(s.pos) {
                s.pos += 1;
            }
            s.pos - start
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                    return Err(Unhandled);
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(Unhandled),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(Unhandled);
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(Unhandled);
            }
            return Ok(true);
        }
        Ok(false)
    }
}

/// The position of the first quote, backslash or control character from `from` on: sixteen bytes at
/// a time with SSE2, which every x86-64 processor has.
#[cfg(target_arch = "x86_64")]
fn first_stop(bytes: &[u8], from: usize) -> Option<usize> {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut pos = from;
    while pos + 16 <= bytes.len() {
        // SAFETY: SSE2 is part of the x86-64 baseline, and the 16 bytes loaded (unaligned) lie inside
        // `bytes` (the loop's condition).
        let mask = unsafe {
            let chunk = _mm_loadu_si128(bytes.as_ptr().add(pos).cast());
            let quote = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'\\' as i8));
            // Below 0x20, unsigned: the byte is its own minimum with 0x1F.
            let control = _mm_cmpeq_epi8(_mm_min_epu8(chunk, _mm_set1_epi8(0x1f)), chunk);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
        };
        if mask != 0 {
            return Some(pos + mask.trailing_zeros() as usize);
        }
        pos += 16;
    }
    first_stop_bytewise(bytes, pos)
}

#[cfg(not(target_arch = "x86_64"))]
fn first_stop(bytes: &[u8], from: usize) -> Option<usize> {
    first_stop_bytewise(bytes, from)
}

fn first_stop_bytewise(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| STRING_STOP[b as usize]).map(|i| from + i)
}

/// Whether two of the keys are the same.
fn has_duplicate<'k>(keys: impl ExactSizeIterator<Item = &'k str> + Clone) -> bool {
    if keys.len() <= 16 {
        let mut rest = keys.clone();
        return keys.into_iter().any(|key| {
            rest.next();
            rest.clone().any(|other| other == key)
        });
    }
    let mut sorted: Vec<&str> = keys.collect();
    sorted.sort_unstable();
    sorted.windows(2).any(|pair| pair[0] == pair[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    fn order_projection() -> Projection {
        Projection::kept_whole(&[
            "id",
            "placedOn",
            "rows.*.net",
            "rows.*.qty.magnitude",
            "party.name",
            "party.phone",
            "tags",
            "list.*",
        ])
    }

    /// What the general reader gives for a line, when it gives one record.
    fn general(text: &str, projection: &Projection) -> Option<Json> {
        let value = crate::project::parse(text, projection).ok()?;
        match &value {
            Json::Object(map) if !map.contains_key("response") => Some(value),
            _ => None,
        }
    }

    /// The scanner gives what the general reader gives, or leaves the line to it.
    fn agrees(text: &str, projection: &Projection) {
        let plan = Plan::new(Some(projection));
        if let Ok(doc) = parse(text, &plan) {
            let expected =
                general(text, projection).unwrap_or_else(|| panic!("scanned a line serde_json refuses: {text:?}"));
            assert_eq!(doc.root().to_json(), expected, "{text:?}");
            assert_eq!(doc.root().to_json_text(), expected.to_string(), "{text:?}");
        }
        let whole = Plan::new(None);
        if let Ok(doc) = parse(text, &whole) {
            let expected: Json = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("scanned a line serde_json refuses ({e}): {text:?}"));
            assert_eq!(doc.root().to_json(), expected, "{text:?}");
        }
    }

    const LINES: &[&str] = &[
        r#"{"id":12345678901234567890,"skip":{"deep":[1,2,{"x":"y\ud83d\ude00"}],"e":1E+400},"rows":{"9":{"net":"1.50","other":1},"10":{"net":2.25,"qty":{"magnitude":"-0.0000","x":[]}}},"party":{"name":"A \"B\" \u00e9😀","phone":null},"placedOn":"2020-01-01T00:00:00Z"}"#,
        "{ \"id\" : -0.5 ,\t\"tags\" : [ true , false , null , { \"a\" : [ ] } ] , \"list\" : [ 1 , \"two\" , [ 3 ] ] }\r\n",
        r#"{"party":{"name":"tab\tnew\\line\/slash\b\f\n\r","phone":"\u0041\u00DF"},"rows":[{"net":1},{"net":0}],"id":0}"#,
        r#"{"id":1,"party":"not an object","rows":7,"list":{"a":1,"b":{"c":[1,{"d":2}]}},"tags":{}}"#,
        r#"{"id":"é€😀","skipped":"\u0000\ud800 escapes are only checked","rows":{},"list":[],"party":{}}"#,
    ];

    #[test]
    fn finds_the_end_of_a_plain_run_wherever_it_is() {
        let base = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP";
        assert_eq!(first_stop(base, 0), None);
        for at in 0..base.len() {
            for stop in [b'"', b'\\', 0, b'\n', 0x1f] {
                let mut text = base.to_vec();
                text[at] = stop;
                for from in 0..=at {
                    assert_eq!(first_stop(&text, from), Some(at));
                }
                assert_eq!(first_stop(&text, at + 1), None);
            }
        }
        assert_eq!(first_stop("é😀\u{7f} \"".as_bytes(), 0), Some(8));
    }

    #[test]
    fn scans_what_the_general_reader_reads() {
        let p = order_projection();
        for line in LINES {
            agrees(line, &p);
            assert!(parse(line, &Plan::new(Some(&p))).is_ok(), "{line}");
        }
    }

    #[test]
    fn keeps_an_array_whole_where_a_record_is_read() {
        // `party.name` is read: `party` should be a record, and a failure quotes what stands there.
        let p = order_projection();
        let line = r#"{"id":1,"party":["1.0000",{"name":"A","x":[2]}],"rows":{"9":{"qty":[3,4]}}}"#;
        let doc = parse(line, &Plan::new(Some(&p))).unwrap();
        let root = doc.root();
        assert_eq!(root.get("party").unwrap().to_json_text(), r#"["1.0000",{"name":"A","x":[2]}]"#);
        let row = root.get("rows").unwrap().get("9").unwrap();
        assert_eq!(row.get("qty").unwrap().to_json_text(), "[3,4]");
        agrees(line, &p);
    }

    #[test]
    fn leaves_the_unusual_to_the_general_reader() {
        let plan = Plan::new(Some(&order_projection()));
        for line in [
            r#"{"id":1,"id":2}"#,
            r#"{"rows":{"1":{"net":1},"1":{"net":2}}}"#,
            r#"{"id":1e5}"#,
            r#"{"party":{"name":"\ud83d\ude00"}}"#,
            r#"{"response":[{"id":1}]}"#,
            r#"[{"id":1}]"#,
            r#"{"$serde_json::private::Number":"1"}"#,
            r#"{"id":1} x"#,
            r#"{"id":01}"#,
            r#"{"id":"a
b"}"#,
            "{\"skip\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
            r#"{"id":1"#,
            "",
        ] {
            assert_eq!(parse(line, &plan).err(), Some(Unhandled), "{line}");
        }
    }

    /// Random edits of well-formed lines (bytes that matter to JSON inserted, deleted, replaced):
    /// whatever the scanner accepts, serde_json accepts and reads the same.
    #[test]
    fn agrees_with_serde_json_on_damaged_lines() {
        let p = order_projection();
        let alphabet: Vec<char> = "{}[],:\"\\ 0123456789-+.eEtrufalsn/bu\u{1}\n\té😀".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut random = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut chars: Vec<char> = LINES[random(LINES.len())].chars().collect();
            for _ in 0..1 + random(3) {
                let at = random(chars.len() + 1);
                match random(3) {
                    0 => chars.insert(at, alphabet[random(alphabet.len())]),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ if at < chars.len() => chars[at] = alphabet[random(alphabet.len())],
                    _ => {}
                }
            }
            let line: String = chars.into_iter().collect();
            agrees(&line, &p);
        }
    }
}
