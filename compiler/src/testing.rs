//! `mapc test`: runs the test cases of mappings (`<dir>/tests/<mapping>/<case>.yaml`, the format of
//! `lang-spec/tests.md`) through the executor `maprun apply` uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use maprun::exec::{Env, Outcome};
use maprun::ir::{Format, Program};
use maprun::writers::econnect;
use serde::Deserialize;
use serde_json::Value as Json;
use serde_norway::Value as Yaml;

use crate::schema::Registry;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    input: Yaml,
    #[serde(default)]
    params: BTreeMap<String, Yaml>,
    #[serde(default)]
    lookups: BTreeMap<String, BTreeMap<String, Yaml>>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    output: Option<Yaml>,
    #[serde(default)]
    asserts: BTreeMap<String, Yaml>,
    #[serde(default)]
    error: Option<ExpectedError>,
    #[serde(default)]
    skip: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    class: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    message_contains: Option<String>,
}

/// One case's result: `None` when it passed, else why it failed.
pub struct CaseResult {
    /// `<mapping>/<case>`
    pub name: String,
    pub failure: Option<String>,
}

pub struct Options<'a> {
    pub filter: Option<&'a str>,
    pub update: bool,
}

/// The cases under the given paths, grouped by the mapping file they test.
pub fn find_cases(paths: &[PathBuf]) -> Result<BTreeMap<PathBuf, Vec<PathBuf>>, String> {
    let mut by_mapping: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut add = |case: PathBuf| -> Result<(), String> {
        // <dir>/tests/<mapping>/<case>.yaml tests <dir>/<mapping>.map
        let mapping_dir = case.parent().ok_or("a case outside a folder")?;
        let mapping = mapping_dir.file_name().ok_or("a case outside a folder")?.to_string_lossy().into_owned();
        let root = mapping_dir.parent().and_then(Path::parent).ok_or_else(|| format!("{}: not under tests/<mapping>/", case.display()))?;
        by_mapping.entry(root.join(format!("{mapping}.map"))).or_default().push(case);
        Ok(())
    };
    for path in paths {
        if path.extension().is_some_and(|e| e == "yaml") {
            add(path.clone())?;
        } else if path.extension().is_some_and(|e| e == "map") {
            let dir = path.parent().unwrap_or(Path::new("")).join("tests").join(path.file_stem().unwrap_or_default());
            for case in yaml_files(&dir) {
                add(case)?;
            }
        } else if path.is_dir() {
            let tests = if path.file_name().is_some_and(|n| n == "tests") { path.clone() } else { path.join("tests") };
            let folders: Vec<PathBuf> = if path.parent().and_then(Path::file_name).is_some_and(|n| n == "tests") {
                vec![path.clone()]
            } else {
                let mut dirs: Vec<PathBuf> = std::fs::read_dir(&tests).map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect()).unwrap_or_default();
                dirs.sort();
                dirs
            };
            for folder in folders {
                for case in yaml_files(&folder) {
                    add(case)?;
                }
            }
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    Ok(by_mapping)
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect()).unwrap_or_default();
    files.sort();
    files
}

/// Runs every case; each mapping is compiled once.
pub fn run(paths: &[PathBuf], registry: &Registry, options: &Options) -> Result<Vec<CaseResult>, String> {
    let validator = XsdValidator::find();
    let mut results = Vec::new();
    for (mapping, cases) in find_cases(paths)? {
        let stem = mapping.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let cases: Vec<PathBuf> = cases
            .into_iter()
            .filter(|c| options.filter.is_none_or(|f| format!("{stem}/{}", c.file_stem().unwrap_or_default().to_string_lossy()).contains(f)))
            .collect();
        if cases.is_empty() {
            continue;
        }
        let program = compile(&mapping, registry);
        for case in cases {
            let name = format!("{stem}/{}", case.file_stem().unwrap_or_default().to_string_lossy());
            let failure = match &program {
                Ok(program) => run_case(program, &case, options, &validator).err(),
                Err(reason) => Some(reason.clone()),
            };
            results.push(CaseResult { name, failure });
        }
    }
    Ok(results)
}

fn compile(mapping: &Path, registry: &Registry) -> Result<Program, String> {
    if !mapping.exists() {
        return Err(format!("no mapping {} for these cases", mapping.display()));
    }
    let (report, program) = crate::driver::build_file(mapping, registry);
    match program {
        Some(Ok(program)) => Ok(program),
        Some(Err(e)) => Err(format!("{}: {e}", mapping.display())),
        None => Err(format!("{} does not check:\n{}", mapping.display(), crate::diagnostics::render_human(&report.files, &report.diagnostics, false))),
    }
}

