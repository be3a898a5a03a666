//! The one registry of diagnostic codes. A code never changes meaning once released; `mapc explain CODE`
//! prints its long explanation from `lang-spec/codes/CODE.md`.

use super::Severity;

#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub severity: Severity,
    /// A short name for the problem.
    pub title: &'static str,
}

macro_rules! codes {
    ($($name:ident = $code:literal, $severity:ident, $title:literal;)*) => {
        $(pub static $name: Code = Code { code: $code, severity: Severity::$severity, title: $title };)*
        /// Every code, in order.
        pub static CODES: &[&Code] = &[$(&$name),*];
    };
}

codes! {
    SYNTAX = "E001", Error, "syntax error";
    UNREADABLE_FILE = "E002", Error, "file cannot be read as a mapping";
    HEADER = "E003", Error, "missing or misplaced mapping header";
    UNKNOWN_SOURCE_PATH = "E100", Error, "unknown source path";
    UNKNOWN_TARGET_FIELD = "E101", Error, "unknown target field";
    WRITTEN_TWICE = "E102", Error, "target field written twice";
    MISSING_REQUIRED = "E103", Error, "required target fields not written";
    TYPE_MISMATCH = "E104", Error, "type mismatch";
    UNHANDLED_FALLIBLE = "E105", Error, "fallible expression not handled";
    OPTIONAL_INTO_REQUIRED = "E106", Error, "value may be absent but the target is required";
    TOO_LONG = "E107", Error, "text may exceed the target's length";
    TRUNCATED_KEY = "E108", Error, "key field truncated";
    UNKNOWN_LENGTH = "W109", Warning, "target length unknown";
    SCALE_EXCEEDED = "E110", Error, "decimal places exceed the target's scale";
    OUT_OF_RANGE = "E111", Error, "integer may not fit the target";
    NOT_IN_VALUE_SET = "E112", Error, "value outside the target's value set";
    NON_EXHAUSTIVE = "E113", Error, "match or table does not cover every case";
    UNKNOWN_FUNCTION = "E114", Error, "unknown function";
    WRONG_ARGUMENTS = "E115", Error, "wrong arguments";
    BAD_ITERATION = "E116", Error, "cannot iterate over this value";
    BAD_AGGREGATION = "E117", Error, "cannot aggregate this value";
    IMPORT_CYCLE = "E118", Error, "files use each other in a cycle";
    UNDEFINED_NAME = "E119", Error, "undefined name";
    UNUSED = "W120", Warning, "declared but never used";
    UNKNOWN_SCHEMA_TYPE = "E121", Error, "unknown schema type";
    DUPLICATE = "E122", Error, "declared twice";
    NOT_A_NODE = "E123", Error, "target shape does not match the statement";
    USE_NOT_FOUND = "E124", Error, "used file cannot be read";
    KEY = "E125", Error, "missing or invalid document key";
    RECURSION = "E126", Error, "function calls itself";
}

pub fn find(code: &str) -> Option<&'static Code> {
    CODES.iter().copied().find(|c| c.code.eq_ignore_ascii_case(code))
}

mod docs {
    include!(concat!(env!("OUT_DIR"), "/code_docs.rs"));
}

/// The long explanation of a code (`lang-spec/codes/CODE.md`).
pub fn explanation(code: &Code) -> Option<&'static str> {
    docs::CODE_DOCS.iter().find(|(c, _)| *c == code.code).map(|(_, text)| *text)
}

/// The documented codes, for the test that every doc names a real code.
pub fn documented() -> impl Iterator<Item = &'static str> {
    docs::CODE_DOCS.iter().map(|(c, _)| *c)
}
