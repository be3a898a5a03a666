//! Builds the syntax tree from pest's pairs. The grammar has already accepted the text, so the shapes
//! here are known; an unexpected shape is a bug in this file, not bad input.

use pest::iterators::Pair;

use super::ast::*;
use super::Rule;

type P<'a> = Pair<'a, Rule>;

/// Expressions deeper than this are refused (`1 + 1 + ...` thousands of times): every later pass walks
/// expressions recursively, and no mapping needs more.
pub const MAX_EXPR_DEPTH: u32 = 200;

/// The span of an expression that is too deep.
pub type TooDeep = Span;


/// A pair's span, ending at its last token: pest lets a rule's span run over the whitespace and
/// comments its last repetition skipped, which are trimmed off here.
fn span(pair: &P) -> Span {
    let start = pair.as_span().start();
    let text = pair.as_str();
    let mut end = text.len();
    loop {
        let trimmed = text[..end].trim_end();
        end = trimmed.len();
        // A comment ends the text when the last line has a `#` outside a string.
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        match super::comment_start(&trimmed[line_start..]) {
            Some(at) => end = line_start + at,
            None => break,
        }
    }
    Span::new(start, start + end)
}

/// The children that carry meaning (keywords are dropped).
fn children<'a>(pair: P<'a>) -> impl Iterator<Item = P<'a>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_mapping
            | Rule::kw_from
            | Rule::kw_to
            | Rule::kw_use
            | Rule::kw_param
            | Rule::kw_lookup
            | Rule::kw_table
            | Rule::kw_fn
            | Rule::kw_key
            | Rule::kw_let
            | Rule::kw_for
            | Rule::kw_in
            | Rule::kw_where
            | Rule::kw_require
            | Rule::kw_skip
            | Rule::kw_else
            | Rule::kw_if
            | Rule::kw_match
    )
}

fn ident(pair: P) -> Ident {
    Ident { name: pair.as_str().to_string(), span: span(&pair) }
}

pub fn module(file: P) -> Result<Module, TooDeep> {
    let mut module = Module::default();
    for pair in children(file) {
        match pair.as_rule() {
            Rule::header => module.header = Some(header(pair)),
            Rule::EOI => {}
            _ => module.items.push(item(pair)?),
        }
    }
    Ok(module)
}

fn header(pair: P) -> Header {
    let sp = span(&pair);
    let mut parts = children(pair);
    let name = ident(parts.next().unwrap());
    let source = ident(parts.next().unwrap());
    let target = ident(parts.next().unwrap());
    Header { name, source, target, span: sp }
}

fn item(pair: P) -> Result<Item, TooDeep> {
    let sp = span(&pair);
    Ok(match pair.as_rule() {
        Rule::use_decl => Item::Use(UseDecl { path: string(children(pair).next().unwrap()), span: sp }),
        Rule::param_decl => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            let ty = type_expr(parts.next().unwrap());
            let default = parts.next().map(expr).transpose()?;
            Item::Param(ParamDecl { name, ty, default, span: sp })
        }
        Rule::lookup_decl => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            let key = type_expr(parts.next().unwrap());
            let value = type_expr(parts.next().unwrap());
            let optional = parts.next().is_some();
            Item::Lookup(LookupDecl { name, key, value, optional, span: sp })
        }
        Rule::table_decl => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            Item::Table(TableDecl { name, arms: parts.map(arm).collect::<Result<_, _>>()?, span: sp })
        }
        Rule::fn_decl => {
            let mut parts: Vec<P> = children(pair).collect();
            let body = expr(parts.pop().unwrap())?;
            let mut parts = parts.into_iter();
            let name = ident(parts.next().unwrap());
            let params = parts
                .map(|p| {
                    let mut inner = children(p);
                    (ident(inner.next().unwrap()), type_expr(inner.next().unwrap()))
                })
                .collect();
            Item::Fn(FnDecl { name, params, body, span: sp })
        }
        Rule::key_decl => Item::Key(KeyDecl { expr: expr(children(pair).next().unwrap())?, span: sp }),
        _ => Item::Stmt(statement(pair)?),
    })
}