fn run_case(program: &Program, path: &Path, options: &Options, validator: &XsdValidator) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let case: Case = serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let record = input_record(&case.input, dir)?;
    let params: Vec<(String, String)> = case.params.iter().map(|(k, v)| Ok((k.clone(), scalar_text(v)?))).collect::<Result<_, String>>()?;
    let lookups: Vec<(String, maprun::env::LookupSource)> = case
        .lookups
        .iter()
        .map(|(name, entries)| {
            let object: serde_json::Map<String, Json> =
                entries.iter().map(|(k, v)| Ok((k.clone(), Json::String(scalar_text(v)?)))).collect::<Result<_, String>>()?;
            Ok((name.clone(), maprun::env::LookupSource::Text(Json::Object(object).to_string())))
        })
        .collect::<Result<_, String>>()?;
    let env: Env = maprun::env::build(program, &params, &lookups)?;
    // A record fails where `maprun apply` fails it: while mapping, or while its document is written.
    let outcome = match env.run(&record) {
        Outcome::Written { document, .. } => match render(program, &document) {
            Ok(rendered) => Ran::Written(rendered),
            Err(failure) => Ran::Failed(failure),
        },
        Outcome::Skipped { .. } => Ran::Skipped,
        Outcome::Failed { failure, .. } => Ran::Failed(failure),
    };
    let expect = &case.expect;
    let kinds = [expect.output.is_some() || !expect.asserts.is_empty(), expect.error.is_some(), expect.skip].iter().filter(|k| **k).count();
    if kinds != 1 {
        return Err("`expect` holds exactly one of: output and/or asserts, error, skip".into());
    }
    match outcome {
        Ran::Skipped if expect.skip => Ok(()),
        Ran::Failed(failure) if expect.error.is_some() => {
            let wanted = expect.error.as_ref().unwrap();
            let mut problems = Vec::new();
            if failure.class.as_str() != wanted.class {
                problems.push(format!("class {} (expected {})", failure.class.as_str(), wanted.class));
            }
            if let Some(field) = &wanted.field {
                if failure.field.as_deref() != Some(field.as_str()) {
                    problems.push(format!("field {:?} (expected {field:?})", failure.field));
                }
            }
            if let Some(part) = &wanted.message_contains {
                if !failure.message.contains(part.as_str()) {
                    problems.push(format!("message {:?} does not contain {part:?}", failure.message));
                }
            }
            if problems.is_empty() { Ok(()) } else { Err(format!("the record failed, but with {}", problems.join("; "))) }
        }
        Ran::Written(rendered) if expect.error.is_none() && !expect.skip => {
            if program.target.format == Format::Econnect {
                validator.check(&rendered)?;
            }
            let tree = match program.target.format {
                Format::Econnect => xml_tree(&rendered)?,
                Format::Json => json_tree(&serde_json::from_str(&rendered).map_err(|e| e.to_string())?),
            };
            let mut problems = Vec::new();
            if let Some(output) = &expect.output {
                if let Err(e) = compare_output(output, &rendered, &tree, program.target.format, dir, options.update) {
                    problems.push(e);
                }
            }
            for (path, value) in &expect.asserts {
                if let Err(e) = check_assert(&tree, path, &scalar_text(value)?) {
                    problems.push(e);
                }
            }
            if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
        }
        Ran::Written(_) => Err(format!("the record was written, but the case expects {}", if expect.skip { "a skip" } else { "a failure" })),
        Ran::Skipped => Err("the record was skipped".into()),
        Ran::Failed(failure) => Err(format!(
            "the record failed ({}{}): {}",
            failure.class.as_str(),
            failure.field.map(|f| format!(", {f}")).unwrap_or_default(),
            failure.message
        )),
    }
}

/// What became of a case's record.
enum Ran {
    Written(String),
    Skipped,
    Failed(maprun::exec::Failure),
}

/// The document as `maprun apply` writes it (default code-page options).
fn render(program: &Program, document: &maprun::exec::OutNode) -> Result<String, maprun::exec::Failure> {
    match program.target.format {
        Format::Econnect => econnect::document(program, document, Default::default()),
        Format::Json => Ok(format!("{}\n", maprun::writers::json::body(program, document))),
    }
}

