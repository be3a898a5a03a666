//! `gp-sim --listen ADDR [--company TWO] [--token TOKEN] [--seed N] [--db FILE]`: a GP eConnect endpoint
//! implementing `docs/gp-http-contract.md`. The first line of output is `gp-sim listening on http://HOST:PORT`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use sandbox::gp::{server, Config, Faults, Service, DEFAULT_COMPANY, DEFAULT_TOKEN};

#[derive(Parser)]
#[command(
    name = "gp-sim",
    about = "A GP eConnect endpoint that enforces eConnect's and GP's rules, for tests and demos"
)]
struct Args {
    /// The address to listen on; port 0 picks a free port.
    #[arg(long)]
    listen: String,
    /// The GP company id (the `{company}` of every path).
    #[arg(long, default_value = DEFAULT_COMPANY)]
    company: String,
    /// The bearer token clients must present (default: gp-sim-token). Also read from GP_SIM_TOKEN.
    #[arg(long)]
    token: Option<String>,
    /// The seed of the generated master data (customers, items, stock).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A SQLite file for GP's tables, kept between runs; in memory when absent.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Reject the next N document posts with error 2079 (document in use).
    #[arg(long, default_value_t = 0)]
    fault_in_use: u32,
    /// Delay every answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    fault_slow_ms: u64,
    /// Answer the next N requests with 500.
    #[arg(long, default_value_t = 0)]
    fault_server_error: u32,
    /// Answer the next N requests with 503 and Retry-After.
    #[arg(long, default_value_t = 0)]
    fault_unavailable: u32,
    /// Drop the connection of the next N requests before handling them.
    #[arg(long, default_value_t = 0)]
    fault_drop_before: u32,
    /// Commit the next N document posts, then drop the connection before answering.
    #[arg(long, default_value_t = 0)]
    fault_drop_after: u32,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        company: args.company,
        token: args.token.or_else(|| std::env::var("GP_SIM_TOKEN").ok()).unwrap_or_else(|| DEFAULT_TOKEN.into()),
        seed: args.seed,
        db: args.db,
        faults: Faults {
            in_use: args.fault_in_use,
            slow_ms: args.fault_slow_ms,
            server_error: args.fault_server_error,
            unavailable: args.fault_unavailable,
            drop_before: args.fault_drop_before,
            drop_after: args.fault_drop_after,
        },
    };
    match run(config, &args.listen) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gp-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(config: Config, listen: &str) -> Result<(), String> {
    let service = Arc::new(Service::open(&config).map_err(|e| format!("opening the database: {e}"))?);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("listening on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "gp-sim listening on http://{addr}").and_then(|_| out.flush()).map_err(|e| e.to_string())?;
        drop(out);
        tokio::select! {
            served = server::serve(listener, service) => served.map_err(|e| e.to_string()),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}
