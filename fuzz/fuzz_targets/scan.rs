//! Any bytes read as JSON lines through `maprun apply`'s scanner, with the sales-order mapping's
//! projection: it must read the same records, with the same values and the same errors, as the general
//! reader built on serde_json, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maprun::input::InputError;
use serde_json::Value as Json;

fuzz_target!(|data: &[u8]| {
    let program = fuzz_support::sales_order_program();
    let projection = program.projection.as_ref();
    let env = maprun::env::build(program, &[], &[]).expect("the defaults load");

    let mut scanned: Vec<Result<Json, InputError>> = Vec::new();
    let mut arena = bumpalo::Bump::new();
    let streamed = maprun::input::stream(data, projection, |record| {
        scanned.push(record.map(|doc| {
            // The mapping runs on what the scanner read, as `maprun apply` runs it.
            arena.reset();
            let _ = env.run_doc(doc, &arena);
            doc.root().to_json()
        }));
        Ok::<(), ()>(())
    });
    assert!(streamed.is_ok(), "the callback never stops the stream");

    let general: Vec<Result<Json, InputError>> =
        maprun::input::projected_records(data, projection.cloned()).map(|record| record.map(|r| r.value)).collect();
    assert_eq!(scanned, general, "the scanner and serde_json read different records");
});
