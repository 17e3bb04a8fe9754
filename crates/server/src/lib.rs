//! Tickscope's API server: the original Bitstamp API (`GET /prod/bitstamp`), faithful to its answers, on an
//! embedded SQLite store with a deterministic demo data set.

pub mod api;
pub mod demo;
pub mod import;
pub mod lambda;
pub mod record;
pub mod serve;
pub mod store;
