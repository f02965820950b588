//! Writing sales, inside the write path's transaction: the sale, its lines
//! and payments, a stock move per line (a delta, so tills selling the last
//! unit at once both count), the customer's totals and any store credit.
//! The server prices it: tax by each product's rate, totals from the
//! lines; the prices the customer paid stand.
//!
//! Sales are written as a batch: a REST sale is a batch of one, a pushed
//! outbox a batch of up to a chunk. What the batch needs of the database is
//! read in three queries ([`Known`]), each sale is checked and priced in
//! memory, and the rows go out in one multi-row INSERT per table with one
//! stock UPDATE for every product sold (on PostgreSQL all in one statement,
//! with the ledger's rows when the group commits). So a push of 200 sales costs about
//! ten statements, not two thousand.

use super::effects::{self, StockCause};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::ids::new_id;
use crate::domain::mutation::EntityKind;
use crate::domain::sale::{PricedLine, compute_totals, tender};
use crate::domain::sale_input::SaleInput;
use crate::domain::sale_record::{Sale, SoldLine};
use crate::server::db::bulk::{Together, one_of};
use crate::server::db::entities::{
    credit, customer, payment, product, sale, sale_line, stock_move,
};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::ledger::Ledger;
use crate::server::services::stock;
use crate::server::services::versioned::id_taken;
use crate::server::services::write_path::{Target, Written};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Days a customer has to pay store credit.
pub const CREDIT_DAYS: i64 = 30;

/// What the database holds that a batch of sales is checked against.
pub(in crate::server::services) struct Known {
    products: BTreeMap<Uuid, product::Model>,
    customers: BTreeSet<Uuid>,
    /// Sale ids already recorded, in any store.
    sales: BTreeSet<Uuid>,
}

impl Known {
    /// Reads, for `sales` of the actor's store: their products (deleted
    /// ones too: a till that was offline may sell something removed
    /// meanwhile, and the goods are still gone), their customers, and
    /// which of their ids are taken.
    pub async fn load(
        txn: &DatabaseTransaction,
        store_id: Uuid,
        sales: &[(Uuid, &SaleInput)],
    ) -> Result<Known, AppError> {
        let product_ids: BTreeSet<Uuid> = sales
            .iter()
            .flat_map(|(_, s)| s.lines.iter().map(|l| l.product_id))
            .collect();
        let customer_ids: BTreeSet<Uuid> =
            sales.iter().filter_map(|(_, s)| s.customer_id).collect();
        let backend = txn.get_database_backend();
        let products = product::Entity::find()
            .filter(product::Column::StoreId.eq(store_id))
            .filter(one_of(backend, product::Column::Id, product_ids))
            .all(txn)
            .await
            .or_internal()?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let customers = if customer_ids.is_empty() {
            BTreeSet::new()
        } else {
            customer::Entity::find()
                .select_only()
                .column(customer::Column::Id)
                .filter(customer::Column::StoreId.eq(store_id))
                .filter(one_of(backend, customer::Column::Id, customer_ids))
                .into_tuple::<Uuid>()
                .all(txn)
                .await
                .or_internal()?
                .into_iter()
                .collect()
        };
        let taken = sale::Entity::find()
            .select_only()
            .column(sale::Column::Id)
            .filter(one_of(
                backend,
                sale::Column::Id,
                sales.iter().map(|(id, _)| *id),
            ))
            .into_tuple::<Uuid>()
            .all(txn)
            .await
            .or_internal()?
            .into_iter()
            .collect();
        Ok(Known {
            products,
            customers,
            sales: taken,
        })
    }
}

/// A customer's share of a batch: spent, orders, latest order.
type CustomerShare = (i64, i64, DateTime<Utc>);

/// Sales checked and priced, waiting to be written together.
#[derive(Default)]
pub(in crate::server::services) struct SaleBatch {
    ids: BTreeSet<Uuid>,
    sales: Vec<sale::ActiveModel>,
    lines: Vec<sale_line::ActiveModel>,
    payments: Vec<payment::ActiveModel>,
    moves: Vec<stock_move::ActiveModel>,
    credits: Vec<credit::ActiveModel>,
    stock: BTreeMap<Uuid, i64>,
    customers: BTreeMap<Uuid, CustomerShare>,
}

