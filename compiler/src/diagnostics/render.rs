//! Renderings of diagnostics: rustc-style text, JSON for tools, GitHub workflow annotations.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label as ReportLabel, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};

use super::{Diagnostic, Files, Severity};

/// rustc-style text with source snippets; `color` adds ANSI colours.
pub fn render_human(files: &Files, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut simple = SimpleFiles::new();
    for (_, file) in files.iter() {
        simple.add(file.path.clone(), file.text.clone());
    }
    let config = term::Config::default();
    let mut buffer = if color { Buffer::ansi() } else { Buffer::no_color() };
    for d in diagnostics {
        let severity = match d.severity() {
            Severity::Error => ReportSeverity::Error,
            Severity::Warning => ReportSeverity::Warning,
        };
        let range = |span: crate::syntax::ast::Span| span.start as usize..span.end as usize;
        let mut labels = vec![ReportLabel::primary(d.primary.file.0 as usize, range(d.primary.span)).with_message(&d.primary.message)];
        for s in &d.secondary {
            labels.push(ReportLabel::secondary(s.file.0 as usize, range(s.span)).with_message(&s.message));
        }
        let mut report = Report::new(severity).with_code(d.code.code).with_message(&d.message).with_labels(labels);
        if let Some(help) = &d.help {
            report = report.with_notes(vec![format!("help: {help}")]);
        }
        term::emit(&mut buffer, &config, &simple, &report).expect("writing to a buffer");
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// One JSON array; lines and columns are 1-based, columns count characters, the end is exclusive.
pub fn render_json(files: &Files, diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let (line, column) = files.line_column(d.primary.file, d.primary.span.start);
            let (end_line, end_column) = files.line_column(d.primary.file, d.primary.span.end);
            serde_json::json!({
                "code": d.code.code,
                "severity": d.severity().as_str(),
                "file": files.get(d.primary.file).path,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).expect("diagnostics serialize");
    text.push('\n');
    text
}

/// GitHub workflow commands: `::error file=...,line=...::message`.
pub fn render_github(files: &Files, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let (line, column) = files.line_column(d.primary.file, d.primary.span.start);
        let (end_line, end_column) = files.line_column(d.primary.file, d.primary.span.end);
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}\n",
            d.severity().as_str(),
            escape_property(&files.get(d.primary.file).path),
            escape_property(&format!("{} {}", d.code.code, d.code.title)),
            escape_data(&message),
        ));
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
