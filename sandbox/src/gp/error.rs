//! eConnect's error text and the error numbers the service answers with.
//!
//! The text has eConnect's fixed shape (see the contract, `docs/gp-http-contract.md`):
//!
//! ```text
//! Sql procedure error codes returned:
//! Error Number = 9370  Stored Procedure= taSopLineIvcInsert  Error Description = ...
//! Node Identifier Parameters: taSopLineIvcInsert
//! SOPTYPE = 3
//! ...
//! Related Error Code Parameters for Node : taSopLineIvcInsert
//! CURNCYID = EUR
//!
//! <taSopLineIvcInsert>...</taSopLineIvcInsert>
//! ```
//!
//! Lines end in CRLF, as eConnect's do. Numbers below 10000 are eConnect's own; numbers from 91001 are
//! ours, for checks whose real number no public source gives or that are our reading of GP.

use std::fmt;

/// eConnect: the document is being edited by another user (SOP), a transient condition.
pub const DOCUMENT_IN_USE: u32 = 2079;
/// eConnect: the line's currency differs from the header's.
pub const CURRENCY_MISMATCH: u32 = 9370;
/// eConnect: a line sets MRKDNPCT while the header does not ask eConnect to price (DEFPRICING=1).
pub const MARKDOWN_WITHOUT_PRICING: u32 = 67;
/// eConnect: two journal lines share a sequence number (SQNCLINE).
pub const DUPLICATE_SEQUENCE_LINE: u32 = 7738;
/// eConnect: an updated SOP line names another item than the stored line.
pub const LINE_ITEM_CHANGED: u32 = 2902;

/// Ours: the body is not well-formed XML.
pub const NOT_WELL_FORMED: u32 = 91001;
/// Ours: an element the schema does not have at that place.
pub const UNKNOWN_ELEMENT: u32 = 91002;
/// Ours: an element out of XSD order, or repeated where the XSD allows one.
pub const OUT_OF_ORDER: u32 = 91003;
/// Ours: a required element or node is missing.
pub const REQUIRED_MISSING: u32 = 91004;
/// Ours: a value is not of its element's type (number, integer, date).
pub const BAD_TYPE: u32 = 91005;
/// Ours: a text is longer than its element allows.
pub const TOO_LONG: u32 = 91006;
/// Ours: a decimal has more places than its element stores.
pub const TOO_MANY_PLACES: u32 = 91007;
/// Ours: a value outside its element's closed value set.
pub const NOT_IN_VALUE_SET: u32 = 91008;
/// Ours: a line collection that must hold at least one entry is empty.
pub const EMPTY_COLLECTION: u32 = 91009;
/// Ours (real number unverified): the customer does not exist.
pub const CUSTOMER_MISSING: u32 = 91101;
/// Ours (real number unverified): the item does not exist.
pub const ITEM_MISSING: u32 = 91102;
/// Ours (real number unverified): the vendor does not exist.
pub const VENDOR_MISSING: u32 = 91103;
/// Ours (real number unverified): a create names a document number that exists.
pub const DUPLICATE_DOCUMENT: u32 = 91104;
/// Ours: a master record sent with UpdateIfExists=0 whose key exists.
pub const MASTER_EXISTS: u32 = 91105;
/// Ours, our reading of GP: the SOP header totals disagree with the lines.
pub const SOP_TOTALS: u32 = 91106;
/// Ours: the journal's debits and credits differ.
pub const JOURNAL_UNBALANCED: u32 = 91107;
/// Ours: the SOP document id is not set up for the SOP type (SOP40200).
pub const DOCUMENT_ID_MISSING: u32 = 91108;
/// Ours: the node or transaction type is one this service does not process.
pub const NOT_SUPPORTED: u32 = 91109;
/// Ours: a line, tracking number or receipt line names a document that does not exist.
pub const DOCUMENT_MISSING: u32 = 91110;
/// Ours: a line disagrees with its header on the document's keys.
pub const LINE_HEADER_MISMATCH: u32 = 91111;
/// Ours: the site (LOCNCODE) does not exist.
pub const SITE_MISSING: u32 = 91112;

/// One rejection, in eConnect's words.
#[derive(Debug, Clone, PartialEq)]
pub struct EconnectError {
    pub number: u32,
    /// The stored procedure that raised it: the node's name (`taSopHdrIvcInsert`), or the transaction
    /// type or `eConnect` for errors above node level.
    pub procedure: String,
    pub description: String,
    /// The node it concerns, when there is one.
    pub node: Option<Box<NodeContext>>,
}

/// The node an error concerns: its identifying values, the values related to the error, and the node
/// as the service read it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeContext {
    pub name: String,
    pub identifiers: Vec<(String, String)>,
    pub related: Vec<(String, String)>,
    pub xml: String,
}

impl EconnectError {
    /// An error above node level.
    pub fn new(number: u32, procedure: impl Into<String>, description: impl Into<String>) -> Self {
        EconnectError { number, procedure: procedure.into(), description: description.into(), node: None }
    }
}

impl fmt::Display for EconnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sql procedure error codes returned:\r\n")?;
        write!(
            f,
            "Error Number = {}  Stored Procedure= {}  Error Description = {}\r\n",
            self.number, self.procedure, self.description
        )?;
        if let Some(node) = &self.node {
            write!(f, "Node Identifier Parameters: {}\r\n", node.name)?;
            for (name, value) in &node.identifiers {
                write!(f, "{name} = {value}\r\n")?;
            }
            write!(f, "Related Error Code Parameters for Node : {}\r\n", node.name)?;
            for (name, value) in &node.related {
                write!(f, "{name} = {value}\r\n")?;
            }
            write!(f, "\r\n{}", node.xml)?;
        }
        Ok(())
    }
}

impl std::error::Error for EconnectError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_has_econnects_shape() {
        let error = EconnectError {
            number: 7738,
            procedure: "taGLTransactionLineInsert".into(),
            description: "two lines share SQNCLINE".into(),
            node: Some(Box::new(NodeContext {
                name: "taGLTransactionLineInsert".into(),
                identifiers: vec![("JRNENTRY".into(), "5".into())],
                related: vec![("SQNCLINE".into(), "16384".into())],
                xml: "<taGLTransactionLineInsert>\r\n</taGLTransactionLineInsert>\r\n".into(),
            })),
        };
        assert_eq!(
            error.to_string(),
            "Sql procedure error codes returned:\r\nError Number = 7738  Stored Procedure= taGLTransactionLineInsert  \
             Error Description = two lines share SQNCLINE\r\nNode Identifier Parameters: taGLTransactionLineInsert\r\n\
             JRNENTRY = 5\r\nRelated Error Code Parameters for Node : taGLTransactionLineInsert\r\nSQNCLINE = 16384\r\n\r\n\
             <taGLTransactionLineInsert>\r\n</taGLTransactionLineInsert>\r\n"
        );
    }
}
