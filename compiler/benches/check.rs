//! `check` speed: the standard library in `mappings/`, and a generated 500-line mapping, each with
//! schema loading included (a fresh registry per run, as a new editor session or CI job has).

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use mapc::driver::{check_files, check_text, mapping_files};
use mapc::schema::Registry;

/// A realistic mapping of about `lines` lines: lets over source fields, a header node, and a line
/// block writing every kind of field.
fn generated_mapping(lines: usize) -> String {
    let mut out = String::from(
        "mapping generated from brightpearl.Order to econnect.SOPTransactionType\n\
         param sop_type: 3 | 2 = 3\nparam doc_id: string(15) = \"STDINV\"\nparam batch: string(15) = \"BP\"\n\
         lookup customer_numbers: int64 -> string(15) optional\nkey id\n\
         let customer = parties.customer!\n\
         let custnmbr = customer_numbers(customer.contactId) ?? \"C\" + text(customer.contactId)\n",
    );
    let body_lines = lines.saturating_sub(60);
    for i in 0..body_lines / 2 {
        match i % 5 {
            0 => out.push_str(&format!("let net_{i} = sum([r.rowValue.rowNet.value for r in orderRows where r.nominalCode != \"{i}\"])\n")),
            1 => out.push_str(&format!("let name_{i} = truncate(upper(trim(parties.delivery.addressLine{})), 60)\n", 1 + i % 4)),
            2 => out.push_str(&format!("let code_{i} = match orderTypeCode {{ \"SO\" => 2, \"SC\" => 4, _ => {} }}\n", i % 6 + 1)),
            3 => out.push_str(&format!("let when_{i} = if present(closedOn) {{ date(closedOn!) }} else {{ date(placedOn) }}\n")),
            _ => out.push_str(&format!("let ref_{i} = \"BP\" + text(id) + \"-{i}\"\n")),
        }
    }
    out.push_str("for row, i in orderRows -> taSopLineIvcInsert_Items {\n");
    out.push_str("    sop_type -> SOPTYPE\n    \"BP\" + text(id) -> SOPNUMBE\n    custnmbr -> CUSTNMBR\n    date(placedOn) -> DOCDATE\n");
    out.push_str("    row.productSku ?? \"NONINV\" -> ITEMNMBR\n    row.quantity.magnitude -> QUANTITY\n    i * 16384 -> LNITMSEQ\n");
    out.push_str("    round(row.rowValue.rowNet.value / row.quantity.magnitude, 5) ?? 0 -> UNITPRCE\n    row.rowValue.rowNet.value -> XTNDPRCE\n}\n");
    out.push_str("taSopHdrIvcInsert {\n    sop_type -> SOPTYPE\n    doc_id -> DOCID\n    \"BP\" + text(id) -> SOPNUMBE\n");
    out.push_str("    date(placedOn) -> DOCDATE\n    custnmbr -> CUSTNMBR\n    batch -> BACHNUMB\n");
    out.push_str("    truncate(parties.delivery.addressLine1, 60) -> ADDRESS1\n    sum([r.rowValue.rowTax.value for r in orderRows]) -> TAXAMNT\n}\n");
    let mut count = out.lines().count();
    // Pad with more lets (each used nowhere, which the checker also reports) up to the size asked for.
    let mut i = body_lines;
    while count < lines {
        out.push_str(&format!("let extra_{i} = text(parties.delivery.postalCode) + \"/{i}\"\n"));
        count += 1;
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let library: Vec<PathBuf> = mapping_files(&[root.join("mappings")]).expect("the mappings folder");
    c.bench_function("check mappings/ (schemas loaded fresh)", |b| {
        b.iter(|| check_files(&library, &Registry::embedded()).diagnostics.len())
    });
    let text = generated_mapping(500);
    assert_eq!(text.lines().count(), 500);
    let report = check_text(Path::new("generated.map"), &text, &Registry::embedded());
    assert_eq!(report.errors(), 0, "the generated mapping must be valid: {:?}", report.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    c.bench_function("check generated 500-line mapping (schemas loaded fresh)", |b| {
        b.iter(|| check_text(Path::new("generated.map"), &text, &Registry::embedded()).diagnostics.len())
    });
    let warm = Registry::embedded();
    c.bench_function("check generated 500-line mapping (schemas already loaded)", |b| {
        b.iter(|| check_text(Path::new("generated.map"), &text, &warm).diagnostics.len())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
