//! Helpers shared by the property tests.

use proptest::sample::Index;

use crate::Columns;

/// `items` cut into chunks at `cuts`, each made by `columns`: one load's items in key order, as pages.
pub fn chunked<T>(items: &[T], cuts: &[Index], columns: impl Fn(&[T]) -> Columns) -> Vec<Columns> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c.index(items.len() + 1)).collect();
    at.extend([0, items.len()]);
    at.sort();
    at.dedup();
    at.windows(2).map(|w| columns(&items[w[0]..w[1]])).collect()
}
