//! Customer payments and journals.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{take, Data, Store, STAFF_CONTACT_ID};
use crate::bp::error::{ApiError, ApiResult};
use crate::bp::events::Event;
use crate::bp::time;
use crate::bp::values::{decimal, fixed, int_at, required_decimal, text_at};
use crate::generate::records::currency_id;

/// The payment types of customer payments.
const PAYMENT_TYPES: &[&str] = &["AUTH", "CAPTURE", "PAYMENT", "RECEIPT", "VOID"];
/// Where receipts are banked and what they clear.
const BANK_NOMINAL: &str = "1000";
const RECEIVABLES_NOMINAL: &str = "1100";
const SALES_TAX_NOMINAL: &str = "2200";

impl Store {
    /// `POST /accounting-service/customer-payment`: `transactionRef` + `paymentMethodCode` must be
    /// new; the order must exist. A receipt or capture records a sales-receipt journal. Returns the
    /// payment id. Raises `order.modified` (its payment status may change).
    pub fn create_customer_payment(&self, body: &Value) -> ApiResult<i64> {
        self.write(|data, events| {
            let id = add_payment(data, body)?;
            if let Some(order_id) = int_at(body, "/orderId") {
                events.push(Event::modified("order", order_id));
            }
            Ok(id)
        })
    }

