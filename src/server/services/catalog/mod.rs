//! The catalog: products and categories, read scoped to the store. Their
//! writes are record kinds (`services::kinds`), reached only through the
//! write path.

mod read;

pub use read::{ProductQuery, categories, category, product, product_by_barcode, products};
pub(in crate::server::services) use read::{live_categories, live_products};
