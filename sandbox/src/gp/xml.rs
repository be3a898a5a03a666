//! A well-formedness check and a small element tree for eConnect documents: names, text (CDATA and
//! entity references resolved) and the `xsi:nil` flag. eConnect documents carry no mixed content and no
//! attributes that matter beyond `xsi:nil`, so nothing else is kept.

use quick_xml::events::{BytesStart, Event};

/// One element.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub name: String,
    /// `xsi:nil="true"`.
    pub nil: bool,
    /// The text content, with CDATA sections and entity references resolved.
    pub text: String,
    pub children: Vec<Element>,
}

/// The deepest nesting a document may have. eConnect documents are a few levels deep (document,
/// transaction, node list, node, element); a limit keeps a hostile document from building a tree so
/// deep that dropping it overflows the stack.
pub const MAX_DEPTH: usize = 64;

/// Parses a whole document to its root element, or says why it is not well-formed.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("{e} (at byte {position})"))?;
        match event {
            Event::Start(start) => {
                if root.is_some() && stack.is_empty() {
                    return Err("the document has more than one root element".into());
                }
                if stack.len() == MAX_DEPTH {
                    return Err(format!("elements are nested more than {MAX_DEPTH} deep (at byte {position})"));
                }
                stack.push(open(&start)?);
            }
            Event::Empty(start) => {
                let element = open(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None if root.is_none() => root = Some(element),
                    None => return Err("the document has more than one root element".into()),
                }
            }
            Event::End(_) => {
                // quick-xml has already checked that the end tag names the open element.
                let element = stack.pop().ok_or("an end tag closes no element")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                push_text(&mut stack, &text)?;
            }
            Event::CData(c) => {
                let text = c.decode().map_err(|e| e.to_string())?;
                push_text(&mut stack, &text)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| e.to_string())?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(text) => text.to_string(),
                            None => return Err(format!("the entity `&{name};` is not defined")),
                        }
                    }
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("the element <{}> is not closed", open.name));
    }
    root.ok_or_else(|| "the document has no root element".into())
}

fn open(start: &BytesStart) -> Result<Element, String> {
    let name = std::str::from_utf8(start.name().as_ref()).map_err(|e| e.to_string())?.to_string();
    let mut nil = false;
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("<{name}>: {e}"))?;
        if attribute.key.local_name().as_ref() == b"nil" {
            let value = attribute.unescape_value().map_err(|e| e.to_string())?;
            nil = matches!(value.trim(), "true" | "1");
        }
    }
    Ok(Element { name, nil, text: String::new(), children: Vec::new() })
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(element) => {
            element.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cdata_entities_and_nil() {
        let root = parse(
            "<?xml version=\"1.0\"?><a xmlns:xsi=\"x\"><b><![CDATA[x & <y>]]></b><c>1 &amp; &#233;</c><d xsi:nil=\"true\" /></a>",
        )
        .unwrap();
        assert_eq!(root.children[0].text, "x & <y>");
        assert_eq!(root.children[1].text, "1 & é");
        assert!(root.children[2].nil);
    }

    #[test]
    fn refuses_what_is_not_well_formed() {
        for bad in ["<a><b></a>", "<a>", "<a></a><b/>", "", "x<a/>", "<a>&nope;</a>"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
