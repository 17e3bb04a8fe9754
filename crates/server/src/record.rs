//! What a store keeps of an item: its GSI key, its DynamoDB size and its JSON as the API returns it.

use tickscope_core::{EncodedItem, PageKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub key: PageKey,
    pub size: usize,
    pub json: String,
}

impl Record {
    pub fn new(key: PageKey, item: EncodedItem) -> Self {
        Self {
            key,
            size: item.size,
            json: item.json,
        }
    }
}
