//! `gen-orders --count N [--seed S] [--out FILE]`: N generated Brightpearl sales orders as JSON lines.
//!
//! Streams: one order (with `--jobs J`, at most `J × 2048` orders) in memory at a time, whatever N is. The output depends
//! only on the seed, the count and the first id, never on `--jobs`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;

use clap::Parser;
use sandbox::generate::{write_json_lines_range, OrderGenerator, DEFAULT_FIRST_ID};

/// Orders one worker serialises per round.
const CHUNK: u64 = 2048;

#[derive(Parser)]
#[command(name = "gen-orders", about = "Write generated Brightpearl sales orders as JSON lines (one compact order per line)")]
struct Args {
    /// How many orders.
    #[arg(long)]
    count: u64,
    /// The seed: the same seed gives the same orders, byte for byte.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The file to write; standard output when absent or `-`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The id of the first order; the others follow it.
    #[arg(long, default_value_t = DEFAULT_FIRST_ID)]
    first_id: i64,
    /// Worker threads. The output is the same for any number; more helps only on machines with
    /// several physical cores (on two hyperthreads of one core it is slower).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.first_id <= 0 {
        eprintln!("gen-orders: --first-id must be positive");
        return ExitCode::from(2);
    }
    let generator = OrderGenerator::new(args.seed).with_first_id(args.first_id);
    let jobs = args.jobs.max(1);
    let result = match args.out.as_deref() {
        Some(path) if path.as_os_str() != "-" => match File::create(path) {
            Ok(file) => write_all(&generator, args.count, jobs, BufWriter::with_capacity(1 << 20, file)),
            Err(e) => {
                eprintln!("gen-orders: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        _ => write_all(&generator, args.count, jobs, BufWriter::with_capacity(1 << 20, io::stdout().lock())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`gen-orders ... | head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-orders: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_all<W: Write>(generator: &OrderGenerator, count: u64, jobs: usize, mut out: W) -> io::Result<()> {
    if jobs == 1 {
        write_json_lines_range(generator, 0..count, &mut out)?;
        return out.flush();
    }
    let mut start = 0;
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); jobs];
    while start < count {
        // Each worker serialises one chunk into its own buffer; the chunks are written in order.
        thread::scope(|scope| -> io::Result<()> {
            let handles: Vec<_> = buffers
                .iter_mut()
                .enumerate()
                .map(|(k, buffer)| {
                    let from = (start + k as u64 * CHUNK).min(count);
                    let to = (from + CHUNK).min(count);
                    scope.spawn(move || {
                        buffer.clear();
                        write_json_lines_range(generator, from..to, buffer)
                    })
                })
                .collect();
            for handle in handles {
                handle.join().expect("a generator thread panicked")?;
            }
            Ok(())
        })?;
        for buffer in &buffers {
            out.write_all(buffer)?;
        }
        start = (start + jobs as u64 * CHUNK).min(count);
    }
    out.flush()
}
