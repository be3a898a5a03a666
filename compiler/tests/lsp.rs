//! `mapc lsp` spoken to as an editor does: JSON-RPC over stdio.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{json, Value};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
    notifications: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mapc")).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut client = Client { child, stdin, stdout, next_id: 1, notifications: Vec::new() };
        let init = client.request("initialize", json!({"capabilities": {}}));
        assert_eq!(init["capabilities"]["hoverProvider"], true);
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.read();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
            self.notifications.push(message);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for a document.
    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let message = if self.notifications.is_empty() { self.read() } else { self.notifications.remove(0) };
            if message["method"] == "textDocument/publishDiagnostics" {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        assert!(self.child.wait().unwrap().success());
    }
}

/// A document beside the library, so its `use`s resolve.
fn uri() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mappings/editing.map").canonicalize().unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../mappings").canonicalize().unwrap().join("editing.map")
    });
    format!("file://{}", path.display())
}

fn sales_order() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../mappings/sales_order.map")).unwrap()
}

/// The position of the `n`-th occurrence of `needle`, plus `shift` characters.
fn at(text: &str, needle: &str, n: usize, shift: usize) -> Value {
    let offset = text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("{needle} #{n}")).0 + shift;
    let line = text[..offset].matches('\n').count();
    let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

fn labels(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

#[test]
fn diagnostics_follow_the_text_and_quick_fixes_repair_it() {
    let mut client = Client::start();
    let uri = uri();
    let broken = sales_order().replacen("-> SOPNUMBE\n", "-> SOPNUMBER\n", 1);
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mapping", "version": 1, "text": broken}}));
    let diagnostics = client.diagnostics();
    let e101 = diagnostics.iter().find(|d| d["code"] == "E101").expect("the misspelt target");
    assert_eq!(e101["range"]["start"], at(&broken, "SOPNUMBER", 0, 0));
    assert!(e101["message"].as_str().unwrap().contains("did you mean `SOPNUMBE`"));
    assert!(diagnostics.iter().any(|d| d["code"] == "E103"), "{diagnostics:?}");

    let actions = client.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": e101["range"], "context": {"diagnostics": [e101]}}));
    let fix = actions.as_array().unwrap().iter().find(|a| a["title"] == "Replace with `SOPNUMBE`").expect("a did-you-mean fix");
    assert_eq!(fix["edit"]["changes"][&uri][0]["newText"], "SOPNUMBE");
    let e103 = diagnostics.iter().find(|d| d["code"] == "E103").unwrap();
    let actions = client.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": e103["range"], "context": {"diagnostics": [e103]}}));
    let add = actions.as_array().unwrap().iter().find(|a| a["title"] == "Add the missing required fields").expect("a fix adding fields");
    assert!(add["edit"]["changes"][&uri][0]["newText"].as_str().unwrap().contains("-> SOPNUMBE"));

    client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": sales_order()}]}));
    assert_eq!(client.diagnostics(), Vec::<Value>::new(), "the fixed text is clean");
    client.stop();
}

#[test]
fn completion_hover_definition_references_rename_and_formatting() {
    let mut client = Client::start();
    let uri = uri();
    let text = sales_order();
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mapping", "version": 1, "text": text}}));
    client.diagnostics();
    let doc = json!({"uri": uri});

    // Target fields after `->`, with their schema facts.
    let items = client.request("textDocument/completion", json!({"textDocument": doc, "position": at(&text, "-> SOPNUMBE", 1, 3)}));
    let sopnumbe = items.as_array().unwrap().iter().find(|i| i["label"] == "SOPNUMBE").expect("SOPNUMBE offered");
    assert!(sopnumbe["detail"].as_str().unwrap().contains("length 21") && sopnumbe["detail"].as_str().unwrap().contains("key"));
    assert!(labels(&items).contains(&"DOCAMNT".to_string()), "header fields in the header block");
    // Fields of a loop variable's record after `.`.
    let items = client.request("textDocument/completion", json!({"textDocument": doc, "position": at(&text, "row.quantity", 0, 4)}));
    assert!(labels(&items).contains(&"productSku".to_string()) && labels(&items).contains(&"rowValue".to_string()), "{items}");
    // Names at the start of an expression: built-ins, declarations, source fields.
    let items = client.request("textDocument/completion", json!({"textDocument": doc, "position": at(&text, "let sop_number", 0, 0)}));
    for name in ["round", "sop_type", "doc_id", "placedOn", "customer_number", "batch", "gp_currency"] {
        assert!(labels(&items).contains(&name.to_string()), "{name} missing");
    }

    let hover = client.request("textDocument/hover", json!({"textDocument": doc, "position": at(&text, "-> SOPNUMBE", 0, 4)}));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("length 21"), "{hover}");
    let hover = client.request("textDocument/hover", json!({"textDocument": doc, "position": at(&text, "placedOn", 0, 2)}));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("datetime"), "{hover}");

    let definition = client.request("textDocument/definition", json!({"textDocument": doc, "position": at(&text, "sop_type -> SOPTYPE", 0, 2)}));
    assert_eq!(definition["range"]["start"], at(&text, "param sop_type", 0, 6));
    let definition = client.request("textDocument/definition", json!({"textDocument": doc, "position": at(&text, "use \"lib/sop.map\"", 0, 8)}));
    assert!(definition["uri"].as_str().unwrap().ends_with("mappings/lib/sop.map"));
    let definition = client.request("textDocument/definition", json!({"textDocument": doc, "position": at(&text, "customer_number(customer", 0, 2)}));
    assert!(definition["uri"].as_str().unwrap().ends_with("lib/sop.map"), "a function of a used file: {definition}");

    let references = client.request("textDocument/references", json!({"textDocument": doc, "position": at(&text, "sop_number", 0, 1), "context": {"includeDeclaration": true}}));
    let count = text.matches("sop_number").count();
    assert_eq!(references.as_array().unwrap().len(), count);
    let rename = client.request("textDocument/rename", json!({"textDocument": doc, "position": at(&text, "sop_number", 0, 1), "newName": "document_number"}));
    assert_eq!(rename["changes"][&uri].as_array().unwrap().len(), count);

    let messy = text.replace("sop_type -> SOPTYPE", "sop_type->SOPTYPE");
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": messy}]}));
    client.diagnostics();
    let edits = client.request("textDocument/formatting", json!({"textDocument": doc, "options": {"tabSize": 4, "insertSpaces": true}}));
    assert_eq!(edits[0]["newText"].as_str().unwrap(), text);
    client.stop();
}

