//! A sale's lines, payments and stock moves reference their sale and
//! product together with their store (PostgreSQL).
//!
//! Each row a sale writes was checked against three or four foreign keys:
//! its sale, its product, its store, its employee. In the checkout
//! benchmark those checks were half the time of the statement that writes
//! a group of sales (PostgreSQL runs one lookup per key per row). A key of
//! two columns, `(sale_id, store_id)` to `sales (id, store_id)` and
//! `(product_id, store_id)` to `products (id, store_id)`, is one lookup
//! where there were two, and it says more: a line, a payment or a stock
//! move can only name a sale or a product of its own store. The store's
//! own key is then implied (the sale or product it names belongs to an
//! existing store), so it goes. 6.5 lookups fewer per sale of the
//! benchmark's shape (2.5 lines, 1.5 payments), for one more index entry.
//!
//! SQLite cannot change a table's keys without copying the table, and
//! checks a key with a direct index probe that costs next to nothing; its
//! tables keep their single-column keys. The store scoping the new keys
//! enforce is the write path's on both backends (every product a sale
//! names is read with the actor's store).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 5] = [
    "CREATE UNIQUE INDEX sales_id_store ON sales (id, store_id)",
    "CREATE UNIQUE INDEX products_id_store ON products (id, store_id)",
    "ALTER TABLE sale_lines \
       DROP CONSTRAINT sale_lines_sale_id_fkey, \
       DROP CONSTRAINT sale_lines_store_id_fkey, \
       DROP CONSTRAINT sale_lines_product_id_fkey, \
       ADD CONSTRAINT sale_lines_sale_store_fkey \
         FOREIGN KEY (sale_id, store_id) REFERENCES sales (id, store_id), \
       ADD CONSTRAINT sale_lines_product_store_fkey \
         FOREIGN KEY (product_id, store_id) REFERENCES products (id, store_id)",
    "ALTER TABLE payments \
       DROP CONSTRAINT payments_sale_id_fkey, \
       DROP CONSTRAINT payments_store_id_fkey, \
       ADD CONSTRAINT payments_sale_store_fkey \
         FOREIGN KEY (sale_id, store_id) REFERENCES sales (id, store_id)",
    // A stock move of no sale (a count, a delivery) has a null `sale_id`,
    // and a key with a null column is not checked: its product still is.
    "ALTER TABLE stock_moves \
       DROP CONSTRAINT stock_moves_store_id_fkey, \
       DROP CONSTRAINT stock_moves_product_id_fkey, \
       DROP CONSTRAINT stock_moves_sale_id_fkey, \
       ADD CONSTRAINT stock_moves_product_store_fkey \
         FOREIGN KEY (product_id, store_id) REFERENCES products (id, store_id), \
       ADD CONSTRAINT stock_moves_sale_store_fkey \
         FOREIGN KEY (sale_id, store_id) REFERENCES sales (id, store_id)",
];

const DOWN: [&str; 5] = [
    "ALTER TABLE stock_moves \
       DROP CONSTRAINT stock_moves_product_store_fkey, \
       DROP CONSTRAINT stock_moves_sale_store_fkey, \
       ADD CONSTRAINT stock_moves_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores (id), \
       ADD CONSTRAINT stock_moves_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id), \
       ADD CONSTRAINT stock_moves_sale_id_fkey FOREIGN KEY (sale_id) REFERENCES sales (id)",
    "ALTER TABLE payments \
       DROP CONSTRAINT payments_sale_store_fkey, \
       ADD CONSTRAINT payments_sale_id_fkey FOREIGN KEY (sale_id) REFERENCES sales (id), \
       ADD CONSTRAINT payments_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores (id)",
    "ALTER TABLE sale_lines \
       DROP CONSTRAINT sale_lines_sale_store_fkey, \
       DROP CONSTRAINT sale_lines_product_store_fkey, \
       ADD CONSTRAINT sale_lines_sale_id_fkey FOREIGN KEY (sale_id) REFERENCES sales (id), \
       ADD CONSTRAINT sale_lines_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores (id), \
       ADD CONSTRAINT sale_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)",
    "DROP INDEX products_id_store",
    "DROP INDEX sales_id_store",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::on_postgres(manager, &UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::on_postgres(manager, &DOWN).await
    }
}
