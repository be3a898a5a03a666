//! JSON request bodies for Brightpearl: fields in layout order, decimals exact (as JSON numbers, or as
//! text where Brightpearl takes text), absent fields left out.

use serde_json::{Map, Number, Value as Json};

use crate::exec::{Out, OutNode, Scalar};
use crate::ir::{FieldKind, Program, ValueType};
use crate::value::format_decimal;

pub fn body(program: &Program, node: &OutNode) -> Json {
    let layout = &program.target.nodes[node.node as usize];
    let mut object = Map::new();
    for (field, value) in layout.fields.iter().zip(&node.fields) {
        let json = match value {
            Out::Empty => continue,
            Out::Scalar(scalar) => {
                let as_text = matches!(field.kind, FieldKind::Value { ty: ValueType::DecimalText, .. });
                scalar_json(scalar, as_text)
            }
            Out::Node(child) => body(program, child),
            Out::List(entries) => Json::Array(entries.iter().map(|e| body(program, e)).collect()),
        };
        object.insert(field.name.clone(), json);
    }
    Json::Object(object)
}

fn scalar_json(scalar: &Scalar, decimal_as_text: bool) -> Json {
    match scalar {
        Scalar::Str(s) => Json::String(s.to_string()),
        Scalar::Int(n) => Json::Number((*n).into()),
        Scalar::Dec(d) if decimal_as_text => Json::String(format_decimal(d)),
        // With arbitrary precision a number keeps its exact digits.
        Scalar::Dec(d) => format_decimal(d).parse::<Number>().map(Json::Number).unwrap_or_else(|_| Json::String(format_decimal(d))),
        Scalar::Bool(b) => Json::Bool(*b),
        Scalar::Date(d) => Json::String(d.to_string()),
        Scalar::DateTime(d) => Json::String(d.to_string()),
        Scalar::Json(j) => (**j).clone(),
    }
}
