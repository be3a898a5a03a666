//! Resource searches (`GET /{service}/{resource}-search?...`): positional rows described by
//! `metaData.columns`, filters by column name, `firstResult`/`pageSize` paging and `sort`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::error::{ApiError, ApiResult};
use super::idset;
use super::time;

/// The largest page a search returns.
pub const MAX_PAGE_SIZE: usize = 500;

/// A column's data type, which decides how its filter is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    IdSet,
    Text,
    SearchText,
    Boolean,
    Period,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Integer => "INTEGER",
            Kind::IdSet => "IDSET",
            Kind::Text => "STRING",
            Kind::SearchText => "SEARCH_STRING",
            Kind::Boolean => "BOOLEAN",
            Kind::Period => "PERIOD",
        }
    }
}

/// One column of a search: name, whether it sorts and filters, type, reference data names.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub sortable: bool,
    pub filterable: bool,
    pub kind: Kind,
    pub reference: Option<&'static str>,
}

/// A sortable, filterable column with no reference data.
pub const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, sortable: true, filterable: true, kind, reference: None }
}

impl Column {
    /// The column cannot be sorted by.
    pub const fn unsorted(mut self) -> Self {
        self.sortable = false;
        self
    }

    /// The column cannot be filtered by.
    pub const fn unfiltered(mut self) -> Self {
        self.filterable = false;
        self
    }

    /// The column's values are explained by this `reference` map.
    pub const fn with_reference(mut self, reference: &'static str) -> Self {
        self.reference = Some(reference);
        self
    }

    fn to_json(self) -> Value {
        json!({
            "name": self.name,
            "sortable": self.sortable,
            "filterable": self.filterable,
            "reportDataType": self.kind.name(),
            "referenceData": self.reference.into_iter().collect::<Vec<_>>(),
            "isFreeTextSearchable": false,
            "required": false
        })
    }
}

/// A filter read from the query.
enum Filter {
    Ids(Vec<std::ops::RangeInclusive<i64>>),
    Integer(i64),
    Text(String),
    Contains(String),
    Boolean(bool),
    Period(Option<i64>, Option<i64>),
}

impl Filter {
    fn parse(column: &Column, text: &str) -> ApiResult<Filter> {
        let refused = || {
            ApiError::new(
                500,
                "CMNC-018",
                format!("The filter {}={text} cannot be parsed as: {}", column.name, column.kind.name()),
            )
        };
        Ok(match column.kind {
            // Kept as ranges: a filter may span any number of ids.
            Kind::IdSet => Filter::Ids(idset::ranges(text).map_err(|_| refused())?),
            Kind::Integer => Filter::Integer(text.trim().parse().map_err(|_| refused())?),
            Kind::Text => Filter::Text(text.to_string()),
            Kind::SearchText => Filter::Contains(text.to_lowercase()),
            Kind::Boolean => match text {
                "true" => Filter::Boolean(true),
                "false" => Filter::Boolean(false),
                _ => return Err(refused()),
            },
            Kind::Period => {
                let side = |side: &str| -> ApiResult<Option<i64>> {
                    if side.is_empty() {
                        Ok(None)
                    } else {
                        time::parse(side).map(Some).ok_or_else(refused)
                    }
                };
                match text.split_once('/') {
                    Some((from, to)) => Filter::Period(side(from)?, side(to)?),
                    // A single date is that whole day.
                    None => {
                        let from = side(text)?.ok_or_else(refused)?;
                        Filter::Period(Some(from), Some(from + 86_399_999))
                    }
                }
            }
        })
    }

    fn matches(&self, value: &Value) -> bool {
        match self {
            Filter::Ids(ranges) => value.as_i64().is_some_and(|id| ranges.iter().any(|range| range.contains(&id))),
            Filter::Integer(wanted) => value.as_i64() == Some(*wanted),
            Filter::Text(wanted) => value.as_str() == Some(wanted.as_str()),
            Filter::Contains(wanted) => {
                value.as_str().is_some_and(|text| text.to_lowercase().contains(wanted.as_str()))
            }
            Filter::Boolean(wanted) => value.as_bool() == Some(*wanted),
            Filter::Period(from, to) => value
                .as_str()
                .and_then(time::parse)
                .is_some_and(|at| from.is_none_or(|from| at >= from) && to.is_none_or(|to| at <= to)),
        }
    }
}

/// What a search runs over: every row of a resource (cells in column order, ascending by the
/// first column) and the answer's `reference` object.
#[derive(Debug, Clone, Default)]
pub struct Searchable {
    pub rows: Vec<Vec<Value>>,
    pub reference: Value,
}

