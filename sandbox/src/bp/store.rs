//! The simulated account: every record the API serves, in memory behind one lock.
//!
//! Reads go through [`Store::read`], which lends the [`Data`] for the length of a closure. Every
//! change is a method of [`Store`] (in the submodules by area: orders, contacts, products and stock,
//! goods notes, accounting) that validates its input the way Brightpearl does, changes the data and
//! then publishes the matching [`Event`]s, once the lock is released. The public API handlers and the
//! admin interface call the same methods, so webhooks fire whichever way data changes.
//!
//! Records are kept as the JSON the API returns for them, so a GET is a lookup and a copy.

mod accounting;
mod contacts;
mod goods;
mod orders;
mod products;

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

use serde_json::{json, Map, Value};

use super::config::Config;
use super::error::ApiResult;
use super::events::{Event, Events};
use super::time;
use crate::generate::records::{self, NOMINAL_CODES, ORDER_STATUSES, TAX_CODES, WAREHOUSES};
use crate::generate::{OrderGenerator, FIRST_CONTACT_ID, FIRST_PRODUCT_ID, FREE_TEXT_PRODUCT_ID};

pub use goods::GoodsOutEventCode;
pub use orders::ORDER_TYPES;

/// Contacts seeded besides the customers of the seeded orders: ids `FIRST_CONTACT_ID..+this`.
const SEEDED_CONTACTS: i64 = 250;
/// Products seeded besides those on the seeded orders: ids `FIRST_PRODUCT_ID..+this`.
const SEEDED_PRODUCTS: i64 = 600;
/// The most units one stock movement (a correction, a goods-note line) may move, so that stock
/// levels stay far from overflowing.
pub const MAX_UNITS: i64 = 1_000_000_000;
/// The staff contact that seeded records and API changes are made by.
pub const STAFF_CONTACT_ID: i64 = 4;
/// When seeded reference records were created: 2020-01-01T00:00:00Z.
pub const SEED_EPOCH_MILLIS: i64 = 1_577_836_800_000;

/// Stock of one product in one warehouse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stock {
    /// Units in the warehouse, allocated or not.
    pub in_stock: i64,
    /// Units promised to orders and not yet shipped.
    pub allocated: i64,
    pub in_transit: i64,
}

impl Stock {
    /// Units free to sell: Brightpearl's `onHand` (in stock less allocated).
    pub fn on_hand(&self) -> i64 {
        self.in_stock - self.allocated
    }

    /// The `{inStock, onHand, allocated, inTransit}` record of product availability.
    pub fn to_json(self) -> Value {
        json!({"inStock": self.in_stock, "onHand": self.on_hand(), "allocated": self.allocated, "inTransit": self.in_transit})
    }
}

/// The next id of each kind of record.
#[derive(Debug, Clone)]
pub struct Counters {
    pub order: i64,
    pub row: i64,
    pub contact: i64,
    pub address: i64,
    pub product: i64,
    /// Goods-out, goods-in and stock-correction notes share one sequence, as goods notes do.
    pub goods_note: i64,
    pub goods_note_event: i64,
    pub payment: i64,
    pub journal: i64,
    pub order_status: i64,
}

/// Everything the account holds. Read it with [`Store::read`]; change it with the store's methods.
#[derive(Debug)]
pub struct Data {
    /// Orders of every type (SO, SC, PO, PC) by id, as Order GET returns them.
    pub orders: BTreeMap<i64, Value>,
    /// Order custom field values by order id (`{"PCF_CODE": value}`).
    pub order_custom_fields: BTreeMap<i64, Map<String, Value>>,
    /// The order custom field definitions (`/order-service/sale/custom-field-meta-data`).
    pub order_custom_field_meta: Vec<Value>,
    /// Orders created through the sales-order resource, by (externalRef, installedIntegrationInstanceId).
    pub external_refs: BTreeMap<(String, i64), i64>,
    pub order_statuses: BTreeMap<i64, Value>,
    pub contacts: BTreeMap<i64, Value>,
    pub contact_custom_fields: BTreeMap<i64, Map<String, Value>>,
    pub postal_addresses: BTreeMap<i64, Value>,
    pub products: BTreeMap<i64, Value>,
    /// Prices by product id, as product-price GET returns them.
    pub prices: BTreeMap<i64, Value>,
    pub price_lists: Vec<Value>,
    /// Stock by product id, then warehouse id.
    pub stock: BTreeMap<i64, BTreeMap<i64, Stock>>,
    pub warehouses: BTreeMap<i64, Value>,
    /// Stock-correction notes by id.
    pub stock_corrections: BTreeMap<i64, Value>,
    /// Goods-out notes by id, as their GET shows each one.
    pub goods_out_notes: BTreeMap<i64, Value>,
    pub goods_in_notes: BTreeMap<i64, Value>,
    /// Customer payments by id, each the named form of a customer-payment-search row.
    pub payments: BTreeMap<i64, Value>,
    /// Payment ids by (transactionRef, paymentMethodCode), the pair that must be unique.
    pub payment_keys: BTreeMap<(String, String), i64>,
    /// Payment ids by order id.
    pub order_payments: BTreeMap<i64, BTreeSet<i64>>,
    pub journals: BTreeMap<i64, Value>,
    pub tax_codes: Vec<Value>,
    pub nominal_codes: Vec<Value>,
    pub next: Counters,
}

