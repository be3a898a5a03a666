//! Webhooks: `integration-service/webhook` subscriptions and their delivery.
//!
//! A dispatcher task listens to the account's [`Events`]; events that arrive together (within
//! [`GATHER_WINDOW`]) are grouped, each subscription hears the ones its `subscribeTo` matches, and
//! the calls go out through [`delivery::Sender`]: one per event and ID set when `idSetAccepted` is
//! true, one per event and ID otherwise. Calls are plain HTTP with no signature and no
//! authentication header, as Brightpearl's are; receivers check a secret they put in `uriTemplate`.

pub mod delivery;
mod routes;
pub mod subscription;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;
use tokio::task::JoinHandle;

use crate::bp::error::{ApiError, ApiResult};
use crate::bp::events::{Event, Events};
use crate::bp::idset::{self, compact};
use crate::bp::time::{format_utc, now_millis};
use crate::bp::Config;
use delivery::{Call, CallRecord, Sender};
use subscription::{as_heard, Webhook};
use template::Variables;

pub use routes::routes;

/// Events published this close together are delivered together (one ID set per event name to a
/// webhook that accepts ID sets). Not scaled: it only has to cover one burst of changes.
pub const GATHER_WINDOW: Duration = Duration::from_millis(20);
/// At most this many IDs in one call's `${resource-id}`: the ID-set limit of a GET, so a receiver can
/// fetch what one call names with one request.
pub const MAX_IDS_PER_CALL: usize = 200;
/// At most this many IDs in a simulated call's `${resource-id}`, as Brightpearl allows.
pub const MAX_SIMULATED_IDS: usize = 10;
/// Events gathered into one group at most, so a long burst still flows.
const MAX_GROUP: usize = 10_000;

/// The account's webhooks: the registered subscriptions and what delivers to them. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Webhooks {
    account: Arc<str>,
    registry: Arc<Mutex<Registry>>,
    sender: Sender,
    started: Arc<AtomicBool>,
}

#[derive(Debug)]
struct Registry {
    next_id: i64,
    hooks: BTreeMap<i64, Webhook>,
}

impl Webhooks {
    pub fn new(config: &Config) -> Self {
        Webhooks {
            account: config.account.as_str().into(),
            registry: Arc::new(Mutex::new(Registry { next_id: 1, hooks: BTreeMap::new() })),
            sender: Sender::new(config),
            started: Arc::default(),
        }
    }

    /// Starts delivering `events` to the subscriptions, inside a Tokio runtime. Only the first
    /// call starts a dispatcher (`None` after that), so no event is delivered twice.
    pub fn start(&self, events: &Events) -> Option<JoinHandle<()>> {
        if self.started.swap(true, Ordering::SeqCst) {
            return None;
        }
        let receiver = events.subscribe();
        let webhooks = self.clone();
        Some(tokio::spawn(async move { webhooks.dispatch(receiver).await }))
    }

    /// Registers a webhook from a `POST /webhook` body; its new id.
    pub fn create(&self, body: &Value) -> ApiResult<i64> {
        let mut registry = self.lock()?;
        let id = registry.next_id;
        let hook = Webhook::from_request(id, body)?;
        registry.next_id += 1;
        registry.hooks.insert(id, hook);
        Ok(id)
    }

    /// Every webhook, by id.
    pub fn list(&self) -> ApiResult<Vec<Webhook>> {
        Ok(self.lock()?.hooks.values().cloned().collect())
    }

    /// The webhooks of an ID set such as `2,4`; 404 when none exists.
    pub fn get(&self, id_set: &str) -> ApiResult<Vec<Webhook>> {
        let none = || ApiError::not_found(format!("No webhooks available in ID Set {id_set}"));
        let ids = idset::parse(id_set, idset::MAX_IDS).map_err(|_| none())?;
        let registry = self.lock()?;
        let found: Vec<Webhook> = ids.iter().filter_map(|id| registry.hooks.get(id).cloned()).collect();
        if found.is_empty() {
            return Err(none());
        }
        Ok(found)
    }

