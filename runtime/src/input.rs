//! Records from an input: a JSON object, an array of them, JSON lines, or a Brightpearl envelope
//! (`{"response": [...]}`, `{"response": {"<id>": {...}}}`, `{"response": {"journals": [...]}}`, or a
//! search response whose positional rows become records keyed by the column names; sibling keys such
//! as `reference` and `pagination` are ignored).
//!
//! JSON lines are read one line at a time, so memory stays flat whatever the size of the stream; a
//! malformed line is reported and the next line is read.

use std::io::BufRead;

use serde_json::Value as Json;

use crate::doc::Doc;
use crate::ir::Projection;
use crate::scan::{self, Plan};

/// One record to map, with its key in an id-keyed envelope when it came from one.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub value: Json,
    pub envelope_key: Option<String>,
}

/// A part of the input that is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub line: Option<usize>,
    pub message: String,
}

/// The records of a reader, streamed where the input is JSON lines.
pub struct Records<R: BufRead> {
    reader: R,
    /// What the mapping reads: JSON lines are parsed through it (see [`crate::project`]).
    projection: Option<Projection>,
    line: usize,
    pending: std::vec::IntoIter<Result<Record, InputError>>,
    /// Set once the first line shows the input is one multi-line document, which is then read whole.
    done: bool,
}

pub fn records<R: BufRead>(reader: R) -> Records<R> {
    Records { reader, projection: None, line: 0, pending: Vec::new().into_iter(), done: false }
}

/// [`records`], parsing only the parts of each JSON line that `projection` names.
pub fn projected_records<R: BufRead>(reader: R, projection: Option<Projection>) -> Records<R> {
    Records { projection, ..records(reader) }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.next() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let mut bytes = Vec::new();
            match crate::lines::read_line(&mut self.reader, &mut bytes) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(e) => {
                    self.done = true;
                    return Some(Err(read_error(self.line + 1, e)));
                }
            }
            // A line that is not UTF-8 is one bad record, not the end of the stream.
            let line = match String::from_utf8(bytes) {
                Ok(line) => line,
                Err(_) => return Some(Err(not_text(self.line))),
            };
            if line.trim().is_empty() {
                continue;
            }
            let (records, rest_read) = read_line(line, self.line, self.projection.as_ref(), &mut self.reader);
            self.done = rest_read;
            self.pending = records.into_iter();
        }
    }
}

/// The failure of reading line `line`.
pub fn read_error(line: usize, e: std::io::Error) -> InputError {
    InputError { line: Some(line), message: format!("cannot read the input: {e}") }
}

fn not_text(line: usize) -> InputError {
    InputError { line: Some(line), message: "the line is not UTF-8 text".into() }
}

/// The records of line number `number`, and whether the rest of the input was read with it (the
/// first line of a document over several lines).
fn read_line<R: BufRead>(line: String, number: usize, projection: Option<&Projection>, reader: &mut R) -> (Vec<Result<Record, InputError>>, bool) {
    let parsed = match projection {
        Some(projection) => crate::project::parse(&line, projection),
        None => serde_json::from_str::<Json>(&line),
    };
    let parsed = match parsed {
        Ok(value) => Ok(value),
        Err(e) if number == 1 && e.is_eof() => {
            // Not JSON lines: one document over several lines. Read the rest and parse it whole.
            let mut rest = line;
            if let Err(e) = reader.read_to_string(&mut rest) {
                return (vec![Err(InputError { line: None, message: format!("cannot read the input: {e}") })], true);
            }
            let parsed = serde_json::from_str::<Json>(&rest).map_err(|e| InputError { line: Some(e.line()), message: format!("malformed JSON: {e}") });
            return (parsed.map_or_else(|e| vec![Err(e)], unwrap), true);
        }
        Err(e) => Err(InputError { line: Some(number), message: format!("malformed JSON: {e}") }),
    };
    (parsed.map_or_else(|e| vec![Err(e)], unwrap), false)
}

