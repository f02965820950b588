//! Writing a sale, inside the write path's transaction: the sale, its
//! lines and payments, a stock move per line (a delta, so tills selling the
//! last unit at once both count), the customer's totals and any store
//! credit. The server prices it: tax by each product's rate, totals from
//! the lines; the prices the customer paid stand.

use super::effects::{self, StockCause};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::ids::new_id;
use crate::domain::mutation::EntityKind;
use crate::domain::sale::{PricedLine, compute_totals, settle};
use crate::domain::sale_input::SaleInput;
use crate::domain::sale_record::{Sale, SoldLine};
use crate::server::db::entities::{credit, customer, payment, product, sale, sale_line};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::ledger::Ledger;
use crate::server::services::versioned::id_taken;
use crate::server::services::write_path::{Target, Written};
use chrono::Duration;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Days a customer has to pay store credit.
pub const CREDIT_DAYS: i64 = 30;

pub(in crate::server::services) async fn write_sale(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    t: &Target<'_>,
    input: SaleInput,
) -> Result<Written, AppError> {
    let store_id = t.actor.store_id;
    let employee_id = t.actor.employee_id.ok_or_else(AppError::forbidden)?;
    if sale::Entity::find_by_id(t.id)
        .count(txn)
        .await
        .or_internal()?
        > 0
    {
        return Err(id_taken(EntityKind::Sale));
    }

    // Products of this store, deleted ones too: a till that was offline may
    // sell something removed meanwhile, and the goods are still gone.
    let ids: Vec<Uuid> = input.lines.iter().map(|l| l.product_id).collect();
    let products: BTreeMap<Uuid, product::Model> = product::Entity::find()
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::Id.is_in(ids))
        .all(txn)
        .await
        .or_internal()?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut errors = FieldErrors::new();
    for (i, line) in input.lines.iter().enumerate() {
        if !products.contains_key(&line.product_id) {
            errors.insert(
                format!("lines[{i}].product_id"),
                "is not a product of this store".into(),
            );
        }
    }
    if let Some(customer_id) = input.customer_id {
        let known = customer::Entity::find_by_id(customer_id)
            .filter(customer::Column::StoreId.eq(store_id))
            .count(txn)
            .await
            .or_internal()?;
        if known == 0 {
            errors.insert(
                "customer_id".into(),
                "is not a customer of this store".into(),
            );
        }
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }

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
    let totals =
        compute_totals(&priced, input.discount_cents, ledger.prices_include_tax).map_err(|e| {
            let field = if e == crate::domain::sale::TotalsError::CartDiscount {
                "discount_cents"
            } else {
                "lines"
            };
            AppError::field(field, e.to_string())
        })?;
    let settled = settle(
        totals.total_cents,
        &input.payments,
        input.customer_id.is_some(),
    )
    .map_err(|e| AppError::field("payments", e.to_string()))?;

    let number = ledger.next_sale_number();

    sale::Entity::insert(sale::ActiveModel {
        id: Set(t.id),
        store_id: Set(store_id),
        number: Set(number),
        employee_id: Set(employee_id),
        customer_id: Set(input.customer_id),
        shift_id: Set(None),
        device_id: Set(t.actor.device_id),
        original_sale_id: Set(None),
        status: Set("completed".into()),
        payment_status: Set(settled.status.as_str().to_string()),
        payment_method: Set(settled.method.clone()),
        subtotal_cents: Set(totals.subtotal_cents),
        discount_cents: Set(totals.discount_cents),
        tax_cents: Set(totals.tax_cents),
        total_cents: Set(totals.total_cents),
        paid_cents: Set(settled.paid_cents),
        change_cents: Set(settled.change_cents),
        created_at: Set(input.created_at),
        received_at: Set(t.now),
        sync_version: Set(1),
        last_synced_at: Set(t.now),
    })
    .exec_without_returning(txn)
    .await
    .or_internal()?;

    let sold: Vec<SoldLine> = input
        .lines
        .iter()
        .zip(&totals.lines)
        .enumerate()
        .map(|(i, (l, lt))| SoldLine {
            line_no: i as i32 + 1,
            product_id: l.product_id,
            name: products[&l.product_id].name.clone(),
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            discount_cents: lt.discount_cents,
            tax_rate_bp: products[&l.product_id].tax_rate_bp,
            tax_cents: lt.tax_cents,
            total_cents: lt.total_cents,
        })
        .collect();
    let lines = sold.iter().map(|l| sale_line::ActiveModel {
        id: Set(new_id()),
        sale_id: Set(t.id),
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
    });
    sale_line::Entity::insert_many(lines)
        .exec_without_returning(txn)
        .await
        .or_internal()?;
    let payments = input.payments.iter().map(|p| payment::ActiveModel {
        id: Set(new_id()),
        sale_id: Set(t.id),
        store_id: Set(store_id),
        method: Set(p.method.as_str().to_string()),
        amount_cents: Set(p.amount_cents),
        created_at: Set(input.created_at),
    });
    payment::Entity::insert_many(payments)
        .exec_without_returning(txn)
        .await
        .or_internal()?;

    let mut feed = vec![FeedEntry {
        entity: EntityKind::Sale,
        id: t.id,
        op: FeedOp::Upsert,
        version: 1,
    }];
    let cause = StockCause {
        store_id,
        sale_id: t.id,
        employee_id,
        reason: "sale",
        at: input.created_at,
    };
    let moves: Vec<(Uuid, i64)> = input
        .lines
        .iter()
        .map(|l| (l.product_id, -l.quantity))
        .collect();
    effects::move_stock(txn, &cause, &moves, &mut feed).await?;

    if let Some(customer_id) = input.customer_id {
        let spent = (totals.total_cents, 1);
        effects::add_to_customer(txn, customer_id, spent, Some(input.created_at), &mut feed)
            .await?;

        if settled.on_credit_cents > 0 {
            let credit_id = new_id();
            credit::Entity::insert(credit::ActiveModel {
                id: Set(credit_id),
                store_id: Set(store_id),
                customer_id: Set(customer_id),
                sale_id: Set(Some(t.id)),
                amount_cents: Set(settled.on_credit_cents),
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
            })
            .exec_without_returning(txn)
            .await
            .or_internal()?;
            feed.push(FeedEntry {
                entity: EntityKind::Credit,
                id: credit_id,
                op: FeedOp::Upsert,
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
        payment_status: settled.status.as_str().to_string(),
        payment_method: settled.method.clone(),
        subtotal_cents: totals.subtotal_cents,
        discount_cents: totals.discount_cents,
        tax_cents: totals.tax_cents,
        total_cents: totals.total_cents,
        paid_cents: settled.paid_cents,
        change_cents: settled.change_cents,
        created_at: input.created_at,
        received_at: t.now,
        sync_version: 1,
        lines: sold,
        payments: input.payments,
    };
    let after = serde_json::to_value(&recorded).map_err(crate::server::error::internal)?;
    Ok(Written {
        before: None,
        after,
        version: 1,
        feed,
    })
}
