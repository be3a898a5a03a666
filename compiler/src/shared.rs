//! Finding the shared fixtures (`<workspace root>/../shared` or `$MAP_SHARED`) for tests.

use std::path::{Path, PathBuf};

/// The shared folder, if present. Tests that need it skip with a message when this is `None`.
pub fn shared_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MAP_SHARED").map(PathBuf::from) {
        return dir.is_dir().then_some(dir);
    }
    let candidate = workspace_root().join("../shared");
    candidate.is_dir().then_some(candidate)
}

/// The workspace root (the folder holding `schemas/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `shared_dir()`, or a message on stderr saying what is skipped.
pub fn shared_or_skip(test: &str) -> Option<PathBuf> {
    let dir = shared_dir();
    if dir.is_none() {
        eprintln!("skipped {test}: the shared fixtures are absent (set MAP_SHARED or place them at ../shared)");
    }
    dir
}
