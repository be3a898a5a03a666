//! Any bytes as the input of `maprun apply` with the standard sales-order mapping: reading records,
//! mapping and writing them must never panic, whatever the input.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use maprun::exec::{Env, Outcome};
use maprun::ir::Program;

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
    let env = maprun::env::build(program, &[], &[]).expect("the defaults load");
    for record in maprun::input::records(data) {
        if let Ok(record) = record {
            if let Outcome::Written { document, .. } = env.run(&record.value) {
                let _ = maprun::writers::econnect::document(program, &document, Default::default());
            }
        }
    }
});