/// The records fetched in sets of up to 200, and so kept as JSON text too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Orders,
    Contacts,
    Products,
    /// A product's availability: `{"total":{...},"warehouses":{...}}`.
    Availability,
}

impl Table {
    /// The record's JSON text, if it exists.
    fn text(self, data: &Data, id: i64) -> Option<String> {
        match self {
            Table::Orders => data.orders.get(&id).map(Value::to_string),
            Table::Contacts => data.contacts.get(&id).map(Value::to_string),
            Table::Products => data.products.get(&id).map(Value::to_string),
            Table::Availability => data.availability(id).map(|availability| availability.to_string()),
        }
    }
}

impl Data {
    /// A stock-tracked product's availability, in total and by warehouse; `None` for others.
    pub fn availability(&self, product_id: i64) -> Option<Value> {
        let levels = self.stock.get(&product_id)?;
        let mut total = Stock::default();
        let mut warehouses = Map::new();
        for (warehouse, stock) in levels {
            total.in_stock += stock.in_stock;
            total.allocated += stock.allocated;
            total.in_transit += stock.in_transit;
            warehouses.insert(warehouse.to_string(), stock.to_json());
        }
        Some(json!({"total": total.to_json(), "warehouses": warehouses}))
    }
}

/// The simulated account. Share it behind an `Arc`; all methods take `&self`.
#[derive(Debug)]
pub struct Store {
    account: String,
    /// The account's base currency.
    currency: &'static str,
    data: RwLock<Data>,
    /// Records of [`Table`]s already written as JSON, so a GET of 200 orders copies text rather
    /// than serialising 200 trees. Emptied by every change (changes are rare next to reads).
    texts: Mutex<HashMap<(Table, i64), Arc<str>>>,
    /// Values computed from the whole data (search rows), by name; emptied by every change.
    derived: Mutex<HashMap<&'static str, Arc<dyn Any + Send + Sync>>>,
    events: Events,
}

impl Store {
    /// The account of `config`, seeded from the data generator: `config.orders` sales orders with
    /// ids from 1, their customers and products, more contacts and products, prices, stock,
    /// warehouses, tax and nominal codes, payments and journals of the paid and invoiced orders.
    pub fn seeded(config: &Config, events: Events) -> Store {
        let generator = OrderGenerator::new(config.seed).with_first_id(1);
        let currency = generator.account_currency();
        let mut seed = Seed::new(&generator);
        let orders: Vec<Value> = (0..config.orders).map(|index| generator.order(index)).collect();
        for order in &orders {
            if let Some(customer) = order.pointer("/parties/customer/contactId").and_then(Value::as_i64) {
                seed.contact_ids.insert(customer);
            }
            for row in order["orderRows"].as_object().into_iter().flat_map(|rows| rows.values()) {
                match row["productId"].as_i64() {
                    Some(id) if id != FREE_TEXT_PRODUCT_ID => seed.product_ids.insert(id),
                    _ => false,
                };
            }
        }
        let data = seed.data(orders, currency);
        let store = Store {
            account: config.account.clone(),
            currency,
            data: RwLock::new(data),
            texts: Mutex::new(HashMap::new()),
            derived: Mutex::new(HashMap::new()),
            events,
        };
        store.seed_history();
        store
    }

