//! Any bytes as the input of `maprun apply` with the standard sales-order mapping: reading records,
//! mapping and writing them must never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maprun::exec::Outcome;

fuzz_target!(|data: &[u8]| {
    let program = fuzz_support::sales_order_program();
    let env = maprun::env::build(program, &[], &[]).expect("the defaults load");
    for record in maprun::input::records(data) {
        if let Ok(record) = record {
            if let Outcome::Written { document, .. } = env.run(&record.value) {
                let _ = maprun::writers::econnect::document(program, &document, Default::default());
            }
        }
    }
});