    /// `POST /accounting-service/sales-receipt` (deprecated, still answered): `{"orderId",
    /// "received":{"currency","value"},"taxDate","bankAccountNominalCode"}` is recorded as a
    /// RECEIPT customer payment. Returns its id.
    pub fn create_sales_receipt(&self, body: &Value) -> ApiResult<i64> {
        let order_id = int_at(body, "/orderId").ok_or_else(|| ApiError::invalid("ACCC-022", "orderId is required"))?;
        let amount = required_decimal(body, "/received/value", "received.value")?;
        let receipt = json!({
            "paymentMethodCode": text_at(body, "/bankAccountNominalCode").unwrap_or(BANK_NOMINAL),
            "paymentType": "RECEIPT",
            "orderId": order_id,
            "currencyIsoCode": body.pointer("/received/currency"),
            "amountPaid": fixed(amount, 2),
            "paymentDate": body.get("taxDate"),
        });
        let receipt = Value::Object(
            receipt
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
        self.create_customer_payment(&receipt)
    }

    /// `DELETE /accounting-service/customer-payment/{id}`.
    pub fn delete_customer_payment(&self, id: i64) -> ApiResult<()> {
        self.write(|data, events| {
            let payment = data
                .payments
                .remove(&id)
                .ok_or_else(|| ApiError::not_found(format!("No customer payment found with id {id}")))?;
            if let (Some(reference), Some(method)) =
                (payment["transactionRef"].as_str(), payment["paymentMethodCode"].as_str())
            {
                data.payment_keys.remove(&(reference.to_string(), method.to_string()));
            }
            if let Some(order_id) = payment["orderId"].as_i64() {
                if let Some(ids) = data.order_payments.get_mut(&order_id) {
                    ids.remove(&id);
                }
                refresh_payment_status(data, order_id);
                events.push(Event::modified("order", order_id));
            }
            Ok(())
        })
    }

    /// `POST /accounting-service/journal-entry`: a balanced journal (`credits` and `debits` of
    /// `{nominalCode, value}` summing to the same amount, on active nominal codes). `taxDate` is a
    /// `yyyy-mm-dd` date. Returns the journal id.
    pub fn create_journal(&self, body: &Value) -> ApiResult<i64> {
        let tax_date = text_at(body, "/taxDate")
            .ok_or_else(|| ApiError::invalid("ACCC-001", "taxDate (yyyy-mm-dd) is required"))?;
        let tax_millis = (tax_date.len() == 10).then(|| time::parse(tax_date)).flatten();
        let tax_millis = tax_millis
            .ok_or_else(|| ApiError::invalid("ACCC-002", format!("taxDate must be yyyy-mm-dd: {tax_date}")))?;
        self.write(|data, _| {
            let mut sides = Vec::new();
            let mut totals = [Decimal::ZERO; 2];
            for (side, key) in ["credits", "debits"].iter().enumerate() {
                let mut lines = Vec::new();
                for line in body.get(*key).and_then(Value::as_array).into_iter().flatten() {
                    let code = text_at(line, "/nominalCode").unwrap_or("");
                    let active = data.nominal_codes.iter().any(|nominal| nominal["code"] == code && nominal["active"] == true);
                    if !active {
                        return Err(ApiError::invalid("ACCC-010", format!("Nominal code {code:?} does not exist or is not active")));
                    }
                    let value = line.get("value").or_else(|| line.pointer("/change/value")).and_then(decimal);
                    let value = value.filter(|v| *v > Decimal::ZERO).ok_or_else(|| ApiError::invalid("ACCC-011", format!("{key}: each line needs a positive value")))?;
                    totals[side] += value;
                    let mut entry = json!({"nominalCode": code, "change": {"value": fixed(value, 2)}, "transactionAmount": fixed(value, 2)});
                    if let Some(order_id) = int_at(line, "/orderId") {
                        entry["orderId"] = json!(order_id);
                    }
                    if let Some(tax_code) = text_at(line, "/taxCode") {
                        entry["taxCode"] = json!(tax_code);
                    }
                    lines.push(entry);
                }
                sides.push(lines);
            }
            if sides.iter().any(Vec::is_empty) || totals[0] != totals[1] {
                return Err(ApiError::invalid("ACCC-012", "A journal needs credits and debits of equal totals"));
            }
            let debits = sides.pop().unwrap_or_default();
            let credits = sides.pop().unwrap_or_default();
            let id = take(&mut data.next.journal);
            let mut journal = json!({
                "id": id,
                "journalTypeCode": text_at(body, "/journalTypeCode").unwrap_or("JNL"),
                "taxDate": time::format(tax_millis),
                "createdOn": time::now(),
                "createdByContactId": STAFF_CONTACT_ID,
                "credits": credits,
                "debits": debits,
                "currencyId": int_at(body, "/currencyId").unwrap_or_else(|| currency_id(self.currency)),
                "exchangeRate": "1.000000"
            });
            if let Some(contact) = int_at(body, "/contactId") {
                journal["contactId"] = json!(contact);
            }
            data.journals.insert(id, journal);
            Ok(id)
        })
    }
}

/// Validates and records a customer payment; returns its id.
pub(super) fn add_payment(data: &mut Data, body: &Value) -> ApiResult<i64> {
    let kind = text_at(body, "/paymentType").filter(|kind| PAYMENT_TYPES.contains(kind));
    let kind = kind.ok_or_else(|| {
        ApiError::invalid("ACCC-020", format!("paymentType must be one of {}", PAYMENT_TYPES.join(", ")))
    })?;
    let method = text_at(body, "/paymentMethodCode")
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::invalid("ACCC-021", "paymentMethodCode is required"))?;
    let reference = text_at(body, "/transactionRef").unwrap_or("");
    let order_id = int_at(body, "/orderId").ok_or_else(|| ApiError::invalid("ACCC-022", "orderId is required"))?;
    let order = data
        .orders
        .get(&order_id)
        .ok_or_else(|| ApiError::invalid("ACCC-023", format!("Order {order_id} does not exist")))?;
    if !reference.is_empty() && data.payment_keys.contains_key(&(reference.to_string(), method.to_string())) {
        return Err(ApiError::invalid(
            "ACCC-024",
            format!("A payment with transactionRef {reference} and paymentMethodCode {method} already exists"),
        ));
    }
    let (authorized, paid) = if kind == "AUTH" {
        let amount = required_decimal(body, "/amountAuthorized", "amountAuthorized")?;
        if text_at(body, "/authorizationExpiry").is_none() {
            return Err(ApiError::invalid("ACCC-025", "An AUTH needs authorizationExpiry"));
        }
        (amount, Decimal::ZERO)
    } else {
        (Decimal::ZERO, required_decimal(body, "/amountPaid", "amountPaid")?)
    };
    let paid_on = match text_at(body, "/paymentDate") {
        Some(text) => {
            time::parse(text).ok_or_else(|| ApiError::bad_body(format!("paymentDate is not a date: {text}")))?
        }
        None => time::now_millis(),
    };
    let currency = text_at(body, "/currencyIsoCode")
        .or_else(|| order.pointer("/currency/orderCurrencyCode").and_then(Value::as_str))
        .unwrap_or("USD")
        .to_string();
    let expires = text_at(body, "/authorizationExpiry").and_then(time::parse).map(time::format);
    let journal = if matches!(kind, "RECEIPT" | "CAPTURE" | "PAYMENT") {
        let (debit, credit) =
            if kind == "PAYMENT" { (RECEIVABLES_NOMINAL, BANK_NOMINAL) } else { (BANK_NOMINAL, RECEIVABLES_NOMINAL) };
        let contact = order.pointer("/parties/customer/contactId").and_then(Value::as_i64);
        Some(add_journal(
            data,
            "SR",
            contact,
            paid_on,
            &[(credit, paid, None)],
            &[(debit, paid, None)],
            order_id,
            &currency,
        ))
    } else {
        None
    };
    let id = take(&mut data.next.payment);
    if !reference.is_empty() {
        data.payment_keys.insert((reference.to_string(), method.to_string()), id);
    }
    data.order_payments.entry(order_id).or_default().insert(id);
    data.payments.insert(
        id,
        json!({
            "paymentId": id,
            "transactionRef": reference,
            "transactionCode": text_at(body, "/transactionCode").unwrap_or(""),
            "paymentMethodCode": method,
            "paymentType": kind,
            "orderId": order_id,
            "currencyId": currency_id(&currency),
            "currencyCode": currency,
            "amountAuthorized": fixed(authorized, 2),
            "amountPaid": fixed(paid, 2),
            "expires": expires,
            "paymentDate": time::format(paid_on),
            "createdOn": time::now(),
            "journalId": journal
        }),
    );
    refresh_payment_status(data, order_id);
    Ok(id)
}

