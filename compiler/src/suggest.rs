//! Did-you-mean: the closest candidate by edit distance, if it is close enough to help.

/// The candidate closest to `wanted`, ignoring case, within a third of its length.
pub fn closest<I, S>(wanted: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&wanted_lower, &c.as_ref().to_lowercase()), c.as_ref().to_string()))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_near_misses_only() {
        let fields = ["SOPNUMBE", "SOPTYPE", "CUSTNMBR"];
        assert_eq!(closest("SOPNUMBER", fields).as_deref(), Some("SOPNUMBE"));
        assert_eq!(closest("custnmbr", fields).as_deref(), Some("CUSTNMBR"));
        assert_eq!(closest("FREIGHT", fields), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
