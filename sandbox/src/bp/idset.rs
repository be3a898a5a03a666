//! ID sets: `8`, `1-5`, `81011,151499`, `1-100,320,321`, and the compact form OPTIONS answers with.

use std::collections::BTreeSet;

/// The largest ID set most GETs take.
pub const MAX_IDS: usize = 200;
/// Goods-out note GETs take more.
pub const MAX_GOODS_OUT_IDS: usize = 500;

/// Why an ID set was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdSetError {
    /// Not a number, a range or a list of them; or a descending range.
    Malformed(String),
    /// More ids than the resource takes in one GET.
    TooMany { limit: usize },
}

/// The distinct ids of an ID set, ascending. A range is expanded only up to `limit + 1` ids, so a
/// huge range costs no memory before it is refused.
pub fn parse(text: &str, limit: usize) -> Result<BTreeSet<i64>, IdSetError> {
    let malformed = || IdSetError::Malformed(text.to_string());
    let mut ids = BTreeSet::new();
    for part in text.split(',') {
        let part = part.trim();
        let (low, high) = match part.split_once('-') {
            Some((low, high)) => (id(low).ok_or_else(malformed)?, id(high).ok_or_else(malformed)?),
            None => {
                let one = id(part).ok_or_else(malformed)?;
                (one, one)
            }
        };
        if low > high {
            return Err(malformed());
        }
        let mut next = low;
        while next <= high {
            ids.insert(next);
            if ids.len() > limit {
                return Err(IdSetError::TooMany { limit });
            }
            next += 1;
        }
    }
    Ok(ids)
}

fn id(text: &str) -> Option<i64> {
    let text = text.trim();
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

/// Ascending ids written compactly: consecutive runs as ranges, pairs too (`1-2,5,8,10-41`), as the
/// recorded OPTIONS answers write them.
pub fn compact(ids: &[i64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut end = start;
        while i + 1 < ids.len() && ids[i + 1] == end + 1 {
            i += 1;
            end = ids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if end == start {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

/// The GET URIs that fetch `ids` (ascending, existing) in as few calls as possible, each at most
/// `per_call` ids: `/order/1-2,5,8,10-41`.
pub fn get_uris(resource: &str, ids: &[i64], per_call: usize) -> Vec<String> {
    ids.chunks(per_call.max(1)).map(|chunk| format!("/{resource}/{}", compact(chunk))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_lists_and_mixes() {
        assert_eq!(parse("8", 200).unwrap().into_iter().collect::<Vec<_>>(), [8]);
        assert_eq!(parse("1-3,8,10", 200).unwrap().into_iter().collect::<Vec<_>>(), [1, 2, 3, 8, 10]);
        assert_eq!(parse("5,1-2,2", 200).unwrap().into_iter().collect::<Vec<_>>(), [1, 2, 5]);
        assert!(matches!(parse("5-1", 200), Err(IdSetError::Malformed(_))));
        assert!(matches!(parse("a", 200), Err(IdSetError::Malformed(_))));
        assert!(matches!(parse("1,,2", 200), Err(IdSetError::Malformed(_))));
        assert_eq!(parse("1-201", 200), Err(IdSetError::TooMany { limit: 200 }));
        assert_eq!(parse("1-9000000000000", 500), Err(IdSetError::TooMany { limit: 500 }));
        assert_eq!(parse("1-200", 200).unwrap().len(), 200);
    }

    #[test]
    fn compact_form() {
        assert_eq!(compact(&[1, 2, 5, 8, 10, 11, 12, 320, 321]), "1-2,5,8,10-12,320-321");
        assert_eq!(get_uris("order", &[1, 2, 3, 4, 5], 2), ["/order/1-2", "/order/3-4", "/order/5"]);
        assert!(get_uris("order", &[], 200).is_empty());
    }
}