impl SaleBatch {
    /// Checks and prices one sale and adds its rows. Nothing is handed out
    /// (no sale number) unless it is accepted, so a refusal needs no undo.
    pub fn add(
        &mut self,
        ledger: &mut Ledger,
        known: &Known,
        t: &Target<'_>,
        input: SaleInput,
    ) -> Result<Written, AppError> {
        let store_id = t.actor.store_id;
        let employee_id = t.actor.employee_id.ok_or_else(AppError::forbidden)?;
        if known.sales.contains(&t.id) || self.ids.contains(&t.id) {
            return Err(id_taken(EntityKind::Sale));
        }
        let mut errors = FieldErrors::new();
        for (i, line) in input.lines.iter().enumerate() {
            if !known.products.contains_key(&line.product_id) {
                errors.insert(
                    format!("lines[{i}].product_id"),
                    "is not a product of this store".into(),
                );
            }
        }
        if let Some(customer_id) = input.customer_id
            && !known.customers.contains(&customer_id)
        {
            errors.insert(
                "customer_id".into(),
                "is not a customer of this store".into(),
            );
        }
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let products = &known.products;

        let priced: Vec<PricedLine> = input
            .lines
            .iter()
            .map(|l| PricedLine {
                quantity: l.quantity,
                unit_price_cents: l.unit_price_cents,
                discount_cents: l.discount_cents,
                tax_rate_bp: products[&l.product_id].tax_rate_bp,
            })
            .collect();
        let totals = compute_totals(&priced, input.discount_cents, ledger.prices_include_tax)
            .map_err(|e| {
                let field = if e == crate::domain::sale::TotalsError::CartDiscount {
                    "discount_cents"
                } else {
                    "lines"
                };
                AppError::field(field, e.to_string())
            })?;
        let tendered = tender(
            totals.total_cents,
            &input.payments,
            input.customer_id.is_some(),
        )
        .map_err(|e| AppError::field("payments", e.to_string()))?;

        let number = ledger.next_sale_number();
        self.ids.insert(t.id);
        self.sales.push(sale::ActiveModel {
            id: Set(t.id),
            store_id: Set(store_id),
            number: Set(number),
            employee_id: Set(employee_id),
            customer_id: Set(input.customer_id),
            shift_id: Set(None),
            device_id: Set(t.actor.device_id),
            original_sale_id: Set(None),
            status: Set("completed".into()),
            payment_status: Set(tendered.status.as_str().to_string()),
            payment_method: Set(tendered.method.clone()),
            subtotal_cents: Set(totals.subtotal_cents),
            discount_cents: Set(totals.discount_cents),
            tax_cents: Set(totals.tax_cents),
            total_cents: Set(totals.total_cents),
            paid_cents: Set(tendered.paid_cents),
            change_cents: Set(tendered.change_cents),
            created_at: Set(input.created_at),
            received_at: Set(t.now),
            sync_version: Set(1),
            last_synced_at: Set(t.now),
        });

        let sold: Vec<SoldLine> = input
            .lines
            .iter()
            .zip(priced.iter().zip(&totals.lines))
            .enumerate()
            .map(|(i, (l, (p, lt)))| {
                let name = products[&l.product_id].name.clone();
                SoldLine::priced(i, l.product_id, name, p, lt)
            })
            .collect();
        self.lines
            .extend(sold.iter().map(|l| line_row(t.id, store_id, l)));
        self.payments
            .extend(input.payments.iter().map(|p| payment::ActiveModel {
                id: Set(new_id()),
                sale_id: Set(t.id),
                store_id: Set(store_id),
                method: Set(p.method.as_str().to_string()),
                amount_cents: Set(p.amount_cents),
                created_at: Set(input.created_at),
            }));
        let cause = StockCause {
            store_id,
            sale_id: t.id,
            employee_id,
            reason: "sale",
            at: input.created_at,
        };
        for line in &input.lines {
            self.moves.push(effects::stock_move_row(
                &cause,
                line.product_id,
                -line.quantity,
            ));
            *self.stock.entry(line.product_id).or_default() -= line.quantity;
        }

        let mut feed = vec![FeedEntry {
            entity: EntityKind::Sale,
            id: t.id,
            op: FeedOp::Create,
            version: 1,
        }];
        if let Some(customer_id) = input.customer_id {
            let share = self
                .customers
                .entry(customer_id)
                .or_insert((0, 0, input.created_at));
            share.0 += totals.total_cents;
            share.1 += 1;
            share.2 = share.2.max(input.created_at);
            if tendered.on_credit_cents > 0 {
                let credit_id = new_id();
                self.credits.push(credit::ActiveModel {
                    id: Set(credit_id),
                    store_id: Set(store_id),
                    customer_id: Set(customer_id),
                    sale_id: Set(Some(t.id)),
                    amount_cents: Set(tendered.on_credit_cents),
                    paid_cents: Set(0),
                    status: Set("pending".into()),
                    due_date: Set(Some(
                        (input.created_at + Duration::days(CREDIT_DAYS)).date_naive(),
                    )),
                    paid_at: Set(None),
                    created_at: Set(t.now),
                    updated_at: Set(t.now),
                    deleted_at: Set(None),
                    sync_version: Set(1),
                    last_synced_at: Set(t.now),
                });
                feed.push(FeedEntry {
                    entity: EntityKind::Credit,
                    id: credit_id,
                    op: FeedOp::Create,
                    version: 1,
                });
            }
        }

        // The sale as it is stored, so the audit entry is the whole receipt
        // and the caller need not read it back.
        let recorded = Sale {
            id: t.id,
            number,
            employee_id,
            employee_name: t.actor.employee_name.clone().unwrap_or_default(),
            customer_id: input.customer_id,
            customer_name: None,
            original_sale_id: None,
            status: "completed".into(),
            payment_status: tendered.status.as_str().to_string(),
            payment_method: tendered.method.clone(),
            subtotal_cents: totals.subtotal_cents,
            discount_cents: totals.discount_cents,
            tax_cents: totals.tax_cents,
            total_cents: totals.total_cents,
            paid_cents: tendered.paid_cents,
            change_cents: tendered.change_cents,
            created_at: input.created_at,
            received_at: t.now,
            sync_version: 1,
            lines: sold,
            payments: input.payments,
        };
        let after = serde_json::to_value(&recorded).map_err(crate::server::error::internal)?;
        Ok(Written {
            carried: None,
            before: None,
            after,
            version: 1,
            feed,
        })
    }

