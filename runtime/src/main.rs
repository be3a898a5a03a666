//! The `maprun` command line: `maprun apply` runs a compiled mapping over records.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use maprun::exec::{Failure, Outcome};
use maprun::input::stream;
use maprun::ir::{Format, Program};
use maprun::writers::codepage::{CodePage, Unmappable};
use maprun::writers::econnect::{self, XmlOptions};
use maprun::writers::json;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "maprun", version, about = "Runs compiled Brightpearl <-> Dynamics GP mappings")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Map records with a compiled mapping (.mir).
    Apply {
        program: PathBuf,
        /// A JSON object, an array, JSON lines, or a Brightpearl envelope; `-` for standard input.
        #[arg(long)]
        input: String,
        /// NAME=VALUE (lists: comma-separated).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// NAME=FILE: a CSV file with two columns, or a JSON object.
        #[arg(long = "lookup", value_name = "NAME=FILE")]
        lookups: Vec<String>,
        /// Write one document per record, named by its key, instead of one document on stdout.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// The code page of GP's text columns.
        #[arg(long, value_enum, default_value = "windows-1252")]
        gp_code_page: CodePageArg,
        /// What to do with a character the code page cannot store.
        #[arg(long, value_enum, default_value = "replace")]
        gp_unmappable: UnmappableArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CodePageArg {
    #[value(name = "windows-1252")]
    Windows1252,
    Unicode,
}

#[derive(Clone, Copy, ValueEnum)]
enum UnmappableArg {
    Replace,
    Reject,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let usage = e.use_stderr();
            let _ = e.print();
            return if usage { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let Command::Apply { program, input, params, lookups, out_dir, gp_code_page, gp_unmappable } = cli.command;
    let options = XmlOptions {
        code_page: match gp_code_page {
            CodePageArg::Windows1252 => CodePage::Windows1252,
            CodePageArg::Unicode => CodePage::Unicode,
        },
        unmappable: match gp_unmappable {
            UnmappableArg::Replace => Unmappable::Replace,
            UnmappableArg::Reject => Unmappable::Reject,
        },
    };
    match apply(&program, &input, &params, &lookups, out_dir.as_deref(), options) {
        Ok(summary) => {
            if summary.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("maprun: {message}");
            ExitCode::from(2)
        }
    }
}

#[derive(Default)]
struct Summary {
    ok: usize,
    failed: usize,
    skipped: usize,
}

fn pairs(args: &[String], flag: &str) -> Result<Vec<(String, String)>, String> {
    args.iter()
        .map(|a| a.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| format!("{flag} {a:?}: expected NAME=VALUE")))
        .collect()
}

/// Input and output buffers: records are kilobytes each, so a few dozen per read and write.
const BUFFER: usize = 1 << 16;

/// Loads everything first (a bad program, param or lookup stops here, exit 2), then maps record by record.
fn apply(program_path: &Path, input: &str, params: &[String], lookups: &[String], out_dir: Option<&Path>, options: XmlOptions) -> Result<Summary, String> {
    let text = std::fs::read_to_string(program_path).map_err(|e| format!("{}: {e}", program_path.display()))?;
    let program = Program::from_json(&text).map_err(|e| format!("{}: {e}", program_path.display()))?;
    let lookups: Vec<(String, maprun::env::LookupSource)> =
        pairs(lookups, "--lookup")?.into_iter().map(|(name, path)| (name, maprun::env::LookupSource::File(path))).collect();
    let env = maprun::env::build(&program, &pairs(params, "--param")?, &lookups)?;
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::with_capacity(BUFFER, io::stdin().lock()))
    } else {
        Box::new(BufReader::with_capacity(BUFFER, File::open(input).map_err(|e| format!("{input}: {e}"))?))
    };
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(BUFFER, stdout.lock());
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let xml = program.target.format == Format::Econnect;
    let io_error = |e: io::Error| format!("writing the output: {e}");
    if xml && out_dir.is_none() {
        out.write_all(econnect::DOCUMENT_START.as_bytes()).map_err(io_error)?;
    }
    let mut summary = Summary::default();
    // One buffer for every record's rendering, and the element tags rendered once.
    let mut text = String::new();
    let xml_writer = econnect::XmlWriter::new(&program, options);
    stream(reader, program.projection.as_ref(), |record| {
        let outcome = match record {
            Ok(doc) => env.run_doc(doc),
            Err(e) => {
                let message = match e.line {
                    Some(line) => format!("input line {line}: {}", e.message),
                    None => e.message,
                };
                Outcome::Failed { key: None, failure: maprun::exec::Failure { class: maprun::exec::Class::Validation, field: None, message } }
            }
        };
        let written = match outcome {
            Outcome::Written { key, document } => {
                text.clear();
                let rendered = if xml {
                    match out_dir {
                        Some(_) => xml_writer.document(&document).map(|document| text = document),
                        None => xml_writer.transaction(&document, &mut text),
                    }
                } else {
                    text = json::body(&program, &document).to_string();
                    text.push('\n');
                    Ok(())
                };
                match rendered {
                    Ok(()) => {
                        match out_dir {
                            Some(dir) => {
                                let file = dir.join(format!("{}.{}", file_stem(&key), if xml { "xml" } else { "json" }));
                                std::fs::write(&file, &text).map_err(|e| format!("{}: {e}", file.display()))?;
                            }
                            None => out.write_all(text.as_bytes()).map_err(io_error)?,
                        }
                        Ok(())
                    }
                    Err(failure) => Err((Some(key), failure)),
                }
            }
            Outcome::Skipped { .. } => {
                summary.skipped += 1;
                return Ok(());
            }
            Outcome::Failed { key, failure } => Err((key, failure)),
        };
        match written {
            Ok(()) => summary.ok += 1,
            Err((key, failure)) => {
                summary.failed += 1;
                report(&mut err, key.as_deref(), &program.name, &failure);
            }
        }
        Ok::<(), String>(())
    })?;
    if xml && out_dir.is_none() {
        out.write_all(econnect::DOCUMENT_END.as_bytes()).map_err(io_error)?;
    }
    out.flush().map_err(io_error)?;
    let line = serde_json::json!({"summary": {"ok": summary.ok, "failed": summary.failed, "skipped": summary.skipped}});
    let _ = writeln!(err, "{line}");
    Ok(summary)
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
    let stem: String = key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if stem.is_empty() { "_".into() } else { stem }
}
