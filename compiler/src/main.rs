//! The `mapc` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mapc::diagnostics::{self, codes};
use mapc::driver;
use mapc::schema::{self, Registry};

#[derive(Parser)]
#[command(name = "mapc", version, about = "Compiler for Brightpearl <-> Dynamics GP mappings")]
struct Cli {
    /// Read schemas from this folder instead of the ones built in.
    #[arg(long, global = true, value_name = "DIR")]
    schemas: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check mappings against both systems' schemas.
    Check {
        /// Files or folders (searched for .map files). Default: mappings/
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Rewrite mappings in the one canonical layout.
    Fmt {
        /// Files or folders (searched for .map files). Default: mappings/
        paths: Vec<PathBuf>,
        /// Change nothing; exit 1 naming the files that would change.
        #[arg(long)]
        check: bool,
    },
    /// A Language Server over stdio, for editors.
    Lsp,
    /// Run mapping test cases (tests/<mapping>/<case>.yaml).
    Test {
        /// Mapping folders, .map files or case files. Default: mappings/
        paths: Vec<PathBuf>,
        /// Only the cases whose <mapping>/<case> contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Rewrite the expected output files of the cases run.
        #[arg(long)]
        update: bool,
    },
    /// Compile a checked mapping to IR (.mir).
    Build {
        file: PathBuf,
        #[arg(short = 'o', long = "out", value_name = "OUT.mir")]
        out: PathBuf,
    },
    /// Print the long explanation of a diagnostic code, with a wrong and a right example.
    Explain {
        /// A code such as E107.
        code: String,
    },
    /// Browse and generate system schemas.
    #[command(subcommand)]
    Schema(SchemaCommand),
}

#[derive(Subcommand)]
enum SchemaCommand {
    /// Every type, with its kind and field count.
    List {
        /// Only the types of this system (brightpearl, econnect, gp).
        #[arg(long)]
        system: Option<String>,
    },
    /// One type: every field on one line, in schema order.
    Show {
        /// The type, as SYSTEM.Type (e.g. econnect.taSopHdrIvcInsert).
        name: String,
    },
    /// Generate eConnect schema files from an eConnect XSD and an overlay.
    ImportXsd {
        xsd: PathBuf,
        /// Lengths, scales, value sets and key marks the XSD lacks.
        #[arg(long)]
        overlay: Option<PathBuf>,
        /// The folder to write one file per type into.
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
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
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The .map files under the paths given (default `mappings/`), or the usage exit code after saying why.
fn mapping_files(paths: Vec<PathBuf>) -> Result<Vec<PathBuf>, ExitCode> {
    let paths = if paths.is_empty() { vec![PathBuf::from("mappings")] } else { paths };
    driver::mapping_files(&paths).map_err(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn registry(dir: Option<PathBuf>) -> Result<Registry, String> {
    match dir {
        Some(dir) => Registry::from_dir(dir).map_err(|e| e.to_string()),
        None => Ok(Registry::embedded()),
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check { paths, format } => {
            let registry = registry(cli.schemas)?;
            let files = match mapping_files(paths) {
                Ok(files) => files,
                Err(code) => return Ok(code),
            };
            let report = driver::check_files(&files, &registry);
            match format {
                Format::Human => {
                    use std::io::IsTerminal;
                    eprint!("{}", diagnostics::render_human(&report.files, &report.diagnostics, std::io::stderr().is_terminal()));
                    eprintln!("checked {} file{}: {} error{}, {} warning{}", report.checked, plural(report.checked), report.errors(), plural(report.errors()), report.warnings(), plural(report.warnings()));
                }
                Format::Json => print!("{}", diagnostics::render_json(&report.files, &report.diagnostics)),
                Format::Github => print!("{}", diagnostics::render_github(&report.files, &report.diagnostics)),
            }
            return Ok(if report.errors() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS });
        }
        Command::Lsp => {
            mapc::lsp::serve(registry(cli.schemas)?)?;
        }
        Command::Fmt { paths, check } => {
            let files = match mapping_files(paths) {
                Ok(files) => files,
                Err(code) => return Ok(code),
            };
            let mut unformatted = 0;
            let mut failed = 0;
            for file in &files {
                let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
                match mapc::fmt::format(&text) {
                    Ok(formatted) if formatted == text => {}
                    Ok(formatted) => {
                        unformatted += 1;
                        if check {
                            println!("{}", file.display());
                        } else {
                            std::fs::write(file, formatted).map_err(|e| format!("{}: {e}", file.display()))?;
                        }
                    }
                    Err(diagnostic) => {
                        failed += 1;
                        let mut files_for_report = diagnostics::Files::default();
                        files_for_report.add(file.display().to_string(), text);
                        eprint!("{}", diagnostics::render_human(&files_for_report, &[diagnostic], false));
                    }
                }
            }
            if check && unformatted > 0 {
                eprintln!("{unformatted} file{} would be reformatted", plural(unformatted));
            }
            return Ok(if failed > 0 || (check && unformatted > 0) { ExitCode::FAILURE } else { ExitCode::SUCCESS });
        }
        Command::Test { paths, filter, update } => {
            let registry = registry(cli.schemas)?;
            let paths = if paths.is_empty() { vec![PathBuf::from("mappings")] } else { paths };
            let options = mapc::testing::Options { filter: filter.as_deref(), update };
            let results = match mapc::testing::run(&paths, &registry, &options) {
                Ok(results) => results,
                Err(message) => {
                    eprintln!("error: {message}");
                    return Ok(ExitCode::from(2));
                }
            };
            let failed = results.iter().filter(|r| r.failure.is_some()).count();
            for result in &results {
                match &result.failure {
                    None => println!("ok    {}", result.name),
                    Some(reason) => println!("FAIL  {}
      {}", result.name, reason.replace('\n', "\n      ")),
                }
            }
            println!("{} passed, {failed} failed", results.len() - failed);
            return Ok(if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS });
        }
        Command::Build { file, out } => {
            use std::io::IsTerminal;
            let registry = registry(cli.schemas)?;
            let (report, program) = driver::build_file(&file, &registry);
            eprint!("{}", diagnostics::render_human(&report.files, &report.diagnostics, std::io::stderr().is_terminal()));
            match program {
                Some(Ok(program)) => {
                    std::fs::write(&out, program.to_json()).map_err(|e| format!("{}: {e}", out.display()))?;
                }
                Some(Err(message)) => return Err(format!("{}: {message}", file.display())),
                None => {
                    eprintln!("{}: not built: {} error{}", file.display(), report.errors(), plural(report.errors()));
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Explain { code } => {
            let Some(found) = codes::find(&code) else {
                eprintln!("error: no diagnostic code `{code}`; codes run from {} to {}", codes::CODES[0].code, codes::CODES[codes::CODES.len() - 1].code);
                return Ok(ExitCode::from(2));
            };
            match codes::explanation(found) {
                Some(text) => print!("{text}"),
                None => println!("{}: {}", found.code, found.title),
            }
        }
        Command::Schema(SchemaCommand::List { system }) => {
            let registry = registry(cli.schemas)?;
            let mut types = Vec::new();
            let mut broken = 0;
            for name in registry.names().map_err(|e| e.to_string())? {
                if system.as_ref().is_none_or(|s| *s == name.system) {
                    // One broken file must not hide the others: list what loads, report the rest.
                    match registry.get(&name) {
                        Ok(def) => types.push((*def).clone()),
                        Err(e) => {
                            eprintln!("error: {e}");
                            broken += 1;
                        }
                    }
                }
            }
            if types.is_empty() && broken == 0 {
                return Err(format!("no types{}", system.map(|s| format!(" in system `{s}`")).unwrap_or_default()));
            }
            print!("{}", schema::show::list(&types));
            if broken > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Schema(SchemaCommand::Show { name }) => {
            let registry = registry(cli.schemas)?;
            let def = registry.lookup(&name).map_err(|e| e.to_string())?;
            print!("{}", schema::show::show(&def, &registry));
        }
        Command::Schema(SchemaCommand::ImportXsd { xsd, overlay, out }) => {
            let count = schema::xsd::import_to_dir(&xsd, overlay.as_deref(), &out).map_err(|e| e.to_string())?;
            eprintln!("wrote {count} types to {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
