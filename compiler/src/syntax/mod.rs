//! Syntax: `.map` text -> [`ast::Module`], with every span and comment kept.
//!
//! The grammar is `lang-spec/mapping.pest`. Inputs that could make a recursive-descent parser work
//! without bound (deep nesting) are refused before pest sees them, so parsing never overflows the stack.

pub mod ast;
mod tree;

use pest::Parser as _;

use crate::diagnostics::{codes, Diagnostic, FileId};
use ast::{Comment, Module, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../../lang-spec/mapping.pest"]
pub(crate) struct Grammar;

/// Brackets nested deeper than this are refused: no mapping needs it, and it bounds parser recursion.
pub const MAX_NESTING: usize = 64;

/// Parses one file. A syntax error is one diagnostic saying what was expected where.
pub fn parse(file: FileId, text: &str) -> Result<Module, Diagnostic> {
    check_nesting(file, text)?;
    let mut pairs = match Grammar::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(_) => {
            // Parse again recording which literal tokens were tried, so the error can say
            // "expected `)`". Only failing parses pay for that bookkeeping.
            pest::set_error_detail(true);
            let detailed = Grammar::parse(Rule::file, text).err();
            pest::set_error_detail(false);
            let error = detailed.expect("a text that failed to parse fails again");
            return Err(syntax_error(file, text, error));
        }
    };
    let root = pairs.next().expect("the file rule always yields one pair");
    let mut module = tree::module(root).map_err(|span| {
        Diagnostic::new(&codes::SYNTAX, file, Span::new(span.start as usize, span.start as usize + 1), format!("this expression is nested more than {} levels deep", tree::MAX_EXPR_DEPTH))
            .label("too deep")
            .help("split it into steps with `let`")
    })?;
    module.comments = comments(text);
    Ok(module)
}

fn check_nesting(file: FileId, text: &str) -> Result<(), Diagnostic> {
    let mut depth = 0usize;
    let mut too_deep = None;
    scan(
        text,
        |offset, c| match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING && too_deep.is_none() {
                    too_deep = Some(offset);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        },
        |_, _| {},
    );
    match too_deep {
        None => Ok(()),
        Some(offset) => Err(Diagnostic::new(&codes::SYNTAX, file, Span::new(offset, offset + 1), "brackets nested too deeply")
            .label(format!("more than {MAX_NESTING} levels"))
            .help("split the expression with `let` or a function")),
    }
}

/// Walks the text once: `on_code` sees every character outside strings and comments, `on_comment`
/// gets the byte range of each comment (from `#` to the end of its line).
fn scan(text: &str, mut on_code: impl FnMut(usize, char), mut on_comment: impl FnMut(usize, usize)) {
    let (mut in_string, mut escaped, mut comment_start) = (false, false, None);
    for (offset, c) in text.char_indices() {
        if let Some(start) = comment_start {
            if c == '\n' {
                on_comment(start, offset);
                comment_start = None;
            }
        } else if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            comment_start = Some(offset);
        } else {
            on_code(offset, c);
        }
    }
    if let Some(start) = comment_start {
        on_comment(start, text.len());
    }
}

/// Where a comment starts in one line of code, if it has one (a `#` outside a string).
pub fn comment_start(line: &str) -> Option<usize> {
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in line.char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (false, _, '"') => in_string = true,
            (false, _, '#') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The comments of a file, in order.
pub fn comments(text: &str) -> Vec<Comment> {
    let mut comments = Vec::new();
    scan(text, |_, _| {}, |start, end| {
        let end = if text[..end].ends_with('\r') { end - 1 } else { end };
        comments.push(Comment { text: text[start + 1..end].to_string(), span: Span::new(start, end) });
    });
    comments
}

fn syntax_error(file: FileId, text: &str, error: pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let offset = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = found_at(text, offset);
    let span = Span::new(offset, offset + found.len().max(if offset < text.len() { 1 } else { 0 }));
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => describe_expected(positives, &structural_tokens(&error)),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    if found == "\\" && in_open_string(&text[..offset]) {
        let escape: String = text[offset..].chars().take(2).collect();
        return Diagnostic::new(&codes::SYNTAX, file, Span::new(offset, offset + escape.len()), format!("unknown escape `{escape}` in a string"))
            .label("unknown escape")
            .help("strings know \\\", \\\\, \\n, \\t, \\r and \\u{...}");
    }
    if found == "mapping" {
        return Diagnostic::new(&codes::HEADER, file, span, "the `mapping` header must be the first thing in the file, and come once")
            .label("misplaced header")
            .help("move it above every declaration and statement (comments may come before it)");
    }
    let shown = if found.is_empty() {
        "the end of the file".to_string()
    } else if is_keyword(found) {
        format!("the keyword `{found}`")
    } else {
        format!("`{found}`")
    };
    let mut diagnostic =
        Diagnostic::new(&codes::SYNTAX, file, span, format!("expected {expected}, found {shown}")).label(format!("expected {expected}"));
    // A statement's `->` or the end of the file reached inside brackets: point at the open one.
    if found.is_empty() || found == "->" {
        if let Some(open) = unclosed_bracket(&text[..offset]) {
            diagnostic = diagnostic.secondary(file, Span::new(open, open + 1), "this bracket is never closed");
        }
    }
    if is_keyword(found) {
        diagnostic = diagnostic.help(format!("`{found}` is a keyword; choose another name"));
    }
    diagnostic
}

fn is_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "mapping", "from", "to", "use", "param", "lookup", "optional", "table", "fn", "key", "let", "for", "in", "where",
        "require", "skip", "else", "if", "match", "and", "or", "not", "true", "false",
    ];
    KEYWORDS.contains(&word)
}