fn type_expr(pair: P) -> TypeExpr {
    let sp = span(&pair);
    let inner = children(pair).next().unwrap();
    let kind = match inner.as_rule() {
        Rule::type_simple => TypeExprKind::Simple(inner.as_str().to_string()),
        Rule::type_string => {
            let digits = children(inner).next().unwrap().as_str();
            TypeExprKind::BoundedString(digits.parse().unwrap_or(u32::MAX))
        }
        Rule::type_list => TypeExprKind::List(Box::new(type_expr(children(inner).next().unwrap()))),
        Rule::type_union => TypeExprKind::Union(children(inner).map(literal).collect()),
        other => unreachable!("type {other:?}"),
    };
    TypeExpr { kind, span: sp }
}

fn statement(pair: P) -> Result<Stmt, TooDeep> {
    let sp = span(&pair);
    Ok(match pair.as_rule() {
        Rule::let_stmt => {
            let mut parts = children(pair);
            Stmt::Let { name: ident(parts.next().unwrap()), value: expr(parts.next().unwrap())?, span: sp }
        }
        Rule::require_stmt => {
            let mut parts = children(pair);
            let condition = expr(parts.next().unwrap())?;
            let mut next = parts.next().unwrap();
            let business = next.as_rule() == Rule::business_kw;
            if business {
                next = parts.next().unwrap();
            }
            Stmt::Require { condition, business, message: string(next), span: sp }
        }
        Rule::skip_stmt => Stmt::Skip { condition: expr(children(pair).next().unwrap())?, span: sp },
        Rule::node_stmt => {
            let mut parts = children(pair);
            let target = ident(parts.next().unwrap());
            Stmt::Node { target, body: block(parts.next().unwrap())?, span: sp }
        }
        Rule::assign_stmt => {
            let mut parts = children(pair);
            Stmt::Assign { value: expr(parts.next().unwrap())?, target: ident(parts.next().unwrap()), span: sp }
        }
        Rule::for_stmt => {
            let parts: Vec<P> = children(pair).collect();
            let mut idents = Vec::new();
            let (mut source, mut filter, mut target, mut body) = (None, None, None, None);
            for part in parts {
                match part.as_rule() {
                    Rule::ident if source.is_none() => idents.push(ident(part)),
                    Rule::expr => source = Some(expr(part)?),
                    Rule::where_clause => filter = Some(expr(children(part).next().unwrap())?),
                    Rule::ident => target = Some(ident(part)),
                    Rule::block => body = Some(block(part)?),
                    other => unreachable!("for {other:?}"),
                }
            }
            let mut idents = idents.into_iter();
            Stmt::For(ForStmt {
                item: idents.next().unwrap(),
                index: idents.next(),
                source: source.unwrap(),
                filter,
                target: target.unwrap(),
                body: body.unwrap(),
                span: sp,
            })
        }
        other => unreachable!("statement {other:?}"),
    })
}

fn block(pair: P) -> Result<Vec<Stmt>, TooDeep> {
    children(pair).map(statement).collect()
}

fn arm(pair: P) -> Result<Arm, TooDeep> {
    arm_with_depth(pair).map(|(arm, _)| arm)
}

fn arm_with_depth(pair: P) -> Result<(Arm, u32), TooDeep> {
    let sp = span(&pair);
    let mut parts = children(pair);
    let patterns = children(parts.next().unwrap())
        .map(|p| {
            let inner = children(p).next().unwrap();
            match inner.as_rule() {
                Rule::wildcard => Pattern::Wildcard(span(&inner)),
                _ => Pattern::Lit(literal(inner)),
            }
        })
        .collect();
    let value = build(parts.next().unwrap())?;
    Ok((Arm { patterns, value: value.expr, span: sp }, value.depth))
}

fn string(pair: P) -> StrLit {
    let sp = span(&pair);
    let raw = pair.as_str();
    StrLit { value: unescape(&raw[1..raw.len() - 1]), span: sp }
}

