//! Stage 7: reader search. The tokenizer shared with the browser client, the tantivy index
//! written at build time, and queries against it for `gazette search`.

pub mod excerpt;
pub mod export;
pub mod fold;
pub mod forgive;
pub mod index;
pub mod live;
pub mod query;
pub mod recency;
pub mod suggest;
pub mod tokenize;
