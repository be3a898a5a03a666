//! `mapc schema import-xsd`: on a small hand-written XSD, and on Microsoft's eConnect.xsd when the
//! shared fixtures are present.

use std::fs;

use mapc::schema::xsd::{import, import_to_dir, ImportError, Overlay};
use mapc::schema::*;
use mapc::shared::{shared_or_skip, workspace_root};

const SMALL_XSD: &str = r#"<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="eConnect" type="eConnectType" />
  <xs:complexType name="eConnectType">
    <xs:sequence>
      <xs:element minOccurs="0" maxOccurs="unbounded" name="CustType" type="CustType" />
      <xs:element minOccurs="0" maxOccurs="unbounded" name="OrderType" type="OrderType" />
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="CustType">
    <xs:sequence>
      <xs:element minOccurs="1" maxOccurs="1" name="custRcd" nillable="true" type="custRcd" />
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="OrderType">
    <xs:sequence>
      <xs:element minOccurs="0" maxOccurs="1" name="line_Items" nillable="true" type="line_Items" />
      <xs:element minOccurs="0" maxOccurs="1" name="note_Items" nillable="true" type="note_Items" />
      <xs:element minOccurs="0" maxOccurs="1" name="hdr" nillable="true" type="hdr" />
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="line_Items">
    <xs:sequence>
      <xs:element minOccurs="1" maxOccurs="unbounded" name="line">
        <xs:complexType>
          <xs:sequence>
            <xs:element minOccurs="1" maxOccurs="1" name="ITEM" type="xs:string" />
            <xs:element minOccurs="0" maxOccurs="1" default="0" name="QTY" type="xs:decimal" />
            <xs:element minOccurs="0" maxOccurs="1" default="0" name="SEQ" type="xs:int" />
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="note_Items">
    <xs:sequence>
      <xs:element minOccurs="0" maxOccurs="unbounded" name="note">
        <xs:complexType>
          <xs:sequence>
            <xs:element minOccurs="0" maxOccurs="1" default="" name="TEXT" type="xs:string" />
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="hdr">
    <xs:sequence>
      <xs:element minOccurs="1" maxOccurs="1" name="DOCNO" type="xs:string" />
      <xs:element minOccurs="1" maxOccurs="1" name="DOCDATE" type="xs:string" />
      <xs:element minOccurs="0" maxOccurs="1" default="1" name="KIND" type="xs:short" />
      <xs:element minOccurs="0" maxOccurs="1" name="RATE" type="xs:decimal" />
      <xs:element minOccurs="0" maxOccurs="1" default="" name="NOTE" type="xs:string" />
      <xs:element minOccurs="0" maxOccurs="1" default="0" name="BIG" type="xs:long" />
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="custRcd">
    <xs:sequence>
      <xs:element minOccurs="1" maxOccurs="1" name="CUSTNO" type="xs:string" />
    </xs:sequence>
  </xs:complexType>
</xs:schema>
"#;

const SMALL_OVERLAY: &str = r#"
defaults: {decimal_scale: 5}
elements:
  RATE: {scale: 7}
nodes:
  hdr:
    DOCNO: {length: 17, key: true}
    DOCDATE: {type: date}
    KIND: {values: {1: Standard, 2: Drop ship}}
  line:
    ITEM: {length: 30, key: true}
"#;

fn field<'a>(types: &'a [TypeDef], ty: &str, name: &str) -> &'a Field {
    let def = types.iter().find(|t| t.name.name == ty).unwrap_or_else(|| panic!("type {ty}"));
    def.record.field(name).unwrap_or_else(|| panic!("{ty}.{name}"))
}

