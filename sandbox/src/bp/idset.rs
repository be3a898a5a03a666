//! ID sets: `8`, `1-5`, `81011,151499`, `1-100,320,321`, and the compact form OPTIONS answers with.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

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

/// The distinct ids of an ID set, ascending. Only up to `limit + 1` ids are expanded, so a huge
/// range or many overlapping ones cost nothing before they are refused.
pub fn parse(text: &str, limit: usize) -> Result<BTreeSet<i64>, IdSetError> {
    let mut ids = BTreeSet::new();
    for range in ranges(text)? {
        // The ranges are disjoint: every id is new, and an inclusive range ends at i64::MAX without
        // overflowing.
        for id in range {
            ids.insert(id);
            if ids.len() > limit {
                return Err(IdSetError::TooMany { limit });
            }
        }
    }
    Ok(ids)
}

/// The ids of an ID set as ascending, disjoint ranges, none expanded: for search filters, which may
/// name more ids than any GET takes.
pub fn ranges(text: &str) -> Result<Vec<RangeInclusive<i64>>, IdSetError> {
    let malformed = || IdSetError::Malformed(text.to_string());
    let mut ranges = text
        .split(',')
        .map(|part| {
            let (low, high) = part.split_once('-').map_or((id(part), id(part)), |(low, high)| (id(low), id(high)));
            match (low, high) {
                (Some(low), Some(high)) if low <= high => Ok(low..=high),
                _ => Err(malformed()),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    ranges.sort_by_key(|range| *range.start());
    let mut merged: Vec<RangeInclusive<i64>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if *range.start() <= last.end().saturating_add(1) => {
                *last = *last.start()..=*last.end().max(range.end());
            }
            _ => merged.push(range),
        }
    }
    Ok(merged)
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
    fn the_largest_id_ends_a_range() {
        let largest = i64::MAX.to_string();
        assert_eq!(parse(&largest, 1).unwrap().into_iter().collect::<Vec<_>>(), [i64::MAX]);
        assert_eq!(parse(&format!("{}-{largest}", i64::MAX - 1), 2).unwrap().len(), 2);
        assert_eq!(ranges(&format!("5-{largest},1-7")).unwrap(), [1..=i64::MAX]);
    }

    #[test]
    fn overlapping_ranges_merge_before_they_are_counted() {
        assert_eq!(ranges("8,1-3,2-5,7").unwrap(), [1..=5, 7..=8]);
        let many = vec!["1-200"; 5000].join(",");
        assert_eq!(parse(&many, 200).unwrap().len(), 200);
        assert!(matches!(ranges("1-3,x"), Err(IdSetError::Malformed(_))));
    }

    #[test]
    fn compact_form() {
        assert_eq!(compact(&[1, 2, 5, 8, 10, 11, 12, 320, 321]), "1-2,5,8,10-12,320-321");
        assert_eq!(get_uris("order", &[1, 2, 3, 4, 5], 2), ["/order/1-2", "/order/3-4", "/order/5"]);
        assert!(get_uris("order", &[], 200).is_empty());
    }
}
