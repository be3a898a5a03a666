//! Helpers for the end-to-end tests in `tests/tests/`: the workspace's binaries, the shared fixtures,
//! compiled mappings.

use std::path::{Path, PathBuf};
use std::process::Command;

use maprun::ir::Program;

/// The path of a workspace binary, built first if needed (cargo gives test targets only their own
/// package's binaries).
pub fn binary(package: &str, name: &str) -> PathBuf {
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--message-format=json", "-p", package, "--bin", name])
        .current_dir(workspace())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "building {name}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|message| message["executable"].as_str().map(PathBuf::from))
        .find(|path| path.file_stem().is_some_and(|s| s == name))
        .expect("cargo reports the executable")
}

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shared fixtures, or `None` after saying on stderr what is skipped.
pub fn shared(what: &str) -> Option<PathBuf> {
    mapc::shared::shared_or_skip(what)
}

/// Compiles mapping text to IR, failing the test with the diagnostics if it does not check.
pub fn compile(text: &str) -> Program {
    let registry = mapc::schema::Registry::embedded();
    let (report, program) = mapc::driver::build_text(Path::new("test.map"), text, &registry);
    match program {
        Some(Ok(program)) => program,
        Some(Err(e)) => panic!("lowering failed: {e}"),
        None => panic!("{}", mapc::diagnostics::render_human(&report.files, &report.diagnostics, false)),
    }
}

/// Whether `xmllint` is installed (CI installs libxml2-utils); tests that need it say so when not.
pub fn xmllint() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
    }
    found
}

/// Validates an eConnect document against Microsoft's XSD with xmllint; returns its complaints.
pub fn validate_against_xsd(xml: &Path, shared: &Path) -> Result<(), String> {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(shared.join("fixtures/econnect/xsd/eConnect.xsd"))
        .arg(xml)
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
