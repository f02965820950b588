//! The catalog: products, categories and stock. Reads are here; writes are
//! only reachable through the write path.

mod read;
mod write;

pub use read::{ProductQuery, categories, category, product, product_by_barcode, products};
pub(in crate::server::services) use write::{write_category, write_product, write_stock_move};