/// The innermost bracket still open at the end of the text.
fn unclosed_bracket(text: &str) -> Option<usize> {
    let mut open = Vec::new();
    scan(
        text,
        |offset, c| match c {
            '(' | '[' | '{' => open.push(offset),
            ')' | ']' | '}' => {
                open.pop();
            }
            _ => {}
        },
        |_, _| {},
    );
    open.pop()
}

/// Whether the text ends inside a string literal.
fn in_open_string(prefix: &str) -> bool {
    let line = prefix.rsplit('\n').next().unwrap_or("");
    let mut inside = false;
    let mut escaped = false;
    for c in line.chars() {
        match (inside, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => inside = false,
            (false, _, '"') => inside = true,
            (false, _, '#') => return false,
            _ => {}
        }
    }
    inside
}

/// The token at `offset`, as a person would name it.
fn found_at(text: &str, offset: usize) -> &str {
    let rest = &text[offset.min(text.len())..];
    let rest = rest.split(['\n', '\r']).next().unwrap_or("");
    let first = rest.chars().next();
    let len = match first {
        None => 0,
        Some(c) if c.is_alphanumeric() || c == '_' => rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len()),
        Some(c) if "-=<>!?".contains(c) => rest.find(|c: char| !"-=<>!?".contains(c)).unwrap_or(rest.len()),
        Some(c) => c.len_utf8(),
    };
    &rest[..len]
}

/// Closing brackets and separators the parser would have accepted: the most useful thing to name.
fn structural_tokens(error: &pest::error::Error<Rule>) -> Vec<String> {
    const STRUCTURAL: &[&str] = &[")", "]", "}", ",", "->", "=>", "=", ":", "{", "(", "<", ">", "|"];
    let Some(attempts) = error.parse_attempts() else { return Vec::new() };
    let mut tokens: Vec<String> = attempts
        .expected_tokens()
        .into_iter()
        .map(|t| t.to_string())
        .filter(|token| STRUCTURAL.contains(&token.as_str()))
        .map(|token| format!("`{token}`"))
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

fn describe_expected(rules: &[Rule], tokens: &[String]) -> String {
    let operators = ["`.`, `[` or `!`", "a comparison", "an operator"];
    let mut names: Vec<&str> = rules.iter().map(|r| rule_name(*r)).filter(|n| tokens.is_empty() || !operators.contains(n)).collect();
    names.extend(tokens.iter().map(String::as_str));
    names.sort();
    names.dedup();
    match names.as_slice() {
        [] => "something else".into(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::header | Rule::kw_mapping => "`mapping NAME from SYSTEM.Type to SYSTEM.Type`",
        Rule::type_name => "a schema type such as `brightpearl.Order`",
        Rule::ident | Rule::ident_raw => "a name",
        Rule::string => "a string",
        Rule::number | Rule::int => "a number",
        Rule::type_expr | Rule::type_union | Rule::type_list | Rule::type_string | Rule::type_simple => "a type",
        Rule::block => "`{`",
        Rule::assign_stmt => "`->`",
        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_in => "`in`",
        Rule::kw_else => "`else`",
        Rule::business_kw => "`business`",
        Rule::optional_kw => "`optional`",
        Rule::table_arm | Rule::match_arm | Rule::patterns | Rule::pattern | Rule::wildcard => "a case (`\"value\" => ...` or `_ => ...`)",
        Rule::fn_param => "a parameter (`name: type`)",
        Rule::where_clause | Rule::kw_where => "`where`",
        Rule::cmp_op | Rule::in_op | Rule::not_in => "a comparison",
        Rule::add_op | Rule::mul_op | Rule::or_op | Rule::and_op => "an operator",
        Rule::member | Rule::index | Rule::bang => "`.`, `[` or `!`",
        Rule::use_decl | Rule::param_decl | Rule::lookup_decl | Rule::table_decl | Rule::fn_decl | Rule::key_decl
        | Rule::let_stmt | Rule::for_stmt | Rule::require_stmt | Rule::skip_stmt | Rule::node_stmt => "a declaration or statement",
        _ => "an expression",
    }
}
