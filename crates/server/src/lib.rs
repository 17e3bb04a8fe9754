//! Tickscope's API server: the original Bitstamp API (`GET /prod/bitstamp`), faithful to its answers, on an
//! embedded SQLite store with a deterministic demo data set, or on DynamoDB; and the same API as an AWS Lambda
//! function ([`lambda`], binary `tickscope-lambda`).

pub mod api;
pub mod clock;
pub mod collect;
pub mod demo;
pub mod exchange_sim;
pub mod import;
pub mod lambda;
pub mod record;
pub mod serve;
pub mod store;
pub mod tls;
