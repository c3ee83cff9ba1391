//! The search index of `gazette serve`, updated in place after body-only edits: tantivy
//! deletes the edited documents and adds them again, and the export encodes again only the
//! terms those documents held or hold ([`export::State::update`]). The files equal those of
//! a fresh index and export of the same documents; a full rebuild replaces this state.

use super::export::{self, Files};
use super::index::{self, Fields, SearchDoc};
use crate::model::Site;
use std::path::Path;
use tantivy::{IndexReader, IndexWriter, ReloadPolicy, Term};

/// An installed index open for writing, with its export.
pub struct Live {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
    docs: Vec<SearchDoc>,
    state: export::State,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").field("docs", &self.docs.len()).finish_non_exhaustive()
    }
}

impl Live {
    /// Opens the index installed in `dir`, exported as `state` from `docs`.
    pub fn open(dir: &Path, docs: Vec<SearchDoc>, state: export::State) -> Result<Live, String> {
        let err = |e: tantivy::TantivyError| format!("cannot open the search index for updates: {e}");
        let (index, fields) = index::open(dir).map_err(err)?;
        // One thread and a small arena: a few documents per update.
        let writer = index.writer_with_num_threads(1, 15_000_000).map_err(err)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(err)?;
        Ok(Live { writer, reader, fields, docs, state })
    }

    /// Stops writing, waiting for background merges, so the folder can be replaced.
    pub fn close(self) {
        if let Err(e) = self.writer.wait_merging_threads() {
            eprintln!("warning: the search index was still merging: {e}");
        }
    }

    /// The index folder's documents and the export updated to `site`, whose pages differ from
    /// the last export's at most in their bodies. `None` when more than bodies changed: the
    /// caller exports from scratch.
    pub fn update(&mut self, site: &Site) -> Option<Result<Files, String>> {
        let mut docs = index::documents(site);
        if docs.len() != self.docs.len() {
            return None;
        }
        // The recency factors follow from the dates and the config: a page whose date
        // changed fails the comparison below, and a config change rebuilds everything.
        for (new, old) in docs.iter_mut().zip(&self.docs) {
            new.boost = old.boost;
        }
        let without_body = |d: &SearchDoc| SearchDoc { body: String::new(), ..d.clone() };
        let mut changed = Vec::new();
        for (old, new) in self.docs.iter().zip(&docs) {
            if old != new {
                if without_body(old) != without_body(new) {
                    return None;
                }
                changed.push((old, new));
            }
        }
        let Live { writer, reader, fields, state, .. } = self;
        let err = |e: tantivy::TantivyError| format!("cannot update the search index: {e}");
        let mut apply = || -> Result<Files, String> {
            for (_, new) in &changed {
                writer.delete_term(Term::from_field_u64(fields.num, new.num));
                writer.add_document(index::document(fields, new)).map_err(err)?;
            }
            writer.commit().map_err(err)?;
            reader.reload().map_err(err)?;
            state.update(&reader.searcher(), [fields.title, fields.body, fields.tags], &changed, &docs)
        };
        let result = apply();
        drop(changed);
        self.docs = docs;
        Some(result)
    }
}