/// Calls `each` with every record of a reader, as a document, or with what is wrong with a part that
/// is not one; stops at the first error `each` returns.
///
/// The streaming reader of `maprun apply`: it reads what [`projected_records`] reads, but each line of
/// JSON lines is scanned into a document borrowing from one reused buffer ([`crate::scan`]), and only
/// lines the scanner leaves (envelopes, malformed lines, a document over several lines) are parsed
/// into values first.
pub fn stream<R: BufRead, E>(mut reader: R, projection: Option<&Projection>, mut each: impl FnMut(Result<&Doc, InputError>) -> Result<(), E>) -> Result<(), E> {
    let mut lines = LineReader::new(projection);
    let mut bytes = Vec::new();
    let mut number = 0;
    loop {
        // A line after the first that the reader's buffer holds whole is read where it lies, without
        // a copy (only the first line can begin a document over several lines).
        if number > 0 {
            if let Ok(available) = reader.fill_buf() {
                if available.is_empty() {
                    return Ok(());
                }
                if let Some(end) = memchr::memchr(b'\n', available) {
                    number += 1;
                    lines.line(&available[..=end], number, &mut std::io::empty(), &mut each)?;
                    reader.consume(end + 1);
                    continue;
                }
            }
        }
        bytes.clear();
        match crate::lines::read_line(&mut reader, &mut bytes) {
            Ok(0) => return Ok(()),
            Ok(_) => number += 1,
            Err(e) => return each(Err(read_error(number + 1, e))),
        }
        if lines.line(&bytes, number, &mut reader, &mut each)? {
            return Ok(());
        }
    }
}

/// The reader of [`stream`], one line at a time: lines can be read by several threads, each with
/// its own `LineReader`.
pub struct LineReader<'p> {
    plan: Plan,
    projection: Option<&'p Projection>,
    /// The last document's nodes, for the next.
    spare: Doc<'static>,
}

impl<'p> LineReader<'p> {
    pub fn new(projection: Option<&'p Projection>) -> Self {
        LineReader { plan: Plan::new(projection), projection, spare: Doc::default() }
    }

    /// Calls `each` with the records of line `number` (its bytes, line end included). The first line
    /// may begin a document over several lines: then the rest of `reader` is read with it, and the
    /// result is `true`. `reader` is not read for any other line.
    pub fn line<R: BufRead, E>(
        &mut self,
        bytes: &[u8],
        number: usize,
        reader: &mut R,
        each: &mut impl FnMut(Result<&Doc, InputError>) -> Result<(), E>,
    ) -> Result<bool, E> {
        let Ok(line) = std::str::from_utf8(bytes) else {
            each(Err(not_text(number)))?;
            return Ok(false);
        };
        if line.trim().is_empty() {
            return Ok(false);
        }
        match scan::parse_into(line, &self.plan, std::mem::take(&mut self.spare)) {
            Ok(doc) => {
                each(Ok(&doc))?;
                self.spare = doc.recycle();
                Ok(false)
            }
            Err(scan::Unhandled) => {
                let (records, rest_read) = read_line(line.to_string(), number, self.projection, reader);
                for record in records {
                    match record {
                        Ok(record) => each(Ok(&Doc::from_json(&record.value)))?,
                        Err(e) => each(Err(e))?,
                    }
                }
                Ok(rest_read)
            }
        }
    }
}