/// A cell as it sorts: dates by their instant, whatever their offset.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey<'a> {
    Null,
    Bool(bool),
    Number(i64),
    Time(i64),
    Text(&'a str),
}

fn sort_key(value: &Value, kind: Kind) -> SortKey<'_> {
    match value {
        Value::Null => SortKey::Null,
        Value::Bool(flag) => SortKey::Bool(*flag),
        Value::Number(number) => SortKey::Number(number.as_i64().unwrap_or(0)),
        Value::String(text) if kind == Kind::Period => time::parse(text).map_or(SortKey::Text(text), SortKey::Time),
        Value::String(text) => SortKey::Text(text),
        _ => SortKey::Null,
    }
}

/// Runs a search with the query parameters: filters, sort, page, columns.
pub fn run(columns: &[Column], searchable: &Searchable, query: &BTreeMap<String, String>) -> ApiResult<Value> {
    let reference = searchable.reference.clone();
    let mut filters = Vec::new();
    for (index, column) in columns.iter().enumerate() {
        if let Some(text) = query.get(column.name) {
            if column.filterable {
                filters.push((index, Filter::parse(column, text)?));
            }
        }
    }
    let mut rows: Vec<&Vec<Value>> = searchable
        .rows
        .iter()
        .filter(|row| filters.iter().all(|(index, filter)| filter.matches(&row[*index])))
        .collect();

    let (sort_index, descending) = match query.get("sort") {
        Some(sort) => {
            let (name, direction) = sort.rsplit_once(['.', '|']).unwrap_or((sort.as_str(), "ASC"));
            let index = columns.iter().position(|column| column.name == name && column.sortable);
            let index = index
                .ok_or_else(|| ApiError::new(500, "CMNC-019", format!("The sort {sort} is not a sortable column")))?;
            let descending = match direction.to_ascii_uppercase().as_str() {
                "ASC" => false,
                "DESC" => true,
                _ => {
                    return Err(ApiError::new(
                        500,
                        "CMNC-019",
                        format!("The sort direction {direction} is not ASC or DESC"),
                    ))
                }
            };
            (index, descending)
        }
        None => (0, false),
    };
    // Rows are kept ascending by the first column; any other order is sorted for, a key per row.
    if sort_index != 0 {
        let kind = columns[sort_index].kind;
        let mut keyed: Vec<(SortKey, &Vec<Value>)> =
            rows.into_iter().map(|row| (sort_key(&row[sort_index], kind), row)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        rows = keyed.into_iter().map(|(_, row)| row).collect();
    }
    if descending {
        rows.reverse();
    }

    let number = |key: &str, default: usize| -> ApiResult<usize> {
        match query.get(key) {
            None => Ok(default),
            Some(text) => text.trim().parse().map_err(|_| {
                ApiError::new(500, "CMNC-018", format!("The filter {key}={text} cannot be parsed as: INTEGER"))
            }),
        }
    };
    let first = number("firstResult", 1)?.max(1);
    let page_size = number("pageSize", MAX_PAGE_SIZE)?.clamp(1, MAX_PAGE_SIZE);
    let available = rows.len();
    let page: Vec<&Vec<Value>> = rows.into_iter().skip(first - 1).take(page_size).collect();

    let selected: Option<Vec<usize>> = query.get("columns").map(|names| {
        names.split(',').filter_map(|name| columns.iter().position(|column| column.name == name.trim())).collect()
    });
    let shown: Vec<usize> =
        selected.filter(|picked| !picked.is_empty()).unwrap_or_else(|| (0..columns.len()).collect());
    let results: Vec<Value> =
        page.iter().map(|row| Value::Array(shown.iter().map(|index| row[*index].clone()).collect())).collect();

    let mut meta = Map::new();
    meta.insert("morePagesAvailable".into(), json!(first - 1 + page.len() < available));
    meta.insert("resultsAvailable".into(), json!(available));
    meta.insert("resultsReturned".into(), json!(page.len()));
    if !page.is_empty() {
        meta.insert("firstResult".into(), json!(first));
        meta.insert("lastResult".into(), json!(first - 1 + page.len()));
    }
    meta.insert("columns".into(), Value::Array(shown.iter().map(|index| columns[*index].to_json()).collect()));
    meta.insert(
        "sorting".into(),
        json!([{"filterable": columns[sort_index].to_json(), "direction": if descending { "DESC" } else { "ASC" }}]),
    );
    Ok(json!({"response": {"results": results, "metaData": meta}, "reference": reference}))
}
