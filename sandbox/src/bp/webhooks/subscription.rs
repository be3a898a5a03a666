//! What a webhook is, how its definition is validated, and which events it hears.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::bp::error::ApiError;
use crate::bp::events::{Event, Lifecycle};

/// A lifecycle a resource offers and the specifiers that may follow it.
type Lifecycles = &'static [(Lifecycle, &'static [&'static str])];

/// The events an account can subscribe to: resource, then each lifecycle with the specifiers it may
/// carry. This is the documented list the research collects (section 6.3); `order.created` and
/// `contact.*` are not on it, as an integrator found on a live account.
const SUBSCRIBABLE: &[(&str, Lifecycles)] = &[
    ("drop-ship-note", &[(Lifecycle::Created, &[]), (Lifecycle::Destroyed, &[]), (Lifecycle::Modified, &["shipped"])]),
    ("goods-in-note", &[(Lifecycle::Created, &[])]),
    ("quarantine-release", &[(Lifecycle::Created, &[])]),
    (
        "goods-out-note",
        &[
            (Lifecycle::Created, &[]),
            (Lifecycle::Destroyed, &[]),
            (Lifecycle::Modified, &["printed", "picked", "packed", "un-printed", "un-picked", "un-packed", "shipped"]),
        ],
    ),
    ("order", &[(Lifecycle::Modified, &["fully-shipped", "order-status"])]),
    ("sales-order", &[(Lifecycle::Created, &[])]),
    (
        "product",
        &[(Lifecycle::Created, &[]), (Lifecycle::Modified, &["on-hand-modified"]), (Lifecycle::Destroyed, &[])],
    ),
];

/// The variables every webhook must carry in its URI or body template (INTC-057), in the order
/// Brightpearl reports them.
const REQUIRED_VARIABLES: [&str; 3] = ["${lifecycle-event}", "${account-code}", "${resource-type}"];

/// The HTTP methods a webhook may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
}

impl HttpMethod {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "GET" => Some(HttpMethod::Get),
            "POST" => Some(HttpMethod::Post),
            "PUT" => Some(HttpMethod::Put),
            "DELETE" => Some(HttpMethod::Delete),
            _ => None,
        }
    }

    /// Only POST and PUT carry a body.
    pub fn has_body(self) -> bool {
        matches!(self, HttpMethod::Post | HttpMethod::Put)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// The delivery guarantee of a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualityOfService {
    /// 0: at most once; a failed call is retried only when the receiver answered 503.
    AtMostOnce,
    /// 1: at least once; a failed call is retried unless the receiver answered 4xx.
    AtLeastOnce,
}

impl Serialize for QualityOfService {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(match self {
            QualityOfService::AtMostOnce => 0,
            QualityOfService::AtLeastOnce => 1,
        })
    }
}

/// What a subscription listens to: a resource, optionally narrowed to a lifecycle and a specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub resource: &'static str,
    pub lifecycle: Option<Lifecycle>,
    pub specifier: Option<&'static str>,
}

impl Topic {
    /// `product` hears every product event, `order.modified` every order modification (with or
    /// without a specifier), `goods-out-note.modified.shipped` only that one.
    pub fn matches(&self, event: &Event) -> bool {
        self.resource == event.resource
            && self.lifecycle.is_none_or(|lifecycle| lifecycle == event.lifecycle)
            && self.specifier.is_none_or(|specifier| Some(specifier) == event.specifier)
    }

    /// An event this topic hears, for a simulated call: the topic's own lifecycle and specifier, or
    /// the first lifecycle the resource has.
    pub fn sample_event(&self, id: i64) -> Event {
        let first_lifecycle = || {
            SUBSCRIBABLE
                .iter()
                .find(|(resource, _)| *resource == self.resource)
                .and_then(|(_, lifecycles)| lifecycles.first())
                .map_or(Lifecycle::Modified, |(lifecycle, _)| *lifecycle)
        };
        Event {
            resource: self.resource,
            lifecycle: self.lifecycle.unwrap_or_else(first_lifecycle),
            specifier: self.specifier,
            id,
        }
    }

