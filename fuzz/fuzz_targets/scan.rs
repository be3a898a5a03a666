//! Any bytes read as JSON lines through `maprun apply`'s scanner, with the sales-order mapping's
//! projection: it must read the same records, with the same values and the same errors, as the general
//! reader built on serde_json, and never panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use maprun::input::InputError;
use maprun::ir::Program;
use serde_json::Value as Json;

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let registry = mapc::schema::Registry::embedded();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mappings/sales_order.map");
        match mapc::driver::build_file(&path, &registry).1 {
            Some(Ok(program)) => program,
            _ => panic!("sales_order.map must build"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let program = program();
    let projection = program.projection.as_ref();
    let env = maprun::env::build(program, &[], &[]).expect("the defaults load");

    let mut scanned: Vec<Result<Json, InputError>> = Vec::new();
    let streamed = maprun::input::stream(data, projection, |record| {
        scanned.push(record.map(|doc| {
            // The mapping runs on what the scanner read, as `maprun apply` runs it.
            let _ = env.run_doc(doc);
            doc.root().to_json()
        }));
        Ok::<(), ()>(())
    });
    assert!(streamed.is_ok(), "the callback never stops the stream");

    let general: Vec<Result<Json, InputError>> =
        maprun::input::projected_records(data, projection.cloned()).map(|record| record.map(|r| r.value)).collect();
    assert_eq!(scanned, general, "the scanner and serde_json read different records");
});