    /// Adds every added sale's rows to `rows` (written when the caller
    /// writes them, on PostgreSQL) and updates its customers; the feed
    /// entries of the products and customers they change. An error here is
    /// the database's, and the caller's transaction must not commit.
    pub async fn stage(
        self,
        txn: &DatabaseTransaction,
        known: &Known,
        rows: &mut Together,
    ) -> Result<Vec<FeedEntry>, AppError> {
        rows.rows(txn, self.sales).await.or_internal()?;
        rows.rows(txn, self.lines).await.or_internal()?;
        rows.rows(txn, self.payments).await.or_internal()?;
        rows.rows(txn, self.moves).await.or_internal()?;
        rows.rows(txn, self.credits).await.or_internal()?;
        let mut feed = Vec::new();
        stock::stage_on_hand(
            txn.get_database_backend(),
            rows,
            &self.stock,
            &known.products,
            &mut feed,
        )?;
        for (customer_id, (spent, orders, at)) in self.customers {
            effects::add_to_customer(txn, customer_id, (spent, orders), Some(at), &mut feed)
                .await?;
        }
        Ok(feed)
    }
}

/// The stored row of line `l` of sale `sale_id` (a refund's are negative).
pub(super) fn line_row(sale_id: Uuid, store_id: Uuid, l: &SoldLine) -> sale_line::ActiveModel {
    sale_line::ActiveModel {
        id: Set(new_id()),
        sale_id: Set(sale_id),
        store_id: Set(store_id),
        line_no: Set(l.line_no),
        product_id: Set(l.product_id),
        name: Set(l.name.clone()),
        quantity: Set(l.quantity),
        unit_price_cents: Set(l.unit_price_cents),
        discount_cents: Set(l.discount_cents),
        tax_rate_bp: Set(l.tax_rate_bp),
        tax_cents: Set(l.tax_cents),
        total_cents: Set(l.total_cents),
    }
}

impl From<&sale_line::Model> for SoldLine {
    fn from(l: &sale_line::Model) -> SoldLine {
        SoldLine {
            line_no: l.line_no,
            product_id: l.product_id,
            name: l.name.clone(),
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            discount_cents: l.discount_cents,
            tax_rate_bp: l.tax_rate_bp,
            tax_cents: l.tax_cents,
            total_cents: l.total_cents,
        }
    }
}

/// One sale on its own (the REST API): a batch of one.
pub(in crate::server::services) async fn write_sale(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    t: &Target<'_>,
    input: SaleInput,
) -> Result<Written, AppError> {
    let known = Known::load(txn, t.actor.store_id, &[(t.id, &input)]).await?;
    let mut batch = SaleBatch::default();
    let mut written = batch.add(ledger, &known, t, input)?;
    let mut rows = Together::new();
    written
        .feed
        .extend(batch.stage(txn, &known, &mut rows).await?);
    rows.write(txn, None).await.or_internal()?;
    Ok(written)
}
