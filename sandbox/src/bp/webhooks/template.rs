//! Filling in a webhook's `uriTemplate` and `bodyTemplate`.

use std::collections::BTreeMap;

use crate::bp::events::Event;

/// The version `${brightpearl-version}` reports: the one a recorded real webhook body carried.
pub const BRIGHTPEARL_VERSION: &str = "4.95.2647";

/// The values of the template variables for one call, keyed by variable name without `${` `}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Variables(BTreeMap<String, String>);

impl Variables {
    /// The variables of `event` raised on the account `account` at `raised_on`, for the resources in
    /// `resource_ids` (an ID set such as `1-5,99`).
    pub fn for_event(account: &str, event: &Event, resource_ids: &str, raised_on: &str) -> Self {
        let mut variables = Variables::default();
        variables.set("account-code", account);
        variables.set("resource-type", event.resource);
        variables.set("resource-id", resource_ids);
        variables.set("lifecycle-event", event.lifecycle.as_str());
        variables.set("resource-specifier", event.specifier.unwrap_or_default());
        variables.set("full-event", &event.to_string());
        variables.set("raised-on", raised_on);
        variables.set("brightpearl-version", BRIGHTPEARL_VERSION);
        variables
    }

    /// Sets one variable; `name` may be written bare (`resource-id`) or as in a template (`${resource-id}`).
    pub fn set(&mut self, name: &str, value: &str) {
        let bare = name.strip_prefix("${").and_then(|rest| rest.strip_suffix('}')).unwrap_or(name);
        self.0.insert(bare.to_string(), value.to_string());
    }

    /// Takes every value `other` sets, in place of this one's.
    pub fn extend(&mut self, other: &Variables) {
        self.0.extend(other.0.iter().map(|(name, value)| (name.clone(), value.clone())));
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The template with every known `${name}` replaced by its value. Unknown variables are left as
    /// written, so a typo shows up at the receiver rather than vanishing.
    pub fn render(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}').and_then(|end| Some((self.0.get(&after[..end])?, end))) {
                Some((value, end)) => {
                    out.push_str(value);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str("${");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_variable() {
        let event = Event::modified("order", 5906).with_specifier("order-status");
        let variables = Variables::for_event("acme", &event, "5906", "2022-09-19T10:20:41.691Z");
        let template = "${account-code}|${resource-type}|${resource-id}|${lifecycle-event}|${resource-specifier}|\
                        ${full-event}|${raised-on}|${brightpearl-version}";
        assert_eq!(
            variables.render(template),
            "acme|order|5906|modified|order-status|order.modified.order-status|2022-09-19T10:20:41.691Z|4.95.2647"
        );
    }

    #[test]
    fn leaves_unknown_and_unclosed_variables_alone() {
        let variables = Variables::for_event("acme", &Event::created("product", 1), "1-3", "t");
        assert_eq!(variables.render("a ${nope} b ${account-code} ${resource-id"), "a ${nope} b acme ${resource-id");
        assert_eq!(variables.render("${resource-specifier}."), ".");
    }

    #[test]
    fn set_accepts_both_spellings() {
        let mut variables = Variables::default();
        variables.set("${resource-id}", "1-5");
        variables.set("account-code", "x");
        assert_eq!(variables.render("${account-code}/${resource-id}"), "x/1-5");
    }
}