/// The one record a case's `input` holds.
fn input_record(input: &Yaml, dir: &Path) -> Result<Json, String> {
    let value: Json = match input.get("file").and_then(Yaml::as_str) {
        Some(file) if input.as_mapping().is_some_and(|m| m.len() == 1) => {
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("input {}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("input {}: {e}", path.display()))?
        }
        _ => yaml_to_json(input)?,
    };
    let mut records = maprun::input::unwrap(value);
    match records.len() {
        1 => records.pop().unwrap().map(|r| r.value).map_err(|e| format!("input: {}", e.message)),
        n => Err(format!("input holds {n} records; a case has one")),
    }
}

/// YAML to JSON, numbers kept as written (never through a float).
fn yaml_to_json(value: &Yaml) -> Result<Json, String> {
    Ok(match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::Number(n) => serde_json::from_str(&n.to_string()).map_err(|e| format!("number {n}: {e}"))?,
        Yaml::String(s) => Json::String(s.clone()),
        Yaml::Sequence(items) => Json::Array(items.iter().map(yaml_to_json).collect::<Result<_, _>>()?),
        Yaml::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    other => scalar_text(other)?,
                };
                object.insert(key, yaml_to_json(v)?);
            }
            Json::Object(object)
        }
        Yaml::Tagged(tagged) => yaml_to_json(&tagged.value)?,
    })
}

/// A param, lookup or assert value as text; lists become comma-separated.
fn scalar_text(value: &Yaml) -> Result<String, String> {
    Ok(match value {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => String::new(),
        Yaml::Sequence(items) => items.iter().map(scalar_text).collect::<Result<Vec<_>, _>>()?.join(","),
        other => return Err(format!("{other:?} is not a plain value")),
    })
}

/// A document flattened to its leaves: the path of element names (with the position among same-named
/// siblings) and the text.
type Tree = Vec<(Vec<(String, usize)>, String)>;