    /// Reads `subscribeTo`, collecting what Brightpearl would refuse.
    fn parse(text: &str, errors: &mut Vec<(&'static str, String)>) -> Option<Topic> {
        let mut parts = text.split('.');
        let resource_text = parts.next().unwrap_or_default();
        let lifecycle_text = parts.next();
        let specifier_text = parts.next();
        let unsubscribable =
            || ("INTC-064", format!("{resource_text} either does not exist or cannot be subscribed too"));
        let Some(&(resource, lifecycles)) = SUBSCRIBABLE.iter().find(|(name, _)| *name == resource_text) else {
            errors.push(unsubscribable());
            return None;
        };
        let Some(lifecycle_text) = lifecycle_text else {
            return Some(Topic { resource, lifecycle: None, specifier: None });
        };
        let allowed = Lifecycle::parse(lifecycle_text)
            .and_then(|lifecycle| lifecycles.iter().find(|(allowed, _)| *allowed == lifecycle));
        let Some(&(lifecycle, specifiers)) = allowed else {
            errors.push(("INTC-062", format!("{lifecycle_text} is not a valid lifecycle")));
            return None;
        };
        let specifier = match specifier_text {
            None => None,
            Some(text) => match specifiers.iter().find(|known| **known == text) {
                Some(known) if parts.next().is_none() => Some(*known),
                _ => {
                    errors.push(("INTC-064", format!("{text} either does not exist or cannot be subscribed too")));
                    return None;
                }
            },
        };
        Some(Topic { resource, lifecycle: Some(lifecycle), specifier })
    }
}

/// The event a webhook hears for `event`. Creating an order is heard as `order.modified`: the account
/// offers no `order.created`, and an integrator saw `order.modified` fire on creation (research 6.3).
pub fn as_heard(event: &Event) -> Event {
    if event.resource == "order" && event.lifecycle == Lifecycle::Created {
        Event::modified("order", event.id)
    } else {
        event.clone()
    }
}

/// A registered webhook, as `GET /integration-service/webhook` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: i64,
    pub subscribe_to: String,
    pub http_method: HttpMethod,
    pub uri_template: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    pub id_set_accepted: bool,
    pub quality_of_service: QualityOfService,
    #[serde(skip)]
    pub topic: Topic,
}

impl Webhook {
    /// Validates a `POST /integration-service/webhook` body. Every problem is reported at once, as
    /// Brightpearl does; the codes and messages follow the recorded answers.
    pub fn from_request(id: i64, body: &Value) -> Result<Webhook, ApiError> {
        let Some(fields) = body.as_object() else {
            return Err(ApiError::bad_body("You must supply a JSON object describing the webhook"));
        };
        let mut errors: Vec<(&'static str, String)> = Vec::new();
        let mut bad_field = |name: &str, rule: &str| errors.push(("CMNC-010", format!("{name} {rule}")));

        let subscribe_to = required_text(fields, "subscribeTo", &mut bad_field);
        let uri_template = required_text(fields, "uriTemplate", &mut bad_field);
        let http_method = match required_text(fields, "httpMethod", &mut bad_field) {
            Some(text) => HttpMethod::parse(&text).or_else(|| {
                bad_field("httpMethod", "must be one of GET, POST, PUT or DELETE");
                None
            }),
            None => None,
        };
        let with_body = http_method.is_some_and(HttpMethod::has_body);
        let mut optional_text = |name: &str| match fields.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => {
                bad_field(name, "must be a string");
                None
            }
        };
        let body_template = optional_text("bodyTemplate");
        let content_type = optional_text("contentType");
        if with_body {
            if body_template.is_none() {
                bad_field("bodyTemplate", "is required for POST and PUT");
            }
            if content_type.is_none() {
                bad_field("contentType", "is required for POST and PUT");
            }
        }
        let id_set_accepted = match fields.get("idSetAccepted") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(accepted)) => *accepted,
            Some(_) => {
                bad_field("idSetAccepted", "must be true or false");
                false
            }
        };
        let quality_of_service = match fields.get("qualityOfService") {
            None | Some(Value::Null) => Some(QualityOfService::AtMostOnce),
            Some(value) => match value.as_u64() {
                Some(0) => Some(QualityOfService::AtMostOnce),
                Some(1) => Some(QualityOfService::AtLeastOnce),
                _ => {
                    bad_field("qualityOfService", "must be 0 or 1");
                    None
                }
            },
        };

        // The template checks look at the URI and, for methods with a body, at the body.
        let templates = [uri_template.as_deref(), body_template.as_deref().filter(|_| with_body)];
        for variable in REQUIRED_VARIABLES {
            if !templates.iter().flatten().any(|template| template.contains(variable)) {
                errors.push((
                    "INTC-057",
                    format!(
                        "templateUri OR templateBody (for POST/PUT) must contatin the template variable {variable}"
                    ),
                ));
            }
        }
        let topic = subscribe_to.as_deref().and_then(|text| Topic::parse(text, &mut errors));

        match (topic, subscribe_to, http_method, uri_template, quality_of_service) {
            (Some(topic), Some(subscribe_to), Some(http_method), Some(uri_template), Some(quality_of_service))
                if errors.is_empty() =>
            {
                Ok(Webhook {
                    id,
                    subscribe_to,
                    http_method,
                    uri_template,
                    body_template: body_template.filter(|_| with_body),
                    content_type: content_type.filter(|_| with_body),
                    id_set_accepted,
                    quality_of_service,
                    topic,
                })
            }
            _ => Err(ApiError {
                status: 400,
                errors: errors.into_iter().map(|(code, message)| (code.to_string(), message)).collect(),
            }),
        }
    }
}

