//! The examples of `docs/gp-http-contract.md`, run in order against a fresh simulator: each request gets
//! exactly the answer the contract shows (JSON compared as values, `<any>` matching anything; text
//! compared line by line, the contract's line ends standing for eConnect's CRLF).

mod gp_support;

use std::path::Path;

use serde_json::Value;

/// One ```http block: its first line, its headers and its body.
struct Block {
    start: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn http_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```http" {
            continue;
        }
        let text: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        let start = text.first().expect("an http block has a first line").to_string();
        let blank = text.iter().position(|l| l.is_empty()).unwrap_or(text.len());
        let headers = text[1..blank]
            .iter()
            .map(|h| {
                let (name, value) = h.split_once(':').expect("a header line");
                (name.trim().to_ascii_lowercase(), value.trim().to_string())
            })
            .collect();
        let body = if blank < text.len() { text[blank + 1..].join("\n") } else { String::new() };
        blocks.push(Block { start, headers, body });
    }
    blocks
}

/// Whether `actual` matches `expected`, where the string `<any>` matches any value.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(s), _) if s == "<any>" => true,
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len() && e.iter().all(|(k, v)| a.get(k).is_some_and(|x| matches(v, x)))
        }
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y)),
        _ => expected == actual,
    }
}

#[test]
fn every_example_of_the_contract_is_what_the_simulator_answers() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/gp-http-contract.md");
    let markdown = std::fs::read_to_string(&path).unwrap();
    let blocks = http_blocks(&markdown);
    assert!(
        blocks.len() >= 20 && blocks.len() % 2 == 0,
        "the contract shows requests with their answers ({})",
        blocks.len()
    );
    let sim = gp_support::fresh();
    let client = gp_support::client();
    for pair in blocks.chunks(2) {
        let (request, expected) = (&pair[0], &pair[1]);
        let (method, target) = request.start.split_once(' ').expect("METHOD /path");
        let mut builder = client.request(method.parse().unwrap(), format!("{}{target}", sim.url()));
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let response = builder.send().unwrap();
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = response.text().unwrap();
        let wanted_status: u16 =
            expected.start.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("HTTP/1.1 NNN");
        assert_eq!(status, wanted_status, "{}: {body}", request.start);
        for (name, value) in &expected.headers {
            if name == "content-type" {
                assert_eq!(&content_type, value, "{}", request.start);
            }
        }
        if content_type.starts_with("application/json") {
            let wanted: Value = serde_json::from_str(&expected.body)
                .unwrap_or_else(|e| panic!("{}: the contract's JSON: {e}", request.start));
            let got: Value = serde_json::from_str(&body).unwrap();
            assert!(
                matches(&wanted, &got),
                "{}:\nthe contract shows {wanted}\nthe simulator answers {got}",
                request.start
            );
        } else {
            assert!(!body.contains('\n') || body.contains("\r\n"), "eConnect's text ends its lines in CRLF");
            assert_eq!(body.replace("\r\n", "\n").trim_end(), expected.body.trim_end(), "{}", request.start);
        }
    }
}
