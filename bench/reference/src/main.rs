//! `reference-mapper --input FILE|-`: the sales-order mapping written by hand (see the library docs).
//! Writes the `<eConnect>` document on stdout, failures and the summary on stderr; exits 0 when no record
//! failed, 1 when some did, 2 on a usage or input error.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::process::ExitCode;

const USAGE: &str = "usage: reference-mapper --input FILE|-   (JSON lines of Brightpearl orders; `-` for stdin)";

fn main() -> ExitCode {
    let mut input: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--input" => input = args.next(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => match other.strip_prefix("--input=") {
                Some(path) => input = Some(path.to_string()),
                None => {
                    eprintln!("reference-mapper: unexpected argument {other:?}\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
        }
    }
    let Some(input) = input else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::with_capacity(1 << 20, io::stdin().lock()))
    } else {
        match File::open(&input) {
            Ok(file) => Box::new(BufReader::with_capacity(1 << 20, file)),
            Err(e) => {
                eprintln!("reference-mapper: {input}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let stdout = io::stdout();
    let stderr = io::stderr();
    match reference_mapper::run(reader, &mut stdout.lock(), &mut stderr.lock()) {
        Ok(summary) if summary.failed > 0 => ExitCode::FAILURE,
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reference-mapper: writing the output: {e}");
            ExitCode::from(2)
        }
    }
}
