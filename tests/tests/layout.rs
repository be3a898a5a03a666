//! The workspace's dependency direction: the runtime never links the compiler or the sandbox.

use std::process::Command;

#[test]
fn dependencies_point_one_way() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let deps_of = |package: &str| -> Vec<String> {
        let package = metadata["packages"].as_array().unwrap().iter().find(|p| p["name"] == package).unwrap();
        package["dependencies"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap().to_string()).collect()
    };
    let workspace = ["mapc", "maprun", "sandbox", "e2e"];
    let internal = |package: &str| -> Vec<String> { deps_of(package).into_iter().filter(|d| workspace.contains(&d.as_str())).collect() };
    assert_eq!(internal("maprun"), Vec::<String>::new(), "maprun depends on no other package of the workspace");
    assert_eq!(internal("mapc"), ["maprun"]);
    let mut sandbox = internal("sandbox");
    sandbox.sort();
    assert_eq!(sandbox, ["mapc", "maprun"]);
}
