//! Contacts and their postal addresses.

use serde_json::{json, Map, Value};

use super::{take, Store, STAFF_CONTACT_ID};
use crate::bp::error::{ApiError, ApiResult};
use crate::bp::events::Event;
use crate::bp::patch;
use crate::bp::time;
use crate::bp::values::{int_at, text_at};
use crate::generate::records::{country_by_id, country_by_iso3};

/// Name fields hold at most this many characters.
const NAME_LIMIT: usize = 32;

impl Store {
    /// `POST /contact-service/postal-address`: `addressLine1` is required; the country is given by
    /// `countryIsoCode` (alpha-3) or `countryId`. Returns the address id.
    pub fn create_postal_address(&self, body: &Value) -> ApiResult<i64> {
        let line1 = text_at(body, "/addressLine1")
            .filter(|line| !line.trim().is_empty())
            .ok_or_else(|| ApiError::invalid("CMNC-012", "addressLine1 is required"))?;
        let country = match (text_at(body, "/countryIsoCode"), int_at(body, "/countryId")) {
            (Some(code), _) => Some(
                country_by_iso3(code)
                    .ok_or_else(|| ApiError::invalid("CMNC-013", format!("Unknown country: {code}")))?,
            ),
            (None, Some(id)) => Some(
                country_by_id(id).ok_or_else(|| ApiError::invalid("CMNC-013", format!("Unknown country id: {id}")))?,
            ),
            (None, None) => None,
        };
        self.write(|data, _| {
            let id = take(&mut data.next.address);
            let mut address = Map::new();
            address.insert("addressId".into(), json!(id));
            address.insert("addressLine1".into(), json!(line1));
            for key in ["addressLine2", "addressLine3", "addressLine4", "postalCode"] {
                if let Some(text) = text_at(body, &format!("/{key}")) {
                    address.insert(key.into(), json!(text));
                }
            }
            if let Some(country) = country {
                address.insert("countryIsoCode".into(), json!(country.iso3));
                address.insert("countryIsoCode2".into(), json!(country.iso2));
                address.insert("countryId".into(), json!(country.id));
            }
            data.postal_addresses.insert(id, Value::Object(address));
            Ok(id)
        })
    }

