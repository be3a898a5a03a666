//! The `maprun` command line: `maprun apply` runs a compiled mapping over records.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use maprun::doc::Doc;
use maprun::input::{read_error, stream, InputError, LineReader};
use maprun::ir::Program;
use maprun::writers::codepage::{CodePage, Unmappable};
use maprun::writers::econnect::XmlOptions;

mod mapped;
mod parallel;

use mapped::{Mapper, Sink, Summary};

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

fn pairs(args: &[String], flag: &str) -> Result<Vec<(String, String)>, String> {
    args.iter()
        .map(|a| a.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| format!("{flag} {a:?}: expected NAME=VALUE")))
        .collect()
}

/// Input and output buffers: records are kilobytes each, so a few dozen per read and write.
const BUFFER: usize = 1 << 16;

/// How many threads map records at most: one per core, up to this many.
const MAX_WORKERS: usize = 4;

/// Loads everything first (a bad program, param or lookup stops here, exit 2), then maps record by record.
fn apply(program_path: &Path, input: &str, params: &[String], lookups: &[String], out_dir: Option<&Path>, options: XmlOptions) -> Result<Summary, String> {
    let text = std::fs::read_to_string(program_path).map_err(|e| format!("{}: {e}", program_path.display()))?;
    let program = Program::from_json(&text).map_err(|e| format!("{}: {e}", program_path.display()))?;
    let lookups: Vec<(String, maprun::env::LookupSource)> =
        pairs(lookups, "--lookup")?.into_iter().map(|(name, path)| (name, maprun::env::LookupSource::File(path))).collect();
    let params = pairs(params, "--param")?;
    let env = maprun::env::build(&program, &params, &lookups)?;
    let mut reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::with_capacity(BUFFER, io::stdin().lock()))
    } else {
        Box::new(BufReader::with_capacity(BUFFER, File::open(input).map_err(|e| format!("{input}: {e}"))?))
    };
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let (stdout, stderr) = (io::stdout(), io::stderr());
    let out = BufWriter::with_capacity(BUFFER, stdout.lock());
    let mut sink = Sink { out, errors: stderr.lock(), out_dir, program: &program, summary: Summary::default() };
    sink.start()?;
    let mapper = Mapper::new(&program, env, options, out_dir.is_some());
    let projection = program.projection.as_ref();
    let (mut rendered, mut arena) = (String::new(), bumpalo::Bump::new());
    let mut put = |record: Result<&Doc, InputError>| {
        rendered.clear();
        let mapped = mapper.map(record, &mut rendered, &mut arena);
        sink.put(mapped, &rendered)
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_WORKERS);
    if workers < 2 {
        stream(reader, projection, put)?;
    } else {
        // The first line may begin a document over several lines: read here, with the rest if so.
        let mut first = Vec::new();
        let rest_read = match reader.read_until(b'\n', &mut first) {
            Ok(0) => true,
            Ok(_) => LineReader::new(projection).line(&first, 1, &mut reader, &mut put)?,
            Err(e) => {
                put(Err(read_error(1, e)))?;
                true
            }
        };
        if !rest_read {
            parallel::map_lines(&mut reader, 1, workers, projection, &mapper, &mut sink)?;
        }
    }
    sink.finish()?;
    Ok(sink.summary)
}
