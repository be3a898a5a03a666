//! Any bytes posted as an eConnect document to gp-sim: validated against the eConnect schema and posted
//! under GP's rules, as the documents route does, into a fresh copy of the seeded database each time.
//! Whatever the bytes, the answer is the created records or eConnect's error text, never a panic.
#![no_main]

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mapc::schema::Registry;
use rusqlite::backup::Backup;
use rusqlite::Connection;
use sandbox::gp::post::{self, PostError};
use sandbox::gp::{db, document};

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::embedded)
}

/// The seeded master data, made once; every input starts from a copy of it.
fn seeded() -> &'static Mutex<Connection> {
    static SEEDED: OnceLock<Mutex<Connection>> = OnceLock::new();
    SEEDED.get_or_init(|| Mutex::new(db::open(None, 1).expect("seed the in-memory database")))
}

fn fresh_copy() -> Connection {
    let source = seeded().lock().unwrap_or_else(|e| e.into_inner());
    let mut copy = Connection::open_in_memory().expect("open an in-memory database");
    Backup::new(&source, &mut copy)
        .and_then(|backup| backup.run_to_completion(i32::MAX, Duration::ZERO, None))
        .expect("copy the seeded database");
    copy
}

fuzz_target!(|data: &[u8]| {
    // The route refuses bytes that are not UTF-8 before validation, with eConnect's error text.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(document) = document::validate(text, registry()) else { return };
    let mut db = fresh_copy();
    match post::post(&mut db, &document) {
        Ok(written) => {
            for record in &written {
                let _ = record.to_json();
            }
        }
        Err(PostError::Rejected(error)) => {
            let _ = error.to_string();
        }
        Err(PostError::Store(error)) => panic!("the store failed on a validated document: {error}"),
    }
});
