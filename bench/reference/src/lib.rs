//! The sales-order mapping (`mappings/sales_order.map`, default params, no lookups) written by hand, as a
//! careful engineer would without the toolchain: the baseline `maprun apply` is timed against and checked
//! against (`bench/run.sh`).
//!
//! Input: JSON lines of Brightpearl orders, streamed one line at a time through reused buffers (an array,
//! a Brightpearl envelope `{"response": ...}` or one document over several lines is read too, as
//! `maprun apply` reads them). Output: one `<eConnect>` document holding every transaction; each failed
//! record is one JSON line on the error stream (`key`, `mapping`, `field`, `class`, `message`), then
//! `{"summary":{"ok":N,"failed":M,"skipped":K}}`.

pub mod exact;
pub mod input;
pub mod map;
pub mod read;

use std::io::{self, BufRead, Write};

use serde_json::Value;

use crate::input::Rec;
pub use crate::map::{Failure, Mapper};

pub const DOCUMENT_START: &[u8] = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<eConnect>\n";
pub const DOCUMENT_END: &[u8] = b"</eConnect>\n";

/// Records written, failed, skipped (this mapping never skips).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub ok: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Flush the document and the failure lines once they hold this much.
const FLUSH_AT: usize = 1 << 16;

/// Maps every record of `input`: the document to `out`, failures and the summary to `err`.
pub fn run<R: BufRead, W: Write, E: Write>(mut input: R, out: &mut W, err: &mut E) -> io::Result<Summary> {
    let mut run = Run { mapper: Mapper::new(), errors: Vec::with_capacity(FLUSH_AT), summary: Summary::default() };
    out.write_all(DOCUMENT_START)?;
    // A line that is not whole in the reader's buffer, or that needs more than the usual path.
    let mut line: Vec<u8> = Vec::with_capacity(1 << 16);
    let mut line_no = 0usize;
    loop {
        // The usual case: a whole line in the reader's buffer, mapped where it is.
        let (consumed, leftover) = match input.fill_buf() {
            Ok([]) => break,
            Ok(buf) => match memchr::memchr(b'\n', buf) {
                Some(i) => {
                    line_no += 1;
                    if run.line_in_place(&buf[..=i]) {
                        (i + 1, None)
                    } else {
                        line.clear();
                        line.extend_from_slice(&buf[..=i]);
                        (i + 1, Some(false))
                    }
                }
                None => {
                    line.clear();
                    line.extend_from_slice(buf);
                    (buf.len(), Some(true))
                }
            },
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                run.failed(Failure::unkeyed(format!("input line {}: cannot read the input: {e}", line_no + 1)));
                break;
            }
        };
        input.consume(consumed);
        if let Some(partial) = leftover {
            if partial {
                // The rest of a line that runs past the buffer (or the last line, without a line feed).
                if let Err(e) = input.read_until(b'\n', &mut line) {
                    run.failed(Failure::unkeyed(format!("input line {}: cannot read the input: {e}", line_no + 1)));
                    break;
                }
                line_no += 1;
            }
            if run.line(&line, line_no, &mut input) {
                break;
            }
        }
        if run.mapper.out.len() >= FLUSH_AT {
            out.write_all(&run.mapper.out)?;
            run.mapper.out.clear();
        }
        if run.errors.len() >= FLUSH_AT {
            err.write_all(&run.errors)?;
            run.errors.clear();
        }
    }
    out.write_all(&run.mapper.out)?;
    out.write_all(DOCUMENT_END)?;
    out.flush()?;
    let s = run.summary;
    let _ = writeln!(run.errors, "{{\"summary\":{{\"ok\":{},\"failed\":{},\"skipped\":{}}}}}", s.ok, s.failed, s.skipped);
    err.write_all(&run.errors)?;
    err.flush()?;
    Ok(s)
}

struct Run {
    mapper: Mapper,
    errors: Vec<u8>,
    summary: Summary,
}

impl Run {
    /// One order on a line, mapped in place. Returns false when the line needs [`Run::line`].
    fn line_in_place(&mut self, bytes: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(bytes) else { return false };
        if text.trim().is_empty() {
            return true;
        }
        match input::parse_line(text) {
            Ok(Rec::Obj(order)) if !order.response.0 => {
                let outcome = self.mapper.map(&order);
                self.outcome(outcome);
                true
            }
            _ => false,
        }
    }

