//! The `mapc` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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

fn registry(dir: Option<PathBuf>) -> Result<Registry, String> {
    match dir {
        Some(dir) => Registry::from_dir(dir).map_err(|e| e.to_string()),
        None => Ok(Registry::embedded()),
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
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
