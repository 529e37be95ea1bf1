//! Jenks natural breaks, exact: the split of sorted values into `k` classes with the least
//! total within-class sum of squares (the Ckmeans.1d.dp dynamic program of Wang & Song).
//!
//! Written here rather than called from the `ckmeans` crate (which the tests still compare
//! against) for speed at national scale (DESIGN §9, 69,000 precincts): the crate sorts the
//! values again and fills every row of the table for every value, 11.5 ms for 5 classes of the
//! mobilisation scores on the 2-core machine. Here the values come sorted, the last row is
//! filled at the last value only, and a long row is filled in two halves on two threads:
//! 7.8 ms (BENCHMARKS.md, issue 16).
//!
//! Row `m` holds, for each `i`, the least cost of `m + 1` classes over values `0..=i` and where
//! its last class starts. The start is non-decreasing in `i` and in `m`, so each row is filled
//! by divide and conquer over `i`, each split searched only between its neighbours' starts and
//! from the row above's start.

/// Prefix sums of the values, shifted and scaled by a power of two so that the squares stay
/// well conditioned (exact scaling: the splits do not change).
struct Prefix {
    sum: Vec<f64>,
    squares: Vec<f64>,
}

impl Prefix {
    fn new(sorted: &[f64]) -> Self {
        let n = sorted.len();
        let largest = sorted[0].abs().max(sorted[n - 1].abs());
        let scale = if largest > 0.0 && largest.is_finite() {
            // The exponent of a finite f64 fits an i32.
            #[allow(clippy::cast_possible_truncation)]
            let exponent = (largest.log2().floor() as i32).max(f64::MIN_EXP - 1);
            2f64.powi(-exponent)
        } else {
            1.0
        };
        let shift = sorted[n / 2] * scale;
        let mut sum = Vec::with_capacity(n + 1);
        let mut squares = Vec::with_capacity(n + 1);
        let (mut s, mut q) = (0.0, 0.0);
        sum.push(s);
        squares.push(q);
        for &x in sorted {
            let v = x * scale - shift;
            s += v;
            q += v * v;
            sum.push(s);
            squares.push(q);
        }
        Prefix { sum, squares }
    }

    /// The least of `prev[j - 1] + cost(j..=i)` for `j` in `low..=high` (`low` ≥ 1), and the
    /// first `j` giving it.
    fn best_start(&self, prev: &[f64], i: usize, low: usize, high: usize) -> (f64, usize) {
        let (si, qi) = (self.sum[i + 1], self.squares[i + 1]);
        let sums = &self.sum[low..=high];
        let squares = &self.squares[low..=high];
        let prev = &prev[low - 1..high];
        // The class size at offset 0, shrinking by one each step.
        let mut count = (i + 1 - low) as f64;
        let mut best = (f64::INFINITY, low);
        for (offset, ((&s, &q), &p)) in sums.iter().zip(squares).zip(prev).enumerate() {
            let d = si - s;
            let within = qi - q - d * d / count;
            let cost = if within < 0.0 { 0.0 } else { within } + p;
            if cost < best.0 {
                best = (cost, low + offset);
            }
            count -= 1.0;
        }
        best
    }

    /// The cost of one class of values `0..=i`.
    fn first_class(&self, i: usize) -> f64 {
        let s = self.sum[i + 1];
        let within = self.squares[i + 1] - s * s / (i + 1) as f64;
        within.max(0.0)
    }
}

/// One row of the table being filled from the row above.
struct Row<'a> {
    prefix: &'a Prefix,
    prev: &'a [f64],
    above: &'a [usize],
    m: usize,
}

/// Below this many values a row's half is not worth a thread of its own.
const SPLIT_AT: usize = 8_192;

impl Row<'_> {
    /// Fills `cost` and `start` for values `base..base + cost.len()`, the starts lying in
    /// `starts.0..=starts.1`. A long range is split at its middle value and its two halves
    /// filled on two threads (they write apart and read only what is done).
    fn fill(&self, cost: &mut [f64], start: &mut [usize], base: usize, starts: (usize, usize)) {
        let len = cost.len();
        if len < SPLIT_AT {
            self.fill_here(cost, start, base, starts);
            return;
        }
        let mid = len / 2;
        let i = base + mid;
        let (c, j) = self.best_at(i, starts);
        cost[mid] = c;
        start[mid] = j;
        let (cost_left, cost_right) = cost.split_at_mut(mid);
        let (start_left, start_right) = start.split_at_mut(mid);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                self.fill_here(cost_left, start_left, base, (starts.0, j));
            });
            self.fill_here(
                &mut cost_right[1..],
                &mut start_right[1..],
                i + 1,
                (j, starts.1),
            );
        });
    }

    fn best_at(&self, i: usize, (low_j, high_j): (usize, usize)) -> (f64, usize) {
        let low = low_j.max(self.above[i]).max(self.m);
        let high = high_j.min(i).max(low);
        self.prefix.best_start(self.prev, i, low, high)
    }

    /// Divide and conquer over the values, on this thread.
    fn fill_here(
        &self,
        cost: &mut [f64],
        start: &mut [usize],
        base: usize,
        starts: (usize, usize),
    ) {
        if cost.is_empty() {
            return;
        }
        let mut stack = vec![(base, base + cost.len() - 1, starts.0, starts.1)];
        while let Some((low_i, high_i, low_j, high_j)) = stack.pop() {
            let i = low_i + (high_i - low_i) / 2;
            let (c, j) = self.best_at(i, (low_j, high_j));
            cost[i - base] = c;
            start[i - base] = j;
            if i > low_i {
                stack.push((low_i, i - 1, low_j, j));
            }
            if i < high_i {
                stack.push((i + 1, high_i, j, high_j));
            }
        }
    }
}