    /// Any line. Returns whether it began a document over several lines, read to the end.
    fn line<R: BufRead>(&mut self, bytes: &[u8], line_no: usize, input: &mut R) -> bool {
        let Ok(text) = std::str::from_utf8(bytes) else {
            self.failed(Failure::unkeyed(format!("input line {line_no}: the line is not UTF-8 text")));
            return false;
        };
        if text.trim().is_empty() {
            return false;
        }
        match input::parse_line(text) {
            Ok(Rec::Obj(order)) if !order.response.0 => {
                let outcome = self.mapper.map(&order);
                self.outcome(outcome);
                false
            }
            // Anything else (an envelope, an array, a key twice, malformed JSON) is read as serde_json's
            // `Value` first, as maprun reads it.
            _ => self.slow_line(text, line_no, input),
        }
    }

    fn outcome(&mut self, outcome: Result<(), Failure>) {
        match outcome {
            Ok(()) => self.summary.ok += 1,
            Err(failure) => self.failed(failure),
        }
    }

    fn failed(&mut self, failure: Failure) {
        self.summary.failed += 1;
        failure.json_line(&mut self.errors);
    }

    /// A line that is not a plain order. Returns whether it began a document over several lines (which
    /// is then read to the end).
    fn slow_line<R: BufRead>(&mut self, text: &str, line_no: usize, input: &mut R) -> bool {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => {
                self.records(value);
                false
            }
            Err(e) if line_no == 1 && e.is_eof() => {
                let mut rest = text.to_string();
                if let Err(e) = input.read_to_string(&mut rest) {
                    self.failed(Failure::unkeyed(format!("cannot read the input: {e}")));
                    return true;
                }
                match serde_json::from_str::<Value>(&rest) {
                    Ok(value) => self.records(value),
                    Err(e) => self.failed(Failure::unkeyed(format!("input line {}: malformed JSON: {e}", e.line()))),
                }
                true
            }
            Err(e) => {
                self.failed(Failure::unkeyed(format!("input line {line_no}: malformed JSON: {e}")));
                false
            }
        }
    }

    /// Maps the records one JSON value holds.
    fn records(&mut self, value: Value) {
        for record in unwrap(value) {
            match record {
                Ok(record) => {
                    let text = record.to_string();
                    let outcome = match input::parse_line(&text) {
                        Ok(Rec::Obj(order)) => self.mapper.map(&order),
                        Ok(_) => Err(Failure::unkeyed("expected a record (a JSON object)".into())),
                        Err(e) => Err(Failure::unkeyed(e.to_string())),
                    };
                    self.outcome(outcome);
                }
                Err(message) => self.failed(Failure::unkeyed(message)),
            }
        }
    }
}

/// The records one top-level JSON value holds: an order, an array of them, or a Brightpearl envelope
/// (`{"response": [...]}`, `{"response": {"<id>": {...}}}`, `{"response": {...one...}}`).
pub fn unwrap(value: Value) -> Vec<Result<Value, String>> {
    match value {
        Value::Array(items) => items.into_iter().map(object).collect(),
        Value::Object(mut envelope) if envelope.contains_key("response") => match envelope.remove("response").unwrap_or(Value::Null) {
            Value::Array(items) => items.into_iter().map(object).collect(),
            Value::Object(inner) => {
                if let Some(Value::Array(journals)) = inner.get("journals") {
                    return journals.iter().cloned().map(object).collect();
                }
                let keyed = !inner.is_empty() && inner.keys().all(|k| input::is_id(k));
                if keyed {
                    inner.into_iter().map(|(_, v)| object(v)).collect()
                } else {
                    vec![Ok(Value::Object(inner))]
                }
            }
            other => vec![Err(format!("the envelope's `response` is {}, not records", kind(&other)))],
        },
        Value::Object(_) => vec![Ok(value)],
        other => vec![Err(format!("expected a record (a JSON object), found {}", kind(&other)))],
    }
}

fn object(value: Value) -> Result<Value, String> {
    match value {
        Value::Object(_) => Ok(value),
        other => Err(format!("expected a record (a JSON object), found {}", kind(&other))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