fn xml_tree(xml: &str) -> Result<Tree, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<(String, usize)> = Vec::new();
    let mut counts: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new()];
    let mut leaves = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().map_err(|e| format!("the document is not XML: {e}"))? {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let index = counts.last_mut().map(|c| {
                    let n = c.entry(name.clone()).or_insert(0);
                    *n += 1;
                    *n - 1
                });
                path.push((name, index.unwrap_or(0)));
                counts.push(BTreeMap::new());
                text.clear();
            }
            Event::Empty(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let index = counts.last_mut().map(|c| {
                    let n = c.entry(name.clone()).or_insert(0);
                    *n += 1;
                    *n - 1
                });
                let mut leaf = path.clone();
                leaf.push((name, index.unwrap_or(0)));
                leaves.push((leaf, String::new()));
            }
            Event::Text(t) => text.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                text.push_str(match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Event::End(_) => {
                let children = counts.pop().unwrap_or_default();
                if children.is_empty() {
                    leaves.push((path.clone(), std::mem::take(&mut text)));
                }
                path.pop();
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(leaves)
}

fn json_tree(value: &Json) -> Tree {
    fn walk(value: &Json, path: &mut Vec<(String, usize)>, out: &mut Tree) {
        match value {
            Json::Object(map) => {
                for (k, v) in map {
                    match v {
                        Json::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                path.push((k.clone(), i));
                                walk(item, path, out);
                                path.pop();
                            }
                        }
                        other => {
                            path.push((k.clone(), 0));
                            walk(other, path, out);
                            path.pop();
                        }
                    }
                }
            }
            Json::String(s) => out.push((path.clone(), s.clone())),
            other => out.push((path.clone(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn show_path(path: &[(String, usize)]) -> String {
    path.iter().map(|(n, i)| if *i > 0 { format!("{n}[{i}]") } else { n.clone() }).collect::<Vec<_>>().join(".")
}

fn check_assert(tree: &Tree, key: &str, expected: &str) -> Result<(), String> {
    let wanted: Vec<(String, Option<usize>)> = key
        .split('.')
        .map(|segment| match segment.split_once('[') {
            Some((name, rest)) => (name.to_string(), rest.trim_end_matches(']').parse().ok()),
            None => (segment.to_string(), None),
        })
        .collect();
    let matches: Vec<&(Vec<(String, usize)>, String)> = tree
        .iter()
        .filter(|(path, _)| {
            path.len() >= wanted.len()
                && path[path.len() - wanted.len()..].iter().zip(&wanted).all(|((name, index), (w, wi))| name == w && wi.is_none_or(|i| i == *index))
        })
        .collect();
    match matches.as_slice() {
        [] => Err(format!("assert {key}: no such field in the document")),
        [(_, actual)] => {
            let equal = match (maprun::value::parse_decimal(actual.trim()), maprun::value::parse_decimal(expected.trim())) {
                (Some(a), Some(b)) => a == b,
                _ => actual == expected,
            };
            if equal { Ok(()) } else { Err(format!("assert {key}: expected {expected:?}, found {actual:?}")) }
        }
        many => Err(format!(
            "assert {key}: {} fields match ({}); name one with a path",
            many.len(),
            many.iter().take(4).map(|(p, _)| show_path(p)).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn compare_output(output: &Yaml, rendered: &str, tree: &Tree, format: Format, dir: &Path, update: bool) -> Result<(), String> {
    let (expected_text, file) = match output {
        Yaml::String(inline) => (inline.clone(), None),
        Yaml::Mapping(_) => {
            let name = output.get("file").and_then(Yaml::as_str).ok_or("`output` is a string or {file: NAME}")?;
            let path = dir.join(name);
            if update {
                std::fs::write(&path, rendered).map_err(|e| format!("{}: {e}", path.display()))?;
                return Ok(());
            }
            let text = std::fs::read_to_string(&path).map_err(|e| format!("expected output {}: {e} (write it with --update)", path.display()))?;
            (text, Some(path))
        }
        _ => return Err("`output` is a string or {file: NAME}".into()),
    };
    let expected = match format {
        Format::Econnect => xml_tree(&expected_text)?,
        Format::Json => json_tree(&serde_json::from_str(&expected_text).map_err(|e| format!("expected output is not JSON: {e}"))?),
    };
    if expected == *tree {
        return Ok(());
    }
    let mut lines = vec![format!("output differs from {}:", file.map(|f| f.display().to_string()).unwrap_or_else(|| "the inline output".into()))];
    let (mut e, mut a) = (expected.iter().peekable(), tree.iter().peekable());
    let mut shown = 0;
    while shown < 8 && (e.peek().is_some() || a.peek().is_some()) {
        match (e.peek(), a.peek()) {
            (Some(x), Some(y)) if x == y => {
                e.next();
                a.next();
            }
            (Some(x), Some(y)) if x.0 == y.0 => {
                lines.push(format!("  {}: expected {:?}, found {:?}", show_path(&x.0), x.1, y.1));
                e.next();
                a.next();
                shown += 1;
            }
            (Some(x), _) if !tree.iter().any(|(p, _)| *p == x.0) => {
                lines.push(format!("  - {} = {:?} (expected, missing)", show_path(&x.0), x.1));
                e.next();
                shown += 1;
            }
            (_, Some(y)) => {
                lines.push(format!("  + {} = {:?} (not expected)", show_path(&y.0), y.1));
                a.next();
                shown += 1;
            }
            (Some(x), None) => {
                lines.push(format!("  - {} = {:?} (expected, missing)", show_path(&x.0), x.1));
                e.next();
                shown += 1;
            }
            (None, None) => break,
        }
    }
    Err(lines.join("\n"))
}

/// Validates documents against Microsoft's eConnect.xsd when the shared fixtures and xmllint are there.
struct XsdValidator {
    xsd: Option<PathBuf>,
}

impl XsdValidator {
    fn find() -> Self {
        let xsd = crate::shared::shared_dir().map(|d| d.join("fixtures/econnect/xsd/eConnect.xsd")).filter(|p| p.exists());
        let xmllint = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
        match (&xsd, xmllint) {
            (None, _) => eprintln!("note: the shared fixtures are absent; documents are not validated against eConnect.xsd"),
            (Some(_), false) => eprintln!("note: xmllint is not installed; documents are not validated against eConnect.xsd"),
            _ => {}
        }
        XsdValidator { xsd: xsd.filter(|_| xmllint) }
    }

    fn check(&self, xml: &str) -> Result<(), String> {
        let Some(xsd) = &self.xsd else { return Ok(()) };
        let file = std::env::temp_dir().join(format!("mapc-test-{}-{}.xml", std::process::id(), fastid(xml)));
        std::fs::write(&file, xml).map_err(|e| e.to_string())?;
        let output = Command::new("xmllint").arg("--noout").arg("--schema").arg(xsd).arg(&file).output().map_err(|e| e.to_string());
        let _ = std::fs::remove_file(&file);
        let output = output?;
        if output.status.success() {
            Ok(())
        } else {
            let reasons: Vec<String> =
                String::from_utf8_lossy(&output.stderr).lines().filter(|l| !l.ends_with("fails to validate")).map(|l| l.to_string()).collect();
            Err(format!("eConnect.xsd refuses the document:\n  {}", reasons.join("\n  ")))
        }
    }
}

/// A short hash for a temporary file name.
fn fastid(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}
