//! Records from an input: a JSON object, an array of them, JSON lines, or a Brightpearl envelope
//! (`{"response": [...]}`, `{"response": {"<id>": {...}}}`, `{"response": {"journals": [...]}}`, or a
//! search response whose positional rows become records keyed by the column names; sibling keys such
//! as `reference` and `pagination` are ignored).
//!
//! JSON lines are read one line at a time, so memory stays flat whatever the size of the stream; a
//! malformed line is reported and the next line is read.

use std::io::BufRead;

use serde_json::Value as Json;

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
    projection: Option<crate::ir::Projection>,
    line: usize,
    pending: std::vec::IntoIter<Result<Record, InputError>>,
    /// Set once the first line shows the input is one multi-line document, which is then read whole.
    done: bool,
}

pub fn records<R: BufRead>(reader: R) -> Records<R> {
    Records { reader, projection: None, line: 0, pending: Vec::new().into_iter(), done: false }
}

/// [`records`], parsing only the parts of each JSON line that `projection` names.
pub fn projected_records<R: BufRead>(reader: R, projection: Option<crate::ir::Projection>) -> Records<R> {
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
            match self.reader.read_until(b'\n', &mut bytes) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(e) => {
                    self.done = true;
                    return Some(Err(InputError { line: Some(self.line + 1), message: format!("cannot read the input: {e}") }));
                }
            }
            // A line that is not UTF-8 is one bad record, not the end of the stream.
            let line = match String::from_utf8(bytes) {
                Ok(line) => line,
                Err(_) => return Some(Err(InputError { line: Some(self.line), message: "the line is not UTF-8 text".into() })),
            };
            if line.trim().is_empty() {
                continue;
            }
            let parsed = match &self.projection {
                Some(projection) => crate::project::parse(&line, projection),
                None => serde_json::from_str::<Json>(&line),
            };
            let parsed = match parsed {
                Ok(value) => Ok(value),
                Err(e) if self.line == 1 && e.is_eof() => {
                    // Not JSON lines: one document over several lines. Read the rest and parse it whole.
                    self.done = true;
                    let mut rest = line;
                    if let Err(e) = self.reader.read_to_string(&mut rest) {
                        return Some(Err(InputError { line: None, message: format!("cannot read the input: {e}") }));
                    }
                    serde_json::from_str::<Json>(&rest).map_err(|e| InputError { line: Some(e.line()), message: format!("malformed JSON: {e}") })
                }
                Err(e) => Err(InputError { line: Some(self.line), message: format!("malformed JSON: {e}") }),
            };
            self.pending = match parsed {
                Ok(value) => unwrap(value).into_iter(),
                Err(e) => vec![Err(e)].into_iter(),
            };
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
