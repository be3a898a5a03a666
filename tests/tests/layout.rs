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

#[test]
fn the_runtime_links_no_parser_or_diagnostic_renderer() {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "-p", "maprun", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(tree.lines().any(|l| l.starts_with("rust_decimal ")), "the tree lists the runtime's dependencies:\n{tree}");
    for forbidden in ["pest", "codespan-reporting", "miette", "mapc "] {
        assert!(!tree.lines().any(|l| l.starts_with(forbidden)), "maprun depends on {forbidden}:\n{tree}");
    }
}