    /// `POST /contact-service/contact`: names of at most 32 characters, address ids that exist.
    /// Returns the contact id. Raises `contact.created`.
    pub fn create_contact(&self, body: &Value) -> ApiResult<i64> {
        for field in ["salutation", "firstName", "lastName"] {
            if text_at(body, &format!("/{field}")).is_some_and(|text| text.chars().count() > NAME_LIMIT) {
                return Err(ApiError::invalid("CMNC-014", format!("{field} must be at most {NAME_LIMIT} characters")));
            }
        }
        if text_at(body, "/firstName").unwrap_or("").is_empty() && text_at(body, "/lastName").unwrap_or("").is_empty() {
            return Err(ApiError::invalid("CMNC-015", "A contact needs a first or last name"));
        }
        self.write(|data, events| {
            let mut address_ids = Map::new();
            for kind in ["DEF", "BIL", "DEL"] {
                let id = int_at(body, &format!("/postAddressIds/{kind}")).or_else(|| int_at(body, "/postAddressIds/DEF")).unwrap_or(0);
                if id != 0 && !data.postal_addresses.contains_key(&id) {
                    return Err(ApiError::invalid("CMNC-016", format!("Postal address {id} does not exist")));
                }
                address_ids.insert(kind.into(), json!(id));
            }
            let id = take(&mut data.next.contact);
            for address_id in address_ids.values().filter_map(Value::as_i64) {
                if let Some(address) = data.postal_addresses.get_mut(&address_id) {
                    address["contactId"] = json!(id);
                }
            }
            let mut organisation = json!({"organisationId": id});
            if let Some(name) = text_at(body, "/organisation/name") {
                organisation["name"] = json!(name);
            }
            let communication = body.get("communication").cloned().unwrap_or(json!({}));
            let section = |key: &str| communication.get(key).filter(|v| v.is_object()).cloned().unwrap_or(json!({}));
            let supplier = body.pointer("/relationshipToAccount/isSupplier").and_then(Value::as_bool).unwrap_or(false);
            let contact = json!({
                "contactId": id,
                "isPrimaryContact": true,
                "salutation": text_at(body, "/salutation").unwrap_or(""),
                "firstName": text_at(body, "/firstName").unwrap_or(""),
                "lastName": text_at(body, "/lastName").unwrap_or(""),
                "postAddressIds": address_ids,
                "communication": {
                    "emails": section("emails"),
                    "telephones": section("telephones"),
                    "messagingVoips": section("messagingVoips"),
                    "websites": section("websites")
                },
                "contactStatus": {"current": {"contactStatusId": 0}},
                "relationshipToAccount": {"isSupplier": supplier, "isStaff": false},
                "marketingDetails": {"isReceiveEmailNewsletter": body.pointer("/marketingDetails/isReceiveEmailNewsletter").and_then(Value::as_bool).unwrap_or(false)},
                "financialDetails": {
                    "priceListId": int_at(body, "/financialDetails/priceListId").unwrap_or(1),
                    "nominalCode": text_at(body, "/financialDetails/nominalCode").unwrap_or("0"),
                    "creditLimit": 0,
                    "creditTermDays": int_at(body, "/financialDetails/creditTermDays").unwrap_or(0),
                    "currencyId": int_at(body, "/financialDetails/currencyId").unwrap_or(1),
                    "discountPercentage": 0.0,
                    "creditTermTypeId": 1
                },
                "assignment": {"current": {}},
                "organisation": organisation,
                "tradeStatus": "UNKNOWN",
                "createdByid": STAFF_CONTACT_ID,
                "createdOn": time::now(),
                "contactTags": "",
                "aliases": {},
                "companyId": 0
            });
            data.contacts.insert(id, contact);
            events.push(Event::created("contact", id));
            Ok(id)
        })
    }

    /// `PATCH /contact-service/contact/{id}`: JSON Patch; returns the whole contact. Raises
    /// `contact.modified`.
    pub fn patch_contact(&self, id: i64, ops: &Value) -> ApiResult<Value> {
        self.write(|data, events| {
            let contact = data.contacts.get_mut(&id).ok_or_else(|| ApiError::not_found("No Contact Found"))?;
            let mut patched = contact.clone();
            patch::apply_except(&mut patched, ops, &["/contactId", "/createdOn", "/createdByid"])?;
            for field in ["firstName", "lastName", "salutation"] {
                match patched.get(field) {
                    Some(Value::String(text)) if text.chars().count() <= NAME_LIMIT => {}
                    None => {}
                    _ => {
                        return Err(ApiError::invalid(
                            "CMNC-014",
                            format!("{field} must be text of at most {NAME_LIMIT} characters"),
                        ))
                    }
                }
            }
            patched["updatedOn"] = json!(time::now());
            *contact = patched.clone();
            events.push(Event::modified("contact", id));
            Ok(patched)
        })
    }

    /// `PATCH /contact-service/contact/{id}/custom-field`: JSON Patch on the custom field values;
    /// returns them all.
    pub fn patch_contact_custom_fields(&self, id: i64, ops: &Value) -> ApiResult<Value> {
        self.write(|data, events| {
            if !data.contacts.contains_key(&id) {
                return Err(ApiError::not_found("No Contact Found"));
            }
            let mut fields = Value::Object(data.contact_custom_fields.get(&id).cloned().unwrap_or_default());
            patch::apply(&mut fields, ops)?;
            let fields = fields.as_object().cloned().unwrap_or_default();
            data.contact_custom_fields.insert(id, fields.clone());
            events.push(Event::modified("contact", id));
            Ok(Value::Object(fields))
        })
    }
}