    /// The account code in `/public-api/{account}/...`.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The account's base currency (USD, GBP or EUR).
    pub fn currency(&self) -> &'static str {
        self.currency
    }

    /// Where this store publishes its changes.
    pub fn events(&self) -> &Events {
        &self.events
    }

    /// Runs `f` with the data, read-only, under the read lock. Keep `f` short: writers wait.
    pub fn read<T>(&self, f: impl FnOnce(&Data) -> T) -> T {
        f(&self.lock_read())
    }

    /// The records of `table` with these ids that exist, as JSON text, in the order of `ids`.
    pub fn texts(&self, table: Table, ids: &[i64]) -> Vec<(i64, Arc<str>)> {
        let data = self.lock_read();
        let mut texts = self.texts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        ids.iter()
            .filter_map(|id| {
                let text = match texts.get(&(table, *id)) {
                    Some(text) => text.clone(),
                    None => {
                        let text: Arc<str> = table.text(&data, *id)?.into();
                        texts.insert((table, *id), text.clone());
                        text
                    }
                };
                Some((*id, text))
            })
            .collect()
    }

    /// A value computed from the data by `build`, kept under `name` until the next change.
    /// `name` must always be built by the same function.
    pub fn derived<T: Any + Send + Sync>(&self, name: &'static str, build: impl FnOnce(&Data) -> T) -> Arc<T> {
        let data = self.lock_read();
        let mut derived = self.derived.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(kept) = derived.get(name).and_then(|kept| kept.clone().downcast::<T>().ok()) {
            return kept;
        }
        let built = Arc::new(build(&data));
        derived.insert(name, built.clone());
        built
    }

    fn lock_read(&self) -> RwLockReadGuard<'_, Data> {
        // A panic in another thread cannot leave the data half-changed (changes are applied to a
        // copy and swapped in, or are single inserts), so a poisoned lock is still good to read.
        self.data.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs one change under the write lock and publishes the events it raised after releasing it.
    fn write<T>(&self, change: impl FnOnce(&mut Data, &mut Vec<Event>) -> ApiResult<T>) -> ApiResult<T> {
        let mut raised = Vec::new();
        let result = {
            let mut data = self.data.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            let result = change(&mut data, &mut raised);
            // Under the write lock, so no reader can put back a text of the old data.
            self.texts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
            self.derived.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
            result
        };
        if result.is_ok() {
            for event in raised {
                self.events.publish(event);
            }
        }
        result
    }

    /// Payments of paid orders and journals of invoiced ones, made the way the API would have.
    fn seed_history(&self) {
        let (paid, invoiced) = self.read(|data| {
            let paid: Vec<(i64, String, String)> = data
                .orders
                .values()
                .filter(|order| order["orderPaymentStatus"] == "PAID")
                .filter_map(|order| {
                    let id = order["id"].as_i64()?;
                    let total = order.pointer("/totalValue/total")?.as_str()?.to_string();
                    let currency = order.pointer("/currency/orderCurrencyCode")?.as_str()?.to_string();
                    Some((id, total, currency))
                })
                .collect();
            let invoiced: Vec<i64> = data
                .orders
                .values()
                .filter(|order| order.pointer("/state/tax").and_then(Value::as_str) == Some("INVOICED"))
                .filter_map(|order| order["id"].as_i64())
                .collect();
            (paid, invoiced)
        });
        for id in invoiced {
            let _ = self.write(|data, _| {
                let order = data.orders.get(&id).cloned().unwrap_or(Value::Null);
                accounting::add_invoice_journal(data, &order);
                Ok(())
            });
        }
        for (order_id, total, currency) in paid {
            let body = json!({
                "transactionRef": format!("SEED-{order_id}"),
                "transactionCode": format!("SEED-{order_id}"),
                "paymentMethodCode": "CARD",
                "paymentType": "RECEIPT",
                "orderId": order_id,
                "currencyIsoCode": currency,
                "amountPaid": total,
                "paymentDate": time::format(SEED_EPOCH_MILLIS),
            });
            // Seeding must not raise webhooks: no subscriber exists yet, and none is told.
            let _ = self.write(|data, _| accounting::add_payment(data, &body));
        }
    }
}