/// The grammar admits only valid escapes; `\u{...}` outside Unicode becomes U+FFFD.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn literal(pair: P) -> Literal {
    let sp = span(&pair);
    let value = match pair.as_rule() {
        Rule::string => LitValue::Str(string(pair).value),
        Rule::number => LitValue::Number(pair.as_str().to_string()),
        Rule::boolean => LitValue::Bool(pair.as_str() == "true"),
        other => unreachable!("literal {other:?}"),
    };
    Literal { value, span: sp }
}

/// An expression with its depth, while building.
struct Built {
    expr: Expr,
    depth: u32,
}

/// Builds an expression node over children of the given depth, refusing one deeper than [`MAX_EXPR_DEPTH`].
fn node(kind: ExprKind, span: Span, child_depth: u32) -> Result<Built, TooDeep> {
    let depth = child_depth + 1;
    if depth > MAX_EXPR_DEPTH {
        return Err(span);
    }
    Ok(Built { expr: Expr { kind, span }, depth })
}

pub fn expr(pair: P) -> Result<Expr, TooDeep> {
    build(pair).map(|b| b.expr)
}

fn build(pair: P) -> Result<Built, TooDeep> {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::expr => build(children(pair).next().unwrap()),
        Rule::coalesce => {
            // `??` yields no pair of its own: the children are the operands, folded from the left.
            let mut operands = children(pair);
            let mut left = build(operands.next().unwrap())?;
            for operand in operands {
                let right = build(operand)?;
                let span = left.expr.span.to(right.expr.span);
                let depth = left.depth.max(right.depth);
                left = node(ExprKind::Coalesce(Box::new(left.expr), Box::new(right.expr)), span, depth)?;
            }
            Ok(left)
        }
        Rule::or_expr | Rule::and_expr | Rule::additive | Rule::multiplicative | Rule::comparison => fold_left(pair),
        Rule::not_expr | Rule::unary => {
            // `not not x`, `- - x`: a run of prefix operators, applied innermost first.
            let parts: Vec<P> = children(pair).collect();
            let (operators, operand) = parts.split_at(parts.len() - 1);
            let mut current = build(operand[0].clone())?;
            for op in operators.iter().rev() {
                let span = span(op).to(current.expr.span);
                let inner = Box::new(current.expr);
                let kind = if op.as_rule() == Rule::not_op { ExprKind::Not(inner) } else { ExprKind::Neg(inner) };
                current = node(kind, span, current.depth)?;
            }
            Ok(current)
        }
        Rule::postfix => {
            let mut parts = children(pair);
            let mut current = build(parts.next().unwrap())?;
            for suffix in parts {
                let whole = Span { start: sp.start, end: span(&suffix).end };
                let base = Box::new(current.expr);
                current = match suffix.as_rule() {
                    Rule::member => node(ExprKind::Member(base, ident(children(suffix).next().unwrap())), whole, current.depth)?,
                    Rule::index => {
                        let index = build(children(suffix).next().unwrap())?;
                        node(ExprKind::Index(base, Box::new(index.expr)), whole, current.depth.max(index.depth))?
                    }
                    _ => node(ExprKind::Bang(base), whole, current.depth)?,
                };
            }
            Ok(current)
        }
        Rule::paren => {
            let inner = build(children(pair).next().unwrap())?;
            node(ExprKind::Paren(Box::new(inner.expr)), sp, inner.depth)
        }
        Rule::string | Rule::number | Rule::boolean => node(ExprKind::Lit(literal(pair)), sp, 0),
        Rule::ident => node(ExprKind::Name(pair.as_str().to_string()), sp, 0),
        Rule::key_ref => node(ExprKind::KeyRef, sp, 0),
        Rule::call => {
            let mut parts = children(pair);
            let name = ident(parts.next().unwrap());
            let (args, depth) = all(parts)?;
            node(ExprKind::Call { name, args }, sp, depth)
        }
        Rule::if_expr => {
            // `if a {x} else if b {y} else {z}` becomes nested ifs, built from the last branch back.
            let mut iter = children(pair);
            let mut branches = vec![(build(iter.next().unwrap())?, build(iter.next().unwrap())?, sp)];
            let mut otherwise: Option<Built> = None;
            for part in iter {
                if part.as_rule() == Rule::else_if {
                    let branch_span = Span { start: span(&part).start, end: sp.end };
                    let mut inner = children(part);
                    branches.push((build(inner.next().unwrap())?, build(inner.next().unwrap())?, branch_span));
                } else {
                    otherwise = Some(build(part)?);
                }
            }
            let mut result = otherwise;
            for (condition, then, branch_span) in branches.into_iter().rev() {
                let depth = condition.depth.max(then.depth).max(result.as_ref().map_or(0, |r| r.depth));
                let kind = ExprKind::If { condition: Box::new(condition.expr), then: Box::new(then.expr), otherwise: result.map(|r| Box::new(r.expr)) };
                result = Some(node(kind, branch_span, depth)?);
            }
            Ok(result.expect("an if has a first branch"))
        }
        Rule::match_expr => {
            let mut parts = children(pair);
            let scrutinee = build(parts.next().unwrap())?;
            let mut depth = scrutinee.depth;
            let mut arms = Vec::new();
            for part in parts {
                let (arm, arm_depth) = arm_with_depth(part)?;
                depth = depth.max(arm_depth);
                arms.push(arm);
            }
            node(ExprKind::Match { scrutinee: Box::new(scrutinee.expr), arms }, sp, depth)
        }
        Rule::list_or_comprehension => {
            let mut parts = children(pair);
            let Some(first) = parts.next() else { return node(ExprKind::List(Vec::new()), sp, 0) };
            let first = build(first)?;
            let rest = parts.next().expect("a list rest or a comprehension follows the first item");
            if rest.as_rule() == Rule::list_rest {
                let (more, depth) = all(children(rest))?;
                let depth = depth.max(first.depth);
                let mut items = vec![first.expr];
                items.extend(more);
                return node(ExprKind::List(items), sp, depth);
            }
            let mut inner = children(rest);
            let item = ident(inner.next().unwrap());
            let source = build(inner.next().unwrap())?;
            let filter = inner.next().map(|w| build(children(w).next().unwrap())).transpose()?;
            let depth = first.depth.max(source.depth).max(filter.as_ref().map_or(0, |f| f.depth));
            let kind = ExprKind::Comprehension {
                value: Box::new(first.expr),
                item,
                source: Box::new(source.expr),
                filter: filter.map(|f| Box::new(f.expr)),
            };
            node(kind, sp, depth)
        }
        other => unreachable!("expression {other:?}"),
    }
}