    pub fn delete(&self, id: i64) -> ApiResult<()> {
        match self.lock()?.hooks.remove(&id) {
            Some(_) => Ok(()),
            None => Err(ApiError::not_found(format!("Cannot find webhook: {id}"))),
        }
    }

    /// Sends webhook `id` the calls an event would cause, with `testData` values in place of the
    /// event's (`POST /webhook/{id}/simulate`). `${resource-id}` is required and names at most 10 IDs.
    pub fn simulate(&self, id: i64, body: &Value) -> ApiResult<()> {
        let hook = self.lock()?.hooks.get(&id).cloned();
        let hook = hook.ok_or_else(|| ApiError::not_found(format!("Cannot find webhook: {id}")))?;
        let Some(test_data) = body.get("testData").and_then(Value::as_object) else {
            return Err(ApiError::bad_body("testData must be an object of template variables and their values"));
        };
        let mut overrides = Variables::default();
        for (name, value) in test_data {
            let Some(value) = value.as_str() else {
                return Err(ApiError::bad_body(format!("testData {name} must be a string")));
            };
            overrides.set(name, value);
        }
        let ids_text = overrides.get("resource-id").unwrap_or_default().to_string();
        let ids = idset::parse(&ids_text, MAX_SIMULATED_IDS).map_err(|error| match error {
            idset::IdSetError::TooMany { limit } => {
                ApiError::bad_body(format!("testData ${{resource-id}} may name at most {limit} resource ids"))
            }
            idset::IdSetError::Malformed(_) => ApiError::bad_body(format!(
                "testData ${{resource-id}} must be an ID set such as 1-5,99, not {ids_text:?}"
            )),
        })?;
        let raised_on = format_utc(now_millis());
        let event = hook.topic.sample_event(0);
        let calls: Vec<String> =
            if hook.id_set_accepted { vec![ids_text] } else { ids.iter().map(|id| id.to_string()).collect() };
        for resource_ids in calls {
            let mut variables = Variables::for_event(&self.account, &event, &resource_ids, &raised_on);
            variables.extend(&overrides);
            variables.set("resource-id", &resource_ids);
            self.sender.send(call(&hook, &variables));
        }
        Ok(())
    }

    /// What happened to the calls made lately, oldest first.
    pub fn calls(&self) -> Vec<CallRecord> {
        self.sender.log()
    }

    fn lock(&self) -> ApiResult<MutexGuard<'_, Registry>> {
        self.registry.lock().map_err(|_| ApiError::new(500, "CMNU-003", "Internal Server Error"))
    }

    async fn dispatch(self, mut receiver: Receiver<Event>) {
        while let Some(group) = next_group(&mut receiver).await {
            let hooks = match self.list() {
                Ok(hooks) => hooks,
                Err(_) => continue,
            };
            let raised_on = format_utc(now_millis());
            for hook in &hooks {
                for call in calls_for(&self.account, hook, &group, &raised_on) {
                    self.sender.send(call);
                }
            }
        }
    }
}

/// Waits for an event, then gathers what else arrives within [`GATHER_WINDOW`]. `None` once the
/// bus is gone. Events a slow dispatcher missed are skipped, as Brightpearl does not promise every
/// notification either.
async fn next_group(receiver: &mut Receiver<Event>) -> Option<Vec<Event>> {
    let first = loop {
        match receiver.recv().await {
            Ok(event) => break event,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return None,
        }
    };
    let mut group = vec![first];
    let deadline = tokio::time::Instant::now() + GATHER_WINDOW;
    while group.len() < MAX_GROUP {
        match tokio::time::timeout_at(deadline, receiver.recv()).await {
            Ok(Ok(event)) => group.push(event),
            Ok(Err(RecvError::Lagged(_))) => continue,
            Ok(Err(RecvError::Closed)) | Err(_) => break,
        }
    }
    Some(group)
}