/// What seeding collects before the data is built.
struct Seed<'g> {
    generator: &'g OrderGenerator,
    contact_ids: BTreeSet<i64>,
    product_ids: BTreeSet<i64>,
}

impl<'g> Seed<'g> {
    fn new(generator: &'g OrderGenerator) -> Self {
        Seed {
            generator,
            contact_ids: (FIRST_CONTACT_ID..FIRST_CONTACT_ID + SEEDED_CONTACTS).collect(),
            product_ids: (FIRST_PRODUCT_ID..FIRST_PRODUCT_ID + SEEDED_PRODUCTS).collect(),
        }
    }

    fn data(self, orders: Vec<Value>, currency: &'static str) -> Data {
        let created = |id: i64| time::format(SEED_EPOCH_MILLIS + id * 3_600_000);
        let mut data = Data {
            orders: BTreeMap::new(),
            order_custom_fields: BTreeMap::new(),
            order_custom_field_meta: orders::custom_field_meta(),
            external_refs: BTreeMap::new(),
            order_statuses: ORDER_STATUSES
                .iter()
                .enumerate()
                .map(|(sort, status)| (status.0, records::order_status(status, sort)))
                .collect(),
            contacts: BTreeMap::new(),
            contact_custom_fields: BTreeMap::new(),
            postal_addresses: BTreeMap::new(),
            products: BTreeMap::new(),
            prices: BTreeMap::new(),
            price_lists: records::price_lists(currency),
            stock: BTreeMap::new(),
            warehouses: WAREHOUSES.iter().map(|warehouse| (warehouse.0, records::warehouse(warehouse))).collect(),
            stock_corrections: BTreeMap::new(),
            goods_out_notes: BTreeMap::new(),
            goods_in_notes: BTreeMap::new(),
            payments: BTreeMap::new(),
            payment_keys: BTreeMap::new(),
            order_payments: BTreeMap::new(),
            journals: BTreeMap::new(),
            tax_codes: TAX_CODES.iter().map(records::tax_code).collect(),
            nominal_codes: NOMINAL_CODES.iter().map(records::nominal_code).collect(),
            next: Counters {
                order: 1,
                row: 1,
                contact: 1,
                address: 1,
                product: 1,
                goods_note: 1,
                goods_note_event: 1,
                payment: 1,
                journal: 1,
                order_status: 1,
            },
        };
        for id in &self.contact_ids {
            if let Some(contact) = self.generator.contact_by_id(*id) {
                data.contacts.insert(*id, records::contact(&contact, &created(*id)));
                data.postal_addresses.insert(*id, records::postal_address(&contact));
            }
        }
        for id in &self.product_ids {
            if let Some(product) = self.generator.product_by_id(*id) {
                data.products.insert(*id, records::product(&product, currency, &created(*id), 1_577_836_800_000 + id));
                data.prices.insert(*id, records::product_price(&product, currency));
                let levels = WAREHOUSES
                    .iter()
                    .filter_map(|(warehouse, ..)| {
                        let (on_hand, allocated) = records::seeded_stock(self.generator, *id, *warehouse)?;
                        Some((*warehouse, Stock { in_stock: on_hand + allocated, allocated, in_transit: 0 }))
                    })
                    .collect();
                data.stock.insert(*id, levels);
            }
        }
        for order in orders {
            if let Some(id) = order["id"].as_i64() {
                let max_row = order["orderRows"]
                    .as_object()
                    .into_iter()
                    .flat_map(|rows| rows.keys())
                    .filter_map(|key| key.parse::<i64>().ok())
                    .max()
                    .unwrap_or(0);
                data.next.row = data.next.row.max(max_row + 1);
                data.orders.insert(id, order);
            }
        }
        data.next.order = data.orders.keys().next_back().map_or(1, |last| last + 1);
        data.next.contact = FIRST_CONTACT_ID + crate::generate::CONTACTS as i64;
        data.next.address = data.next.contact;
        data.next.product = FIRST_PRODUCT_ID + crate::generate::PRODUCTS as i64;
        data.next.order_status = ORDER_STATUSES.iter().map(|status| status.0).max().unwrap_or(0) + 1;
        data
    }
}

/// Takes the next id of a counter.
fn take(counter: &mut i64) -> i64 {
    let id = *counter;
    *counter += 1;
    id
}
