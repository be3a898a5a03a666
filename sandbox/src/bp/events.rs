//! Changes to account data, as webhooks see them.
//!
//! Every change made through the public API or the admin interface is published here once; the
//! webhook dispatcher subscribes and delivers to the matching subscriptions. Event names follow
//! Brightpearl's `{resource}.{lifecycle}[.{specifier}]` (`order.modified.order-status`,
//! `goods-out-note.modified.shipped`, `sales-order.created`).

use std::fmt;

use tokio::sync::broadcast;

/// The lifecycle word of an event. Brightpearl says `destroyed`, never `deleted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lifecycle {
    Created,
    Modified,
    Destroyed,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Created => "created",
            Lifecycle::Modified => "modified",
            Lifecycle::Destroyed => "destroyed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "created" => Some(Lifecycle::Created),
            "modified" => Some(Lifecycle::Modified),
            "destroyed" => Some(Lifecycle::Destroyed),
            _ => None,
        }
    }
}

/// One change to one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Lower-case resource type as webhooks carry it: `order`, `sales-order`, `product`,
    /// `goods-out-note`, `goods-in-note`, `contact`, ...
    pub resource: &'static str,
    pub lifecycle: Lifecycle,
    /// The part after the lifecycle, such as `order-status` or `shipped`.
    pub specifier: Option<&'static str>,
    pub id: i64,
}

impl Event {
    pub fn new(resource: &'static str, lifecycle: Lifecycle, id: i64) -> Self {
        Event { resource, lifecycle, specifier: None, id }
    }

    pub fn created(resource: &'static str, id: i64) -> Self {
        Event::new(resource, Lifecycle::Created, id)
    }

    pub fn modified(resource: &'static str, id: i64) -> Self {
        Event::new(resource, Lifecycle::Modified, id)
    }

    pub fn destroyed(resource: &'static str, id: i64) -> Self {
        Event::new(resource, Lifecycle::Destroyed, id)
    }

    pub fn with_specifier(mut self, specifier: &'static str) -> Self {
        self.specifier = Some(specifier);
        self
    }
}

/// `order.modified.order-status`: the `${full-event}` of a webhook.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.resource, self.lifecycle.as_str())?;
        if let Some(specifier) = self.specifier {
            write!(f, ".{specifier}")?;
        }
        Ok(())
    }
}

/// Where events are published. Cheap to clone; publishing never blocks and never fails (with no
/// subscriber, an event simply reaches nobody, as on an account with no webhooks).
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
}

impl Events {
    /// `capacity` events may wait for a slow subscriber before the oldest are dropped (Brightpearl
    /// does not promise every notification either).
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Events { sender }
    }

    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}

impl Default for Events {
    fn default() -> Self {
        Events::new(65_536)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_event_names() {
        assert_eq!(
            Event::modified("order", 5).with_specifier("order-status").to_string(),
            "order.modified.order-status"
        );
        assert_eq!(Event::created("sales-order", 1).to_string(), "sales-order.created");
        assert_eq!(Lifecycle::parse("deleted"), None);
        assert_eq!(Lifecycle::parse("destroyed"), Some(Lifecycle::Destroyed));
    }

    #[tokio::test]
    async fn subscribers_see_published_events() {
        let events = Events::new(4);
        let mut rx = events.subscribe();
        events.publish(Event::created("product", 7));
        assert_eq!(rx.recv().await.unwrap(), Event::created("product", 7));
    }
}
