//! Any webhook definition and simulation request to bp-sim: the definition's validation, its
//! subscription topic, the `testData` of `POST /webhook/{id}/simulate` (an ID set among template
//! variables) and the rendering of both templates. The input is the definition's JSON, then the byte
//! 0x1E, then the simulation body's JSON.
//!
//! The calls a simulation starts never leave the process: they are spawned on a runtime of this
//! input's own that is dropped before it runs them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sandbox::bp::webhooks::Webhooks;
use sandbox::bp::Config;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let (definition, simulation) = match data.iter().position(|byte| *byte == fuzz_support::SEPARATOR) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(definition) = serde_json::from_slice::<Value>(definition) else { return };
    let simulation = serde_json::from_slice::<Value>(simulation).unwrap_or(Value::Null);
    fuzz_support::crash_on_any_panic();
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("build a runtime");
    runtime.block_on(async {
        let webhooks = Webhooks::new(&Config::default());
        let Ok(id) = webhooks.create(&definition) else { return };
        let _ = webhooks.list().map(|hooks| serde_json::to_string(&hooks));
        let _ = webhooks.get(&id.to_string());
        let _ = webhooks.simulate(id, &simulation);
        let _ = webhooks.calls();
    });
    drop(runtime);
});
