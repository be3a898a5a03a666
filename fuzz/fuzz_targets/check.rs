//! Any text, checked as a mapping: the parser and checker must never panic, whatever the input.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mapc::driver::check_text;
use mapc::schema::Registry;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::embedded)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let report = check_text(Path::new("fuzz.map"), text, registry());
        // Rendering walks every span: it must accept whatever the checker reported.
        let _ = mapc::diagnostics::render_human(&report.files, &report.diagnostics, false);
        let _ = mapc::diagnostics::render_json(&report.files, &report.diagnostics);
    }
});