/// The index of the last value of each class, in order, for at most `k` classes of `sorted`
/// (ascending, finite); fewer when there are fewer distinct values. Empty for no values.
#[must_use]
pub fn natural_breaks(sorted: &[f64], k: usize) -> Vec<usize> {
    let n = sorted.len();
    if n == 0 || k == 0 {
        return Vec::new();
    }
    let distinct = 1 + sorted.windows(2).filter(|w| w[0] < w[1]).count();
    let k = k.min(distinct);
    if k == 1 {
        return vec![n - 1];
    }
    let prefix = Prefix::new(sorted);
    let mut prev: Vec<f64> = (0..n).map(|i| prefix.first_class(i)).collect();
    // starts[m][i]: where the last of m + 1 classes over 0..=i starts.
    let mut starts: Vec<Vec<usize>> = vec![vec![0; n]];
    for m in 1..k {
        let mut cost = vec![f64::INFINITY; n];
        let mut start = vec![m; n];
        // The last row is needed at the last value only.
        let first = if m == k - 1 { n - 1 } else { m };
        let row = Row {
            prefix: &prefix,
            prev: &prev,
            above: &starts[m - 1],
            m,
        };
        row.fill(&mut cost[first..], &mut start[first..], first, (m, n - 1));
        starts.push(start);
        prev = cost;
    }
    let mut ends = vec![0; k];
    let mut i = n - 1;
    for m in (0..k).rev() {
        ends[m] = i;
        if m > 0 {
            i = starts[m][i] - 1;
        }
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn crate_breaks(sorted: &[f64], k: usize) -> Vec<f64> {
        let (clustered, ranges) =
            ckmeans::ckmeans_indices(sorted, k.min(sorted.len()) as u8).unwrap();
        ranges.iter().map(|&(_, end)| clustered[end]).collect()
    }

    fn sse(sorted: &[f64], ends: &[usize]) -> f64 {
        let mut start = 0;
        let mut total = 0.0;
        for &end in ends {
            let class = &sorted[start..=end];
            let mean = class.iter().sum::<f64>() / class.len() as f64;
            total += class.iter().map(|v| (v - mean).powi(2)).sum::<f64>();
            start = end + 1;
        }
        total
    }

    #[test]
    fn three_clear_groups_are_found() {
        let values = [1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.2, 9.3];
        assert_eq!(natural_breaks(&values, 3), vec![2, 4, 7]);
    }

    #[test]
    fn fewer_distinct_values_than_classes_give_one_class_each() {
        assert_eq!(natural_breaks(&[2.0, 2.0, 3.0, 3.0], 5), vec![1, 3]);
        assert_eq!(natural_breaks(&[4.0; 6], 3), vec![5]);
        assert_eq!(natural_breaks(&[7.5], 3), vec![0]);
        assert!(natural_breaks(&[], 3).is_empty());
    }

    #[test]
    fn a_national_size_set_split_on_two_threads_gets_the_crate_s_breaks() {
        // Long enough for each row to be filled in two halves.
        let mut state = 7_u64;
        let mut values: Vec<f64> = (0..30_000)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                f64::from(i).sqrt() * 40.0 + (state % 10_000) as f64 * 0.05
            })
            .collect();
        values.sort_by(f64::total_cmp);
        for k in [3, 5, 7] {
            let ours: Vec<f64> = natural_breaks(&values, k)
                .iter()
                .map(|&e| values[e])
                .collect();
            assert_eq!(ours, crate_breaks(&values, k), "{k} classes");
        }
    }

    proptest! {
        #[test]
        fn the_breaks_are_those_of_the_ckmeans_crate(
            mut values in prop::collection::vec(-1.0e6_f64..1.0e6, 1..400),
            k in 3_usize..=7,
            ties in 0_usize..4,
        ) {
            // Some runs repeat values, as scores of small counts do.
            if ties > 0 {
                for v in &mut values {
                    *v = (*v / 10f64.powi(i32::try_from(ties).unwrap() + 3)).round();
                }
            }
            values.sort_by(f64::total_cmp);
            let ends = natural_breaks(&values, k);
            let ours: Vec<f64> = ends.iter().map(|&e| values[e]).collect();
            let theirs = crate_breaks(&values, k);
            if ours != theirs {
                // Equal costs may be split differently: the total must then be the same.
                let their_ends: Vec<usize> = theirs
                    .iter()
                    .map(|b| values.partition_point(|v| v <= b) - 1)
                    .collect();
                let (a, b) = (sse(&values, &ends), sse(&values, &their_ends));
                prop_assert!((a - b).abs() <= 1e-9 * b.max(1.0), "{ours:?} {theirs:?} {a} {b}");
            }
        }
    }
}
