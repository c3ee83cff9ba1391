//! Recency in ranking: fresh news first unless an old article is clearly more relevant.
//!
//! A result's score is its BM25 score times a per-document factor
//!
//! ```text
//! f = 1 + weight × 0.5^(age_days / half_life_days)
//! ```
//!
//! where the age is counted back from the newest dated page of the site, not from the clock:
//! two builds of the same content rank alike, and `gazette search` and the browser client
//! agree whenever they run. Undated pages (the knowledge base) get `f = 1`. With the default
//! weight 1 and half-life 365 days the newest article counts double, one a year older 1.5
//! times, so a newer article wins among equally good matches while an old one that matches
//! in its title and body still beats a new one that mentions the words once.
//!
//! The factor is computed here once per document in `f64`, quantised to [`STEPS`] steps per
//! unit and rounded to `f32`; both sides multiply by that same `f32`. `gazette search` reads it
//! from a fast field of the tantivy index, the browser from a run-length table in
//! `entry.json` ([`table`]): documents are numbered oldest first, so neighbouring numbers
//! share a factor, and five years of news at the defaults make some 250 runs. Written as
//! differences of integers they cost 1.3 KB (250 bytes gzip'd) at 10,000 articles, against
//! 2.8 KB (1.2 KB) as `[first_doc, factor]` pairs.

use super::index::SearchDoc;
use crate::config::SearchConfig;

/// Quantisation of the factor: steps of 1/256. Coarse enough that the table in `entry.json`
/// stays small (a run per step, at most `256 × weight` runs), fine enough that two articles a
/// day apart still differ when the half-life is short.
pub const STEPS: f64 = 256.0;
/// The largest `search.recency_weight` accepted: beyond it the factor would swamp relevance
/// entirely.
pub const MAX_WEIGHT: f64 = 100.0;
const DAY: f64 = 86_400.0;

/// The factor of a page `age_days` older than the newest, quantised and rounded to `f32`.
pub fn factor(age_days: f64, half_life_days: f64, weight: f64) -> f32 {
    if half_life_days <= 0.0 || weight <= 0.0 || !half_life_days.is_finite() || !weight.is_finite() {
        return 1.0;
    }
    let f = 1.0 + weight * 0.5f64.powf(age_days.max(0.0) / half_life_days);
    ((f * STEPS).round() / STEPS) as f32
}

/// Sets each document's [`SearchDoc::boost`] from its date and the site's newest date.
pub fn apply(docs: &mut [SearchDoc], config: &SearchConfig) {
    let dated = |d: &SearchDoc| !d.ymd.is_empty();
    let newest = docs.iter().filter(|d| dated(d)).map(|d| d.date).max();
    for d in docs.iter_mut() {
        d.boost = match newest {
            Some(newest) if dated(d) => {
                let age = (newest - d.date) as f64 / DAY;
                factor(age, config.recency_half_life_days, config.recency_weight)
            }
            _ => 1.0,
        };
    }
}

/// The browser's copy of the factors: `{"steps": STEPS, "runs": [d₁, k₁, d₂, k₂, …]}`, the runs
/// of equal factors in doc-number order as differences from the previous run (from 0, 0): run
/// *i* starts at doc `d₁ + … + dᵢ` with the factor `(k₁ + … + kᵢ) / STEPS` (exact in `f32`).
pub fn table(docs: &[SearchDoc]) -> serde_json::Value {
    let mut by_num: Vec<(u64, u64)> =
        docs.iter().map(|d| (d.num, (f64::from(d.boost) * STEPS).round() as u64)).collect();
    by_num.sort_by_key(|x| x.0);
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for (num, k) in by_num {
        if runs.last().is_none_or(|last| last.1 != k) {
            runs.push((num, k));
        }
    }
    let mut flat: Vec<i64> = Vec::with_capacity(runs.len() * 2);
    let (mut num, mut k) = (0i64, 0i64);
    for (n, f) in runs {
        let (n, f) = (n as i64, f as i64);
        flat.extend([n - num, f - k]);
        (num, k) = (n, f);
    }
    serde_json::json!({ "steps": STEPS as u64, "runs": flat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_every_half_life_and_is_quantised() {
        assert_eq!(factor(0.0, 365.0, 1.0), 2.0);
        assert_eq!(factor(365.0, 365.0, 1.0), 1.5);
        assert_eq!(factor(730.0, 365.0, 1.0), 1.25);
        assert_eq!(factor(100_000.0, 365.0, 1.0), 1.0);
        let f = factor(10.0, 365.0, 1.0);
        assert_eq!((f64::from(f) * STEPS).fract(), 0.0, "{f} is a multiple of 1/256");
        assert!(f < 2.0 && f > 1.9);
    }

    #[test]
    fn zero_turns_it_off() {
        assert_eq!(factor(0.0, 0.0, 1.0), 1.0);
        assert_eq!(factor(0.0, 365.0, 0.0), 1.0);
    }
}