/// The records one top-level JSON value holds.
pub fn unwrap(value: Json) -> Vec<Result<Record, InputError>> {
    let record = |value: Json, envelope_key: Option<String>| Ok(Record { value, envelope_key });
    match value {
        Json::Array(items) => items.into_iter().map(|v| check_object(v, None)).collect(),
        Json::Object(mut object) if object.contains_key("response") => match object.remove("response").unwrap_or(Json::Null) {
            Json::Array(items) => items.into_iter().map(|v| check_object(v, None)).collect(),
            Json::Object(inner) => {
                if let Some(Json::Array(journals)) = inner.get("journals") {
                    return journals.iter().cloned().map(|v| check_object(v, None)).collect();
                }
                if let Some(records) = search_results(&inner) {
                    return records;
                }
                let keyed = !inner.is_empty() && inner.keys().all(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
                if keyed {
                    inner.into_iter().map(|(k, v)| check_object(v, Some(k))).collect()
                } else {
                    vec![record(Json::Object(inner), None)]
                }
            }
            other => vec![Err(InputError { line: None, message: format!("the envelope's `response` is {}, not records", kind(&other)) })],
        },
        Json::Object(_) => vec![record(value, None)],
        other => vec![Err(InputError { line: None, message: format!("expected a record (a JSON object), found {}", kind(&other)) })],
    }
}

/// A search response (`{"results": [[...]], "metaData": {"columns": [{"name": ...}]}}`): each positional
/// row becomes a record keyed by the column names.
fn search_results(response: &serde_json::Map<String, Json>) -> Option<Vec<Result<Record, InputError>>> {
    let rows = response.get("results")?.as_array()?;
    let columns: Vec<&str> = response.get("metaData")?.get("columns")?.as_array()?.iter().map(|c| c.get("name").and_then(Json::as_str)).collect::<Option<_>>()?;
    Some(
        rows.iter()
            .map(|row| match row.as_array() {
                Some(cells) if cells.len() == columns.len() => {
                    let record = columns.iter().zip(cells).map(|(name, cell)| (name.to_string(), cell.clone())).collect();
                    Ok(Record { value: Json::Object(record), envelope_key: None })
                }
                _ => Err(InputError { line: None, message: format!("a search result row does not match the {} columns", columns.len()) }),
            })
            .collect(),
    )
}

fn check_object(value: Json, envelope_key: Option<String>) -> Result<Record, InputError> {
    match value {
        Json::Object(_) => Ok(Record { value, envelope_key }),
        other => Err(InputError { line: None, message: format!("expected a record (a JSON object), found {}", kind(&other)) }),
    }
}

fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(input: &str) -> Vec<Result<String, String>> {
        records(input.as_bytes())
            .map(|r| r.map(|r| r.envelope_key.unwrap_or_else(|| r.value["id"].to_string())).map_err(|e| e.message))
            .collect()
    }

    #[test]
    fn every_input_shape() {
        assert_eq!(keys(r#"{"id":1}"#), [Ok("1".into())]);
        assert_eq!(keys("[{\"id\":1},\n {\"id\":2}]"), [Ok("1".into()), Ok("2".into())]);
        assert_eq!(keys("{\"id\":1}\n\n{\"id\":2}\n"), [Ok("1".into()), Ok("2".into())]);
        assert_eq!(keys(r#"{"response":[{"id":7}],"reference":{}}"#), [Ok("7".into())]);
        assert_eq!(keys(r#"{"response":{"12":{"a":1},"9":{"a":2}}}"#), [Ok("12".into()), Ok("9".into())]);
        assert_eq!(keys(r#"{"response":{"journals":[{"id":3}]}}"#), [Ok("3".into())]);
        assert_eq!(keys("{\n  \"id\": 5\n}\n"), [Ok("5".into())], "one document over several lines");
        let search = r#"{"response":{"results":[[11,"a"],[12,"b"],[13]],"metaData":{"columns":[{"name":"id"},{"name":"ref"}]}}}"#;
        let got = keys(search);
        assert_eq!(got[..2], [Ok("11".into()), Ok("12".into())]);
        assert!(got[2].as_ref().unwrap_err().contains("2 columns"), "a short row is one failure");
    }

    #[test]
    fn a_line_that_is_not_text_is_one_failure() {
        let input: &[u8] = b"{\"id\":1}\n{\"id\":\"\xff\"}\n{\"id\":3}\n";
        let got: Vec<bool> = records(input).map(|r| r.is_ok()).collect();
        assert_eq!(got, [true, false, true]);
    }

    #[test]
    fn a_malformed_line_is_reported_and_the_rest_is_read() {
        let got = keys("{\"id\":1}\n{\"id\":\n{\"id\":3}\n[1]\n");
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], Ok("1".into()));
        assert!(got[1].as_ref().unwrap_err().contains("malformed JSON"));
        assert_eq!(got[2], Ok("3".into()));
        assert!(got[3].as_ref().unwrap_err().contains("found a number"));
    }
}