#[test]
fn every_position_of_a_document_is_answered_without_a_crash() {
    let mut client = Client::start();
    let uri = uri();
    // The library's order mapping with a broken line in the middle, as text mid-edit is.
    let text = sales_order().replacen("let sop_number = \"BP\" + text(id)", "let sop_number = \"BP\" + text(id. ", 1) + "\ncafé 😀 -> ";
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mapping", "version": 1, "text": text}}));
    client.diagnostics();
    let doc = json!({"uri": uri});
    let lines: Vec<&str> = text.lines().collect();
    for (line, content) in lines.iter().enumerate() {
        let width: usize = content.chars().map(char::len_utf16).sum();
        for character in (0..=width + 2).step_by(5) {
            let position = json!({"line": line, "character": character});
            client.request("textDocument/completion", json!({"textDocument": doc, "position": position}));
            client.request("textDocument/hover", json!({"textDocument": doc, "position": position}));
            client.request("textDocument/definition", json!({"textDocument": doc, "position": position}));
            client.request("textDocument/references", json!({"textDocument": doc, "position": position, "context": {"includeDeclaration": true}}));
        }
    }
    let beyond = json!({"line": lines.len() + 5, "character": 99});
    client.request("textDocument/hover", json!({"textDocument": doc, "position": beyond}));
    client.request("textDocument/codeAction", json!({"textDocument": doc, "range": {"start": beyond, "end": beyond}, "context": {"diagnostics": []}}));
    client.stop();
}