/// `orderPaymentStatus` from the payments: money in less refunds against the order total.
fn refresh_payment_status(data: &mut Data, order_id: i64) {
    let received: Decimal = data
        .order_payments
        .get(&order_id)
        .into_iter()
        .flatten()
        .filter_map(|id| data.payments.get(id))
        .map(|p| {
            let amount = p.get("amountPaid").and_then(decimal).unwrap_or(Decimal::ZERO);
            match p["paymentType"].as_str() {
                Some("RECEIPT" | "CAPTURE") => amount,
                Some("PAYMENT") => -amount,
                _ => Decimal::ZERO,
            }
        })
        .sum();
    let Some(order) = data.orders.get_mut(&order_id) else { return };
    if matches!(order["orderTypeCode"].as_str(), Some("PO" | "PC")) {
        return;
    }
    let total = order.pointer("/totalValue/total").and_then(decimal).unwrap_or(Decimal::ZERO);
    let status = if received <= Decimal::ZERO {
        "UNPAID"
    } else if received < total {
        "PARTIALLY_PAID"
    } else {
        "PAID"
    };
    order["orderPaymentStatus"] = json!(status);
}

/// Records a journal of `(nominal code, amount, tax code)` lines; returns its id.
#[allow(clippy::too_many_arguments)]
fn add_journal(
    data: &mut Data,
    type_code: &str,
    contact: Option<i64>,
    tax_millis: i64,
    credits: &[(&str, Decimal, Option<&str>)],
    debits: &[(&str, Decimal, Option<&str>)],
    order_id: i64,
    currency: &str,
) -> i64 {
    let id = take(&mut data.next.journal);
    let lines = |entries: &[(&str, Decimal, Option<&str>)]| -> Vec<Value> {
        entries
            .iter()
            .map(|(code, amount, tax_code)| {
                let mut line = json!({"nominalCode": code, "change": {"value": fixed(*amount, 2)}, "orderId": order_id, "transactionAmount": fixed(*amount, 2)});
                if let Some(tax_code) = tax_code {
                    line["taxCode"] = json!(tax_code);
                }
                line
            })
            .collect()
    };
    let mut journal = json!({
        "id": id,
        "journalTypeCode": type_code,
        "taxDate": time::format(tax_millis),
        "createdOn": time::now(),
        "createdByContactId": STAFF_CONTACT_ID,
        "credits": lines(credits),
        "debits": lines(debits),
        "currencyId": currency_id(currency),
        "exchangeRate": "1.000000"
    });
    if let Some(contact) = contact {
        journal["contactId"] = json!(contact);
    }
    data.journals.insert(id, journal);
    id
}

/// The sales-invoice journal of an invoiced order: receivables debited with the total, sales
/// credited with each nominal code's net and sales tax with the tax.
pub(super) fn add_invoice_journal(data: &mut Data, order: &Value) {
    let Some(order_id) = order["id"].as_i64() else { return };
    let mut by_nominal: Vec<(String, Decimal)> = Vec::new();
    for row in order["orderRows"].as_object().into_iter().flat_map(|rows| rows.values()) {
        let code = row["nominalCode"].as_str().unwrap_or("4000").to_string();
        let net = row.pointer("/rowValue/rowNet/value").and_then(decimal).unwrap_or(Decimal::ZERO);
        match by_nominal.iter_mut().find(|(known, _)| *known == code) {
            Some((_, sum)) => *sum += net,
            None => by_nominal.push((code, net)),
        }
    }
    let tax = order.pointer("/totalValue/taxAmount").and_then(decimal).unwrap_or(Decimal::ZERO);
    let mut credits: Vec<(&str, Decimal, Option<&str>)> =
        by_nominal.iter().map(|(code, net)| (code.as_str(), net.round_dp(2), None)).collect();
    if !tax.is_zero() {
        credits.push((SALES_TAX_NOMINAL, tax, None));
    }
    let total: Decimal = credits.iter().map(|(_, amount, _)| *amount).sum();
    let tax_millis = order
        .pointer("/invoices/0/taxDate")
        .and_then(Value::as_str)
        .and_then(time::parse)
        .unwrap_or_else(time::now_millis);
    let contact = order.pointer("/parties/customer/contactId").and_then(Value::as_i64);
    let currency = order.pointer("/currency/orderCurrencyCode").and_then(Value::as_str).unwrap_or("USD").to_string();
    let journal = add_journal(
        data,
        "SI",
        contact,
        tax_millis,
        &credits,
        &[(RECEIVABLES_NOMINAL, total, None)],
        order_id,
        &currency,
    );
    if let Some(reference) =
        order.pointer("/invoices/0/invoiceReference").and_then(Value::as_str).filter(|r| !r.is_empty())
    {
        if let Some(journal) = data.journals.get_mut(&journal) {
            if let Some(debit) = journal.pointer_mut("/debits/0") {
                debit["invoiceReference"] = json!(reference);
            }
        }
    }
}
