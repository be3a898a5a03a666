//! What `bp-sim` is started with.

use std::time::Duration;

/// The simulated account and its limits. Secrets here are never printed after start-up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The account code in `/public-api/{account}/...`.
    pub account: String,
    /// The app reference private apps and OAuth apps send in `brightpearl-app-ref`.
    pub app_ref: String,
    /// The private-app account token (`brightpearl-account-token`).
    pub account_token: String,
    /// The OAuth client secret a confidential app sends to the token endpoint.
    pub client_secret: String,
    /// The bearer token of the admin interface (`/admin/...`).
    pub admin_token: String,
    /// Requests per rolling minute per account.
    pub rate_limit: u32,
    /// Every duration the simulator keeps (throttle window, token lifetime, webhook retry delays)
    /// runs this many times faster.
    pub time_scale: u32,
    /// Seed of the generated data.
    pub seed: u64,
    /// Sales orders seeded at start, ids from 1.
    pub orders: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            account: "sandbox".into(),
            app_ref: "sandbox".into(),
            account_token: "sandbox-dev-token".into(),
            client_secret: "sandbox-client-secret".into(),
            admin_token: crate::bp::admin::DEFAULT_ADMIN_TOKEN.into(),
            rate_limit: 200,
            time_scale: 1,
            seed: 1,
            orders: 100,
        }
    }
}

impl Config {
    /// A real-world duration as the simulator runs it: `real / time_scale`.
    pub fn scaled(&self, real: Duration) -> Duration {
        real / self.time_scale.max(1)
    }
}
