//! Traditional → Simplified folding, character by character, applied by the search tokenizer's
//! `normalize` to both the indexed text and the query, so 勞動者 finds 劳动者 and a Traditional
//! article is found by a Simplified query.
//!
//! The table, `ts-fold.txt`, is derived from OpenCC's `TSCharacters.txt` (Apache-2.0, see its
//! header and `LICENSE-OpenCC.txt`) by `scripts/gen-fold-table.mjs`: each Traditional character
//! maps to OpenCC's default Simplified character, except characters that are themselves
//! Simplified (a candidate of some line): 乾 (干 or 乾, as in 乾隆), 於 (于 or the surname 於),
//! 夥, 徵, 昇 and 15 more stay as they are, since folding them would merge words Simplified
//! text keeps apart. 著 is not in the dictionary (OpenCC converts it only inside phrases) and
//! stays too; 後 → 后 is folded. Character level is enough for search: both sides fold the same
//! way, and a phrase-level converter would make the index depend on word segmentation.
//!
//! The build exports the same table for the browser (`search/fold.*.json`), which fetches it
//! only for a query holding a character it maps.

use std::sync::OnceLock;

/// The table as shipped: `#` comment lines, then `source<TAB>target` per line.
pub const TABLE: &str = include_str!("ts-fold.txt");

/// Lowest and one past the highest code point of the dense part of the table (CJK Extension
/// A and the Unified Ideographs block), where nearly every source lies.
const DENSE: (u32, u32) = (0x3400, 0xA000);

struct Fold {
    /// Target per code point in [`DENSE`] (`'\0'` when unmapped): one array read per Han
    /// character keeps indexing as fast as before folding.
    dense: Vec<char>,
    /// Every pair, sorted by source; searched for sources outside [`DENSE`].
    pairs: Vec<(char, char)>,
}

fn table() -> &'static Fold {
    static FOLD: OnceLock<Fold> = OnceLock::new();
    FOLD.get_or_init(|| {
        let pairs = parse(TABLE);
        let mut dense = vec!['\0'; (DENSE.1 - DENSE.0) as usize];
        for &(s, t) in &pairs {
            if let Some(slot) = (s as u32).checked_sub(DENSE.0).and_then(|i| dense.get_mut(i as usize)) {
                *slot = t;
            }
        }
        Fold { dense, pairs }
    })
}

/// The pairs of a table in `ts-fold.txt`'s format, sorted by source; lines that are not one
/// character, a tab and one character are skipped (a test checks there are none).
fn parse(text: &str) -> Vec<(char, char)> {
    let mut pairs: Vec<(char, char)> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut c = l.chars();
            match (c.next(), c.next(), c.next(), c.next()) {
                (Some(s), Some('\t'), Some(t), None) => Some((s, t)),
                _ => None,
            }
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    pairs
}

/// Every (Traditional, Simplified) pair, sorted by the Traditional character.
pub fn pairs() -> &'static [(char, char)] {
    &table().pairs
}

/// The Simplified form of `c`, or `c`.
pub fn fold(c: char) -> char {
    let cp = c as u32;
    if cp < DENSE.0 {
        return c;
    }
    let t = table();
    if cp < DENSE.1 {
        let f = t.dense[(cp - DENSE.0) as usize];
        return if f == '\0' { c } else { f };
    }
    t.pairs.binary_search_by_key(&c, |p| p.0).map(|i| t.pairs[i].1).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_table_is_a_pair() {
        let lines = TABLE.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(pairs().len(), lines);
        assert!(lines > 3000, "{lines}");
        let count = format!("# {lines} pairs,");
        assert!(TABLE.lines().any(|l| l.starts_with(&count)), "the header states the count");
    }

    #[test]
    fn common_traditional_characters_fold_and_simplified_ones_stay() {
        let folded: String = "勞動者職工技能競賽開線後麼臺灣".chars().map(fold).collect();
        assert_eq!(folded, "劳动者职工技能竞赛开线后么台湾");
        for c in "乾著劳动者职工干于后么台".chars() {
            assert_eq!(fold(c), c, "{c}");
        }
        // Simplified only as rare variants, folded all the same (位於, 特徵, 夥伴, 昇).
        assert_eq!("於徵夥昇".chars().map(fold).collect::<String>(), "于征伙升");
    }

    #[test]
    fn no_target_is_a_source_so_folding_is_idempotent() {
        for &(s, t) in pairs() {
            assert_ne!(s, t);
            assert_eq!(fold(t), t, "{s} → {t} → {}", fold(t));
            assert_eq!(fold(s), t);
        }
    }
}
