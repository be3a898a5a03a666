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

/// Edit distance over characters, a swap of two neighbours counting as one edit (`bacth` -> `batch`).
pub fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut previous: Vec<usize> = Vec::new();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut next = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            next[j] = (row[j] + 1).min(next[j - 1] + 1).min(row[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                next[j] = next[j].min(previous[j - 2] + 1);
            }
        }
        previous = std::mem::replace(&mut row, next);
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
        assert_eq!(distance("bacth", "batch"), 1);
        assert_eq!(closest("bacth", ["batch", "bank"]).as_deref(), Some("batch"));
    }
}