/// The calls `hook` makes for a group of events: per event name, the IDs it concerns (each once),
/// as ID sets of up to [`MAX_IDS_PER_CALL`] or one by one.
fn calls_for(account: &str, hook: &Webhook, group: &[Event], raised_on: &str) -> Vec<Call> {
    // Event names in the order they first appear, each with its IDs.
    let mut heard: Vec<(Event, BTreeSet<i64>)> = Vec::new();
    for event in group.iter().map(as_heard).filter(|event| hook.topic.matches(event)) {
        let name = Event { id: 0, ..event.clone() };
        match heard.iter_mut().find(|(known, _)| *known == name) {
            Some((_, ids)) => {
                ids.insert(event.id);
            }
            None => heard.push((name, BTreeSet::from([event.id]))),
        }
    }
    let mut calls = Vec::new();
    for (event, ids) in heard {
        let ids: Vec<i64> = ids.into_iter().collect();
        let chunk = if hook.id_set_accepted { MAX_IDS_PER_CALL } else { 1 };
        for ids in ids.chunks(chunk) {
            calls.push(call(hook, &Variables::for_event(account, &event, &compact(ids), raised_on)));
        }
    }
    calls
}

fn call(hook: &Webhook, variables: &Variables) -> Call {
    let body = match (&hook.content_type, &hook.body_template) {
        (Some(content_type), Some(template)) => Some((content_type.clone(), variables.render(template))),
        _ => None,
    };
    Call {
        webhook_id: hook.id,
        method: hook.http_method,
        uri: variables.render(&hook.uri_template),
        body,
        quality_of_service: hook.quality_of_service,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hook(subscribe_to: &str, id_set_accepted: bool) -> Webhook {
        Webhook::from_request(
            1,
            &json!({"subscribeTo": subscribe_to, "httpMethod": "POST", "uriTemplate": "http://r/${resource-id}",
                    "contentType": "application/json", "idSetAccepted": id_set_accepted,
                    "bodyTemplate": "${account-code} ${resource-type} ${lifecycle-event} ${full-event}"}),
        )
        .unwrap()
    }

    #[test]
    fn id_sets_gather_one_event_name_and_skip_others() {
        let group = [
            Event::modified("product", 3),
            Event::modified("product", 1),
            Event::modified("product", 2),
            Event::modified("product", 3),
            Event::created("goods-in-note", 9),
            Event::modified("product", 7).with_specifier("on-hand-modified"),
        ];
        let calls = calls_for("acme", &hook("product", true), &group, "t");
        let uris: Vec<&str> = calls.iter().map(|call| call.uri.as_str()).collect();
        assert_eq!(uris, ["http://r/1-3", "http://r/7"]);
        assert_eq!(calls[1].body.as_ref().unwrap().1, "acme product modified product.modified.on-hand-modified");
    }

    #[test]
    fn one_call_per_id_without_id_sets() {
        let group = [Event::created("product", 2), Event::created("product", 1)];
        let calls = calls_for("acme", &hook("product.created", false), &group, "t");
        let uris: Vec<&str> = calls.iter().map(|call| call.uri.as_str()).collect();
        assert_eq!(uris, ["http://r/1", "http://r/2"]);
    }

    #[test]
    fn order_creation_is_heard_as_a_modification() {
        let calls = calls_for("acme", &hook("order.modified", true), &[Event::created("order", 5)], "t");
        assert_eq!(calls[0].body.as_ref().unwrap().1, "acme order modified order.modified");
        assert!(calls_for("acme", &hook("order.modified.order-status", true), &[Event::created("order", 5)], "t")
            .is_empty());
    }

    #[test]
    fn large_groups_are_split_into_get_sized_id_sets() {
        let group: Vec<Event> = (1..=450).map(|id| Event::modified("product", id)).collect();
        let calls = calls_for("acme", &hook("product", true), &group, "t");
        let uris: Vec<&str> = calls.iter().map(|call| call.uri.as_str()).collect();
        assert_eq!(uris, ["http://r/1-200", "http://r/201-400", "http://r/401-450"]);
    }
}
