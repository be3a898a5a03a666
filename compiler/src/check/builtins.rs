//! Typing the built-in functions. Their run-time meaning is in the language reference; here each says
//! what it accepts and what it proves about its result (length, scale, absence, failure).

use super::types::{int_text_len, Shape, Ty};
use super::Checker;
use crate::diagnostics::codes;
use crate::syntax::ast::*;

/// Every built-in function, for did-you-mean and for refusing them as user names.
pub const NAMES: &[&str] = &[
    "text", "to_decimal", "to_int", "round", "truncate", "upper", "lower", "trim", "pad_left", "replace", "date", "length", "abs",
    "present", "sum", "count", "min", "max", "first", "join",
];

pub fn is_builtin(name: &str) -> bool {
    NAMES.contains(&name)
}

/// Characters `text(x)` can produce for a value of this shape (`None`: no bound).
fn text_length(shape: &Shape) -> Option<u64> {
    match shape {
        Shape::Str { max, .. } => *max,
        Shape::Int { min, max, .. } => Some(int_text_len(*min, *max)),
        Shape::Date => Some(10),
        // 2020-03-31T15:02:44.000-06:00
        Shape::DateTime => Some(29),
        Shape::Bool => Some(5),
        _ => None,
    }
}

impl Checker<'_> {
    pub(crate) fn builtin(&mut self, name: &Ident, args: &[Expr], span: Span) -> Ty {
        let f = name.name.as_str();
        let arity: &[usize] = match f {
            "round" | "truncate" | "join" => &[2],
            "pad_left" | "replace" => &[3],
            _ => &[1],
        };
        if !arity.contains(&args.len()) {
            let wanted = arity[0];
            return self.wrong_arguments(name, span, format!("`{f}` takes {wanted} argument{}, not {}", if wanted == 1 { "" } else { "s" }, args.len()));
        }
        let types: Vec<Ty> = args.iter().map(|a| self.expr(a)).collect();
        if types.iter().any(Ty::is_error) {
            return Ty::error();
        }
        let optional = types.iter().any(|t| t.optional);
        let fallible = types.iter().any(|t| t.fallible);
        let first = &types[0];
        let result = match f {
            "text" => match &first.shape {
                Shape::Str { .. } | Shape::Int { .. } | Shape::Dec { .. } | Shape::Date | Shape::DateTime | Shape::Bool => {
                    Ty::string(text_length(&first.shape))
                }
                _ => return self.bad_argument(name, &args[0], first, "a value with a text form"),
            },
            "to_decimal" | "to_int" => match &first.shape {
                Shape::Str { .. } => {
                    if f == "to_decimal" {
                        Ty::decimal(None).fallible(true)
                    } else {
                        Ty::int64().fallible(true)
                    }
                }
                _ => return self.bad_argument(name, &args[0], first, "text"),
            },
            "round" => {
                if !first.is_numeric() {
                    return self.bad_argument(name, &args[0], first, "a number");
                }
                let Some(places) = self.literal_count(&args[1], 0, 28, f) else { return Ty::error() };
                Ty::decimal(Some(places as u32))
            }
            "abs" => {
                if !first.is_numeric() {
                    return self.bad_argument(name, &args[0], first, "a number");
                }
                match &first.shape {
                    Shape::Int { min, max, .. } => {
                        let high = min.abs().max(max.abs());
                        let low = if *min <= 0 && *max >= 0 { 0 } else { min.abs().min(max.abs()) };
                        Ty::int(low, high)
                    }
                    other => Ty::new(other.clone()),
                }
            }
            "truncate" => {
                let Shape::Str { max, .. } = &first.shape else { return self.bad_argument(name, &args[0], first, "text") };
                let Some(n) = self.literal_count(&args[1], 1, u32::MAX as i64, f) else { return Ty::error() };
                Ty::string(Some(max.map_or(n as u64, |m| m.min(n as u64))))
            }
            "upper" | "lower" | "trim" => {
                let Shape::Str { max, .. } = &first.shape else { return self.bad_argument(name, &args[0], first, "text") };
                Ty::string(*max)
            }
            "pad_left" => {
                let Shape::Str { max, .. } = &first.shape else { return self.bad_argument(name, &args[0], first, "text") };
                let Some(n) = self.literal_count(&args[1], 1, 10_000, f) else { return Ty::error() };
                match &args[2].kind {
                    ExprKind::Lit(Literal { value: LitValue::Str(s), .. }) if s.chars().count() == 1 => {}
                    _ => return self.bad_argument(name, &args[2], &types[2], "a one-character text literal such as \"0\""),
                }
                Ty::string(max.map(|m| m.max(n as u64)))
            }
            "replace" => {
                let all_text = types.iter().all(|t| matches!(t.shape, Shape::Str { .. }));
                if !all_text {
                    let (i, bad) = types.iter().enumerate().find(|(_, t)| !matches!(t.shape, Shape::Str { .. })).unwrap();
                    return self.bad_argument(name, &args[i], bad, "text");
                }
                let Shape::Str { max, .. } = &first.shape else { unreachable!() };
                // Replacing with something no longer than the smallest match cannot grow the text.
                let shrinks = match (&args[1].kind, &args[2].kind) {
                    (ExprKind::Lit(Literal { value: LitValue::Str(from), .. }), ExprKind::Lit(Literal { value: LitValue::Str(to), .. })) => {
                        !from.is_empty() && to.chars().count() <= from.chars().count()
                    }
                    _ => false,
                };
                Ty::string(if shrinks { *max } else { None })
            }
            "date" => match &first.shape {
                Shape::DateTime | Shape::Date => Ty::new(Shape::Date),
                Shape::Str { .. } => Ty::new(Shape::Date).fallible(true),
                _ => return self.bad_argument(name, &args[0], first, "a datetime, or text holding a date"),
            },
            "length" => match &first.shape {
                Shape::Str { max, .. } => Ty::int(0, max.map_or(i64::MAX as i128, |m| m as i128)),
                _ => return self.bad_argument(name, &args[0], first, "text"),
            },
            "present" => {
                // The one function that looks at absence itself.
                return Ty::bool().fallible(fallible);
            }
            "count" => match &first.shape {
                Shape::List(_) | Shape::Keyed(_) | Shape::Map(_) => return Ty::int(0, i64::MAX as i128).fallible(fallible),
                _ => return self.bad_aggregate(name, &args[0], first, "a collection"),
            },
            "sum" | "min" | "max" | "first" | "join" => return self.aggregate(name, args, &types),
            _ => unreachable!("every built-in is typed: {f}"),
        };
        // Text derived from a truncated value is still cut short.
        let truncated = f == "truncate" || (matches!(f, "text" | "upper" | "lower" | "trim" | "pad_left" | "replace") && first.truncated);
        result.optional(optional).fallible(fallible).truncated(truncated)
    }

    /// `sum`, `min`, `max`, `first`, `join`: over a list (a comprehension, a list param, a literal).
    /// An absent collection counts as empty.
    fn aggregate(&mut self, name: &Ident, args: &[Expr], types: &[Ty]) -> Ty {
        let f = name.name.as_str();
        let collection = &types[0];
        let fallible = types.iter().any(|t| t.fallible);
        let element = match &collection.shape {
            Shape::List(e) => e.as_ref().clone(),
            Shape::Keyed(_) | Shape::Map(_) => {
                let path = self.path_text(&args[0]);
                let d = self
                    .diag(&codes::BAD_AGGREGATION, args[0].span, format!("`{f}` needs a list of values, and `{path}` is a collection of records"))
                    .label("records, not values")
                    .help(format!("pick the value of each entry: `{f}([x.field for x in {path}])`"));
                self.report(d);
                return Ty::error();
            }
            _ => return self.bad_aggregate(name, &args[0], collection, "a list"),
        };
        if element.is_error() {
            return match f {
                "join" => Ty::string(None),
                _ => Ty::error(),
            };
        }
        if element.optional {
            let d = self
                .diag(&codes::BAD_AGGREGATION, args[0].span, format!("`{f}` over values that may be absent"))
                .label("some entries may be absent")
                .help("give each entry a fallback inside the list, such as `[x.amount ?? 0 for x in rows]`");
            self.report(d);
            return Ty::error();
        }
        let element = element.clone().fallible(fallible || element.fallible);
        match f {
            "sum" => match &element.shape {
                Shape::Int { .. } => Ty::int64().fallible(element.fallible),
                Shape::Dec { scale } => Ty::decimal(*scale).fallible(element.fallible),
                _ => self.bad_aggregate(name, &args[0], collection, "a list of numbers"),
            },
            "min" | "max" => match &element.shape {
                Shape::Int { .. } | Shape::Dec { .. } | Shape::Str { .. } | Shape::Date | Shape::DateTime => element.optional(true),
                _ => self.bad_aggregate(name, &args[0], collection, "a list of comparable values"),
            },
            "first" => element.optional(true),
            "join" => {
                if !matches!(element.shape, Shape::Str { .. }) {
                    return self.bad_aggregate(name, &args[0], collection, "a list of text");
                }
                if !matches!(types[1].shape, Shape::Str { .. }) {
                    return self.bad_argument(name, &args[1], &types[1], "a text separator");
                }
                Ty::string(None).fallible(element.fallible)
            }
            _ => unreachable!(),
        }
    }

    /// An integer literal argument within bounds (`round(x, 5)`, `truncate(s, 60)`).
    fn literal_count(&mut self, arg: &Expr, min: i64, max: i64, f: &str) -> Option<i64> {
        if let ExprKind::Lit(Literal { value: LitValue::Number(n), .. }) = &arg.kind {
            if let Ok(v) = n.parse::<i64>() {
                if (min..=max).contains(&v) {
                    return Some(v);
                }
            }
        }
        let d = self
            .diag(&codes::WRONG_ARGUMENTS, arg.span, format!("`{f}` needs a whole-number literal from {min} to {max} here"))
            .label("not a literal in range")
            .help("the checker uses this number to prove lengths and scales, so it must be written out");
        self.report(d);
        None
    }

    fn bad_argument(&mut self, name: &Ident, arg: &Expr, ty: &Ty, wanted: &str) -> Ty {
        let d = self
            .diag(&codes::WRONG_ARGUMENTS, arg.span, format!("`{}` needs {wanted}, and `{}` is {ty}", name.name, self.snippet(arg.span)))
            .label(format!("wrong argument to `{}`", name.name));
        self.report(d);
        Ty::error()
    }

    fn bad_aggregate(&mut self, name: &Ident, arg: &Expr, ty: &Ty, wanted: &str) -> Ty {
        let d = self
            .diag(&codes::BAD_AGGREGATION, arg.span, format!("`{}` needs {wanted}, and `{}` is {ty}", name.name, self.snippet(arg.span)))
            .label("cannot aggregate this");
        self.report(d);
        Ty::error()
    }
}
