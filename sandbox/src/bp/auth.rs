//! Who may call the API: private apps (`brightpearl-app-ref` + `brightpearl-account-token`) and
//! OAuth 2.0 instance apps (`Authorization: Bearer` + `brightpearl-app-ref`), with the
//! authorization-code and refresh-token grants of the token endpoint.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::config::Config;

/// Access tokens live 7 days (scaled by the time scale).
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// Authorization codes live 10 minutes, unscaled: a code is exchanged at once, and a large time
/// scale must not expire it before that.
const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// The installation instance id of the one OAuth installation.
pub const INSTALLATION_INSTANCE_ID: i64 = 13;

/// The 401 bodies, bare strings as the gateway sends them.
pub const NOT_AUTHENTICATED: &str = "Not authenticated. You must provide a valid authentication token.";
/// The 401 body of an expired access token.
pub const TOKEN_EXPIRED: &str = "Authorization token expired";

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    PrivateApp,
    /// An OAuth installation; responses carry its id.
    Installation(i64),
}

/// The token endpoint's form fields.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TokenForm {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub redirect_uri: Option<String>,
    pub refresh_token: Option<String>,
}

/// Codes, access tokens and refresh tokens issued so far.
#[derive(Debug)]
pub struct Auth {
    app_ref: String,
    account_token: String,
    client_secret: String,
    token_lifetime: Duration,
    code_lifetime: Duration,
    issued: Mutex<Issued>,
}

#[derive(Debug, Default)]
struct Issued {
    /// code -> (redirect uri, expiry)
    codes: HashMap<String, (String, Instant)>,
    /// access token -> expiry
    access: HashMap<String, Instant>,
    refresh: HashMap<String, ()>,
    counter: u64,
}

impl Auth {
    /// The app of `config`, with nothing issued yet.
    pub fn new(config: &Config) -> Self {
        Auth {
            app_ref: config.app_ref.clone(),
            account_token: config.account_token.clone(),
            client_secret: config.client_secret.clone(),
            token_lifetime: config.scaled(ACCESS_TOKEN_LIFETIME),
            code_lifetime: CODE_LIFETIME,
            issued: Mutex::new(Issued::default()),
        }
    }

    fn issued(&self) -> std::sync::MutexGuard<'_, Issued> {
        self.issued.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Checks the auth headers of an API call; `Err` holds the 401 body text.
    pub fn check(
        &self,
        app_ref: Option<&str>,
        account_token: Option<&str>,
        authorization: Option<&str>,
    ) -> Result<Caller, String> {
        if app_ref != Some(self.app_ref.as_str()) {
            return Err(NOT_AUTHENTICATED.to_string());
        }
        if let Some(bearer) = authorization.and_then(|value| value.strip_prefix("Bearer ")) {
            let bearer = bearer.trim();
            return match self.issued().access.get(bearer) {
                Some(expiry) if Instant::now() < *expiry => Ok(Caller::Installation(INSTALLATION_INSTANCE_ID)),
                Some(_) => Err(TOKEN_EXPIRED.to_string()),
                None => Err(format!("Invalid instance token: {bearer}")),
            };
        }
        match account_token {
            Some(token) if token == self.account_token => Ok(Caller::PrivateApp),
            _ => Err(NOT_AUTHENTICATED.to_string()),
        }
    }

    /// The authorize step, approved at once: a code bound to `redirect_uri`, or `None` when the
    /// client is not this app.
    pub fn authorize(&self, client_id: &str, redirect_uri: &str) -> Option<String> {
        if client_id != self.app_ref {
            return None;
        }
        let mut issued = self.issued();
        let code = fresh(&mut issued, "code");
        issued.codes.insert(code.clone(), (redirect_uri.to_string(), Instant::now() + self.code_lifetime));
        Some(code)
    }

    /// The token endpoint: `Ok` with the token response, `Err` with the 400 error body.
    pub fn token(&self, form: &TokenForm, api_domain: &str) -> Result<Value, Value> {
        let invalid_client = || json!({"error": "invalid_client"});
        if form.client_id.as_deref() != Some(self.app_ref.as_str()) {
            return Err(invalid_client());
        }
        // client_secret is needed only by confidential apps; when sent, it must be right.
        if form.client_secret.as_deref().is_some_and(|secret| secret != self.client_secret) {
            return Err(invalid_client());
        }
        let mut issued = self.issued();
        let lifetime = self.token_lifetime;
        match form.grant_type.as_deref() {
            Some("authorization_code") => {
                let code = form.code.as_deref().unwrap_or("");
                let Some((redirect, expiry)) =
                    issued.codes.get(code).cloned().filter(|(_, expiry)| Instant::now() < *expiry)
                else {
                    return Err(
                        json!({"error_description": "The auth token has either expired or does not exist", "error": "invalid_grant"}),
                    );
                };
                let _ = expiry;
                if form.redirect_uri.as_deref() != Some(redirect.as_str()) {
                    return Err(
                        json!({"error_description": "Redirect uri does not match that used to request auth token", "error": "invalid_grant"}),
                    );
                }
                issued.codes.remove(code);
                let (access, refresh) = tokens(&mut issued, lifetime);
                Ok(json!({
                    "access_token": access,
                    "refresh_token": refresh,
                    "installation_instance_id": INSTALLATION_INSTANCE_ID.to_string(),
                    "api_domain": api_domain,
                    "token_type": "Bearer",
                    "expires_in": lifetime.as_secs()
                }))
            }
            Some("refresh_token") => {
                let refresh = form.refresh_token.as_deref().unwrap_or("");
                if issued.refresh.remove(refresh).is_none() {
                    return Err(
                        json!({"error_description": "The auth token has either expired or does not exist", "error": "invalid_grant"}),
                    );
                }
                let (access, refresh) = tokens(&mut issued, lifetime);
                Ok(json!({
                    "access_token": access,
                    "refresh_token": refresh,
                    "api_domain": api_domain,
                    "token_type": "Bearer",
                    "expires_in": lifetime.as_secs()
                }))
            }
            _ => Err(json!({"error": "unsupported_grant_type"})),
        }
    }
}

fn tokens(issued: &mut Issued, lifetime: Duration) -> (String, String) {
    let access = fresh(issued, "at");
    let refresh = fresh(issued, "rt");
    issued.access.insert(access.clone(), Instant::now() + lifetime);
    issued.refresh.insert(refresh.clone(), ());
    (access, refresh)
}

/// An unguessable-enough token for a local simulator: a per-process random hash of a counter.
fn fresh(issued: &mut Issued, kind: &str) -> String {
    issued.counter += 1;
    let state = std::collections::hash_map::RandomState::new();
    let mut text = String::new();
    for part in 0..3u64 {
        let mut hasher = state.build_hasher();
        hasher.write_u64(issued.counter);
        hasher.write_u64(part);
        hasher.write(kind.as_bytes());
        text.push_str(&format!("{:016x}", hasher.finish()));
    }
    text
}
