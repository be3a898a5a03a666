//! One record mapped and rendered ([`Mapper`]), and written where it goes, in input order ([`Sink`]).

use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use bumpalo::Bump;
use maprun::doc::Doc;
use maprun::exec::{Class, Env, Failure, Outcome};
use maprun::input::InputError;
use maprun::ir::{Format, Program};
use maprun::writers::econnect::{self, XmlOptions, XmlWriter};
use maprun::writers::json;

/// What became of one record.
pub enum Mapped {
    /// Its document is `text` of the buffer it was rendered into.
    Written {
        key: String,
        text: Range<usize>,
    },
    Skipped,
    Failed {
        key: Option<String>,
        failure: Failure,
    },
}

impl Mapped {
    /// A part of the input that is not a record: a validation failure without a key.
    pub fn input_failure(e: InputError) -> Mapped {
        let message = match e.line {
            Some(line) => format!("input line {line}: {}", e.message),
            None => e.message,
        };
        Mapped::Failed { key: None, failure: Failure { class: Class::Validation, field: None, message } }
    }
}

/// Maps records and renders their documents.
pub struct Mapper<'p> {
    program: &'p Program,
    env: Env<'p>,
    xml: XmlWriter<'p>,
    /// One whole document per record (`--out-dir`) rather than transactions of one document.
    whole_documents: bool,
}

impl<'p> Mapper<'p> {
    pub fn new(program: &'p Program, env: Env<'p>, options: XmlOptions, whole_documents: bool) -> Self {
        Mapper { program, env, xml: XmlWriter::new(program, options), whole_documents }
    }

    /// Maps one record, appending its document to `rendered`; `arena` holds the text the record
    /// computes until then.
    pub fn map(&self, record: Result<&Doc, InputError>, rendered: &mut String, arena: &mut Bump) -> Mapped {
        arena.reset();
        let outcome = match record {
            Ok(doc) => self.env.run_doc(doc, arena),
            Err(e) => return Mapped::input_failure(e),
        };
        match outcome {
            Outcome::Written { key, document } => {
                let start = rendered.len();
                let result = match self.program.target.format {
                    Format::Econnect if self.whole_documents => {
                        self.xml.document(&document).map(|d| rendered.push_str(&d))
                    }
                    Format::Econnect => self.xml.transaction(&document, rendered),
                    Format::Json => {
                        rendered.push_str(&json::body(self.program, &document).to_string());
                        rendered.push('\n');
                        Ok(())
                    }
                };
                match result {
                    Ok(()) => Mapped::Written { key, text: start..rendered.len() },
                    Err(failure) => Mapped::Failed { key: Some(key), failure },
                }
            }
            Outcome::Skipped { .. } => Mapped::Skipped,
            Outcome::Failed { key, failure } => Mapped::Failed { key, failure },
        }
    }
}

/// How many records were written, failed and skipped.
#[derive(Default)]
pub struct Summary {
    pub ok: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Where mapped records go: documents to standard output or to one file each, failures to `errors`.
pub struct Sink<'a, W: Write, E: Write> {
    pub out: W,
    pub errors: E,
    pub out_dir: Option<&'a Path>,
    pub program: &'a Program,
    pub summary: Summary,
}

impl<W: Write, E: Write> Sink<'_, W, E> {
    /// Writes one record's outcome; `rendered` is the buffer it was rendered into.
    pub fn put(&mut self, mapped: Mapped, rendered: &str) -> Result<(), String> {
        match mapped {
            Mapped::Written { key, text } => {
                let text = rendered.get(text).unwrap_or_default();
                match self.out_dir {
                    Some(dir) => {
                        let extension = if self.program.target.format == Format::Econnect { "xml" } else { "json" };
                        let file = dir.join(format!("{}.{extension}", file_stem(&key)));
                        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
                    }
                    None => self.out.write_all(text.as_bytes()).map_err(output_error)?,
                }
                self.summary.ok += 1;
            }
            Mapped::Skipped => self.summary.skipped += 1,
            Mapped::Failed { key, failure } => {
                self.summary.failed += 1;
                report(&mut self.errors, key.as_deref(), &self.program.name, &failure);
            }
        }
        Ok(())
    }

    /// The document's start, before the first record.
    pub fn start(&mut self) -> Result<(), String> {
        if self.program.target.format == Format::Econnect && self.out_dir.is_none() {
            self.out.write_all(econnect::DOCUMENT_START.as_bytes()).map_err(output_error)?;
        }
        Ok(())
    }

    /// The document's end and the summary line, after the last record.
    pub fn finish(&mut self) -> Result<(), String> {
        if self.program.target.format == Format::Econnect && self.out_dir.is_none() {
            self.out.write_all(econnect::DOCUMENT_END.as_bytes()).map_err(output_error)?;
        }
        self.out.flush().map_err(output_error)?;
        let summary = &self.summary;
        let line =
            serde_json::json!({"summary": {"ok": summary.ok, "failed": summary.failed, "skipped": summary.skipped}});
        let _ = writeln!(self.errors, "{line}");
        Ok(())
    }
}

fn output_error(e: io::Error) -> String {
    format!("writing the output: {e}")
}

fn report(err: &mut impl Write, key: Option<&str>, mapping: &str, failure: &Failure) {
    let line = serde_json::json!({
        "key": key,
        "mapping": mapping,
        "field": failure.field,
        "class": failure.class.as_str(),
        "message": failure.message,
    });
    let _ = writeln!(err, "{line}");
}

/// A key as a file name: characters other than letters, digits, `-` and `_` become `_`.
fn file_stem(key: &str) -> String {
    let stem: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if stem.is_empty() {
        "_".into()
    } else {
        stem
    }
}