/// Several expressions and the depth of the deepest.
fn all<'a>(pairs: impl Iterator<Item = P<'a>>) -> Result<(Vec<Expr>, u32), TooDeep> {
    let mut depth = 0;
    let mut exprs = Vec::new();
    for pair in pairs {
        let built = build(pair)?;
        depth = depth.max(built.depth);
        exprs.push(built.expr);
    }
    Ok((exprs, depth))
}

/// `a op b op c` -> `((a op b) op c)`; a rule with one child is that child.
fn fold_left(pair: P) -> Result<Built, TooDeep> {
    let mut parts = children(pair);
    let mut left = build(parts.next().unwrap())?;
    while let Some(op) = parts.next() {
        let right = build(parts.next().unwrap())?;
        let span = left.expr.span.to(right.expr.span);
        let symbol = op.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
        let op = match symbol.as_str() {
            "or" => BinOp::Or,
            "and" => BinOp::And,
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "/" => BinOp::Div,
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<=" => BinOp::Le,
            ">=" => BinOp::Ge,
            "<" => BinOp::Lt,
            ">" => BinOp::Gt,
            "in" => BinOp::In,
            _ => BinOp::NotIn,
        };
        let depth = left.depth.max(right.depth);
        left = node(ExprKind::Binary(op, Box::new(left.expr), Box::new(right.expr)), span, depth)?;
    }
    Ok(left)
}