fn required_text(fields: &Map<String, Value>, name: &str, bad_field: &mut impl FnMut(&str, &str)) -> Option<String> {
    match fields.get(name) {
        Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            bad_field(name, "is required");
            None
        }
        Some(_) => {
            bad_field(name, "must be a string");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn topic(text: &str) -> Result<Topic, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        Topic::parse(text, &mut errors).ok_or(errors)
    }

    #[test]
    fn topics_match_their_events_and_the_more_specific_ones() {
        let shipped = Event::modified("goods-out-note", 7).with_specifier("shipped");
        let packed = Event::modified("goods-out-note", 7).with_specifier("packed");
        assert!(topic("goods-out-note").unwrap().matches(&shipped));
        assert!(topic("goods-out-note.modified").unwrap().matches(&packed));
        assert!(topic("goods-out-note.modified.shipped").unwrap().matches(&shipped));
        assert!(!topic("goods-out-note.modified.shipped").unwrap().matches(&packed));
        assert!(!topic("goods-out-note.created").unwrap().matches(&shipped));
        assert!(!topic("product").unwrap().matches(&Event::created("goods-in-note", 1)));
        assert!(!topic("order.modified").unwrap().matches(&Event::modified("sales-order", 1)));
    }

    #[test]
    fn refuses_what_cannot_be_subscribed() {
        assert_eq!(topic("order.created").unwrap_err()[0], ("INTC-062", "created is not a valid lifecycle".into()));
        assert_eq!(topic("product.deleted").unwrap_err()[0].0, "INTC-062");
        assert_eq!(topic("contact").unwrap_err()[0].0, "INTC-064");
        assert_eq!(topic("order.modified.colour").unwrap_err()[0].0, "INTC-064");
        assert_eq!(topic("order.modified.order-status.more").unwrap_err()[0].0, "INTC-064");
    }

    #[test]
    fn a_get_webhook_keeps_no_body_and_defaults_apply() {
        let hook = Webhook::from_request(
            3,
            &json!({"subscribeTo": "product", "httpMethod": "GET", "bodyTemplate": "ignored", "contentType": "text/plain",
                    "uriTemplate": "http://x/${account-code}/${resource-type}/${lifecycle-event}"}),
        )
        .unwrap();
        assert_eq!(hook.body_template, None);
        assert!(!hook.id_set_accepted);
        assert_eq!(hook.quality_of_service, QualityOfService::AtMostOnce);
        assert_eq!(
            serde_json::to_value(&hook).unwrap(),
            json!({"id": 3, "subscribeTo": "product", "httpMethod": "GET", "idSetAccepted": false, "qualityOfService": 0,
                   "uriTemplate": "http://x/${account-code}/${resource-type}/${lifecycle-event}"})
        );
    }
}