fn names(def: &TypeDef) -> Vec<&str> {
    def.record.fields.iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn imports_a_small_xsd_with_its_overlay() {
    let types = import(SMALL_XSD, &Overlay::parse(SMALL_OVERLAY).unwrap()).unwrap();
    let all: Vec<String> = types.iter().map(|t| format!("{}:{}", t.name.name, t.kind.as_str())).collect();
    assert_eq!(
        all,
        ["eConnect:document", "CustType:transaction", "OrderType:transaction", "line:node", "note:node", "hdr:node", "custRcd:node"]
    );

    // The document root keeps eConnectType's order.
    assert_eq!(names(&types[0]), ["CustType", "OrderType"]);
    assert_eq!(field(&types, "eConnect", "OrderType").ty.to_string(), "list<econnect.OrderType>");

    // Wrappers become lists of their item, lines before the header, with the XSD's minimum.
    assert_eq!(names(&types[2]), ["line_Items", "note_Items", "hdr"]);
    let lines = field(&types, "OrderType", "line_Items");
    assert_eq!(
        (lines.ty.to_string(), lines.item.as_deref(), lines.min_items),
        ("list<econnect.line>".into(), Some("line"), Some(1))
    );
    assert_eq!(field(&types, "OrderType", "note_Items").min_items, Some(0));
    assert!(lines.nillable && lines.presence == Presence::Optional);
    assert_eq!(field(&types, "CustType", "custRcd").presence, Presence::Required);

    // Simple elements: XSD types, required flags, defaults, overlay facts, unknown lengths.
    let docno = field(&types, "hdr", "DOCNO");
    assert_eq!((docno.presence, docno.length, docno.key), (Presence::Required, Some(Length::Max(17)), true));
    assert_eq!(field(&types, "hdr", "DOCDATE").ty, Type::Date);
    let kind = field(&types, "hdr", "KIND");
    assert_eq!((kind.ty.clone(), kind.default.as_deref()), (Type::Int(IntWidth::I16), Some("1")));
    assert!(kind.values.as_ref().unwrap().contains(&Literal::Int(2)));
    assert_eq!(field(&types, "hdr", "RATE").scale, Some(7));
    assert_eq!(field(&types, "hdr", "RATE").default, None);
    assert_eq!(field(&types, "line", "QTY").scale, Some(5));
    assert_eq!(field(&types, "line", "SEQ").ty, Type::Int(IntWidth::I32));
    assert_eq!(field(&types, "hdr", "BIG").ty, Type::Int(IntWidth::I64));
    let note = field(&types, "hdr", "NOTE");
    assert_eq!((note.length, note.default.as_deref()), (Some(Length::Unknown), Some("")));
    assert_eq!(field(&types, "custRcd", "CUSTNO").length, Some(Length::Unknown), "never a guessed number");
}

#[test]
fn every_overlay_entry_must_name_a_real_element() {
    let cases = [
        ("nodes: {hdr: {DOCNUM: {length: 5}}}", "`hdr` has no element `DOCNUM` (did you mean `DOCNO`?)"),
        ("nodes: {header: {DOCNO: {length: 5}}}", "node `header` is not in the XSD"),
        ("elements: {NOPE: {length: 5}}", "no node has an element `NOPE`"),
        ("nodes: {hdr: {KIND: {length: 5}}}", "a length on an element that is not text"),
        ("nodes: {hdr: {RATE: {type: date}}}", "cannot refine decimal"),
        ("nodes: {hdr: {DOCNO: {lenght: 5}}}", "lenght"),
    ];
    for (overlay, expected) in cases {
        let error = Overlay::parse(overlay).and_then(|o| import(SMALL_XSD, &o)).unwrap_err().to_string();
        assert!(error.contains(expected), "{overlay}: {error}");
    }
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let broken = [
        ("<xs:schema><xs:complexType name=\"a\">".to_string(), "ends inside an element"),
        ("<a></b>".to_string(), "not well-formed"),
        ("<xs:schema xmlns:xs=\"x\"></xs:schema>".to_string(), "no top-level `eConnect` element"),
        (SMALL_XSD.replace("type=\"custRcd\"", "type=\"missing\""), "type `missing` is not defined"),
        (SMALL_XSD.replace("xs:long", "xs:dateTime"), "unsupported XSD type xs:dateTime"),
        (String::new(), "no xs:schema root"),
    ];
    for (xsd, expected) in broken {
        let error = import(&xsd, &Overlay::default()).unwrap_err();
        assert!(error.to_string().contains(expected), "{xsd:.40}: {error}");
        assert!(matches!(error, ImportError::Xml(_) | ImportError::Shape(_)));
    }
}

/// Reads one complexType's elements straight from the XSD text, independently of the importer:
/// (name, required, default) in file order.
fn elements_in_xsd(xsd: &str, node: &str) -> Vec<(String, bool, Option<String>)> {
    let start = [format!("<xs:complexType name=\"{node}\">"), format!("name=\"{node}\">")]
        .iter()
        .find_map(|marker| xsd.find(marker.as_str()))
        .unwrap_or_else(|| panic!("{node} in the XSD"));
    let body = &xsd[start..];
    let body = &body[..body.find("</xs:sequence>").unwrap()];
    let attr = |line: &str, name: &str| {
        let marker = format!(" {name}=\"");
        line.find(&marker).map(|i| {
            let rest = &line[i + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
    };
    body.lines()
        .filter(|l| l.trim_start().starts_with("<xs:element"))
        .map(|l| (attr(l, "name").unwrap(), attr(l, "minOccurs").as_deref() == Some("1"), attr(l, "default")))
        .collect()
}

fn real_import() -> Option<(String, Vec<TypeDef>)> {
    let shared = shared_or_skip("import of the real eConnect.xsd")?;
    let xsd = fs::read_to_string(shared.join("fixtures/econnect/xsd/eConnect.xsd")).unwrap();
    let overlay_text = fs::read_to_string(workspace_root().join("schemas/econnect.overlay.yaml")).unwrap();
    let types = import(&xsd, &Overlay::parse(&overlay_text).unwrap()).unwrap();
    Some((xsd, types))
}

#[test]
fn the_sop_nodes_match_the_real_xsd() {
    let Some((xsd, types)) = real_import() else { return };
    for (node, count) in [("taSopHdrIvcInsert", 115), ("taSopLineIvcInsert", 92)] {
        let expected = elements_in_xsd(&xsd, node);
        assert_eq!(expected.len(), count, "{node} element count in the XSD");
        let def = types.iter().find(|t| t.name.name == node).unwrap();
        let imported: Vec<(String, bool, Option<String>)> = def
            .record
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.presence == Presence::Required, f.default.clone()))
            .collect();
        assert_eq!(imported, expected, "{node}: order, required flags and defaults");
    }
    let hdr = |name: &str| field(&types, "taSopHdrIvcInsert", name);
    assert_eq!((hdr("SOPNUMBE").length, hdr("SOPNUMBE").key), (Some(Length::Max(21)), true));
    assert_eq!((hdr("CUSTNMBR").length, hdr("CUSTNMBR").key), (Some(Length::Max(15)), true));
    assert_eq!(field(&types, "taSopLineIvcInsert", "ITEMNMBR").length, Some(Length::Max(30)));
}

#[test]
fn the_real_document_structure_is_kept() {
    let Some((_, types)) = real_import() else { return };
    let root = types.iter().find(|t| t.name.name == "eConnect").unwrap();
    let position = |name: &str| names(root).iter().position(|n| *n == name).unwrap();
    assert_eq!(root.record.fields.len(), 168, "transaction types in eConnectType");
    assert!(position("RMCustomerMasterType") < position("SOPTransactionType"));

    let sop = types.iter().find(|t| t.name.name == "SOPTransactionType").unwrap();
    let sop_position = |name: &str| names(sop).iter().position(|n| *n == name).unwrap();
    assert!(sop_position("taSopLineIvcInsert_Items") < sop_position("taSopHdrIvcInsert"), "lines before the header");
    assert_eq!(names(sop)[0], "eConnectProcessInfo");

    let wrappers: std::collections::BTreeSet<String> = types
        .iter()
        .flat_map(|t| t.record.fields.iter())
        .filter(|f| f.min_items == Some(1))
        .filter_map(|f| f.item.clone())
        .collect();
    let expected = ["taGLTransactionLineInsert", "taIVTransactionLineInsert", "taPoLine", "taPopRcptLineInsert", "taSopLineIvcInsert"];
    assert_eq!(wrappers.into_iter().collect::<Vec<_>>(), expected, "wrappers that need at least one child");

    for (transaction, node) in [
        ("RMCashReceiptsType", "taRMCashReceiptInsert"),
        ("GLTransactionType", "taGLTransactionHeaderInsert"),
        ("POPTransactionType", "taPoHdr"),
        ("IVInventoryTransactionType", "taIVTransactionHeaderInsert"),
        ("POPReceivingsType", "taPopRcptHdrInsert"),
        ("IVItemMasterType", "taIVCreateItemPriceListHeader"),
    ] {
        assert_eq!(field(&types, transaction, node).presence, Presence::Required, "{transaction}.{node}");
    }
    assert_eq!(field(&types, "SOPTransactionType", "taSopHdrIvcInsert").presence, Presence::Optional);
}

#[test]
fn the_checked_in_econnect_schemas_are_what_the_import_generates() {
    let Some(shared) = shared_or_skip("regeneration of schemas/econnect") else { return };
    let out = tempfile::tempdir().unwrap();
    let root = workspace_root();
    import_to_dir(
        &shared.join("fixtures/econnect/xsd/eConnect.xsd"),
        Some(&root.join("schemas/econnect.overlay.yaml")),
        out.path(),
    )
    .unwrap();
    let listing = |dir: &std::path::Path| {
        let mut files: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        files.sort();
        files
    };
    let checked_in = root.join("schemas/econnect");
    assert_eq!(
        listing(out.path()),
        listing(&checked_in),
        "regenerate with: mapc schema import-xsd ../shared/fixtures/econnect/xsd/eConnect.xsd \
         --overlay schemas/econnect.overlay.yaml -o schemas/econnect"
    );
    for file in listing(out.path()) {
        let fresh = fs::read_to_string(out.path().join(&file)).unwrap();
        assert_eq!(fresh, fs::read_to_string(checked_in.join(&file)).unwrap(), "schemas/econnect/{file} differs from a fresh import");
    }
}
