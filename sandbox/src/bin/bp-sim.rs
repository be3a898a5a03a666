//! `bp-sim --listen ADDR`: the Brightpearl API simulator. Prints `bp-sim listening on
//! http://HOST:PORT` first (the bound port when ADDR asks for port 0), then serves until Ctrl-C.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use sandbox::bp::admin::admin_token;
use sandbox::bp::faults::FaultSettings;
use sandbox::bp::{server, App, Config, Events};

/// A simulator of the Brightpearl public API, seeded with generated orders, contacts and products.
#[derive(Parser)]
#[command(name = "bp-sim", version)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8080 or localhost:8080 (port 0: any free port).
    #[arg(long)]
    listen: String,
    /// The account code in /public-api/{account}/.
    #[arg(long, default_value = "sandbox")]
    account: String,
    /// The app reference callers send in brightpearl-app-ref (also the OAuth client id).
    #[arg(long, default_value = "sandbox")]
    app_ref: String,
    /// The private-app account token (brightpearl-account-token).
    #[arg(long, default_value = "sandbox-dev-token", hide_default_value = true)]
    account_token: String,
    /// The OAuth client secret of confidential apps.
    #[arg(long, default_value = "sandbox-client-secret", hide_default_value = true)]
    client_secret: String,
    /// Requests per minute per account before 503.
    #[arg(long, default_value_t = 200)]
    rate_limit: u32,
    /// Run every duration (throttle window, token lifetime, webhook retries) this many times faster.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    time_scale: u32,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Sales orders seeded at start, ids from 1.
    #[arg(long, default_value_t = 100)]
    orders: u64,
    /// Bearer token of the admin interface (/admin/...); else $BP_SIM_ADMIN_TOKEN, else sandbox-admin-token.
    #[arg(long)]
    admin_token: Option<String>,
    /// Fault knobs at start, as the JSON `PUT /admin/faults` takes, e.g. '{"error_percent":5,"seed":7}'.
    #[arg(long, value_parser = parse_faults)]
    faults: Option<FaultSettings>,
}

fn parse_faults(text: &str) -> Result<FaultSettings, String> {
    let settings: FaultSettings = serde_json::from_str(text).map_err(|error| error.to_string())?;
    settings.validate().map_err(|error| error.to_string())?;
    Ok(settings)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        account: args.account,
        app_ref: args.app_ref,
        account_token: args.account_token,
        client_secret: args.client_secret,
        admin_token: admin_token(args.admin_token),
        rate_limit: args.rate_limit,
        time_scale: args.time_scale,
        seed: args.seed,
        orders: args.orders,
    };
    let listener = match tokio::net::TcpListener::bind(args.listen.as_str()).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("bp-sim: cannot listen on {}: {error}", args.listen);
            return ExitCode::from(2);
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("bp-sim: {error}");
            return ExitCode::from(2);
        }
    };
    let app = App::new(config, Events::default());
    if let Some(settings) = args.faults {
        // Validated when the flag was read.
        let _ = app.faults.set(settings);
    }
    println!("bp-sim listening on http://{address}");
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match server::serve(listener, app, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bp-sim: {error}");
            ExitCode::FAILURE
        }
    }
}
