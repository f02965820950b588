//! Refunds and voids: a new sale record (status "refunded" or "voided")
//! pointing at the original, with negative amounts, its stock moves back
//! into stock, and the customer's spending reduced. The original is never
//! edited. A refund pays back some lines in cash or to card; a void undoes
//! the whole untouched sale the way it was paid, store credit included.

use super::effects::{self, StockCause};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::ids::new_id;
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::Action;
use crate::domain::sale::refund_share;
use crate::domain::sale_input::RefundInput;
use crate::domain::sale_record::SoldLine;
use crate::server::db::bulk::one_of;
use crate::server::db::entities::{credit, payment, sale, sale_line};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::ledger::Ledger;
use crate::server::services::versioned::id_taken;
use crate::server::services::write_path::{Target, Written};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use std::collections::BTreeMap;

/// What earlier refunds already returned of one line.
#[derive(Default)]
struct Returned {
    units: i64,
    total: i64,
    tax: i64,
    discount: i64,
}

pub(in crate::server::services) async fn write_refund(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    t: &Target<'_>,
    input: RefundInput,
) -> Result<Written, AppError> {
    let action = if input.void {
        Action::Void
    } else {
        Action::Refund
    };
    t.actor.must_on(EntityKind::Sale, action)?;
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
    let original = sale::Entity::find_by_id(input.refund_of)
        .filter(sale::Column::StoreId.eq(store_id))
        .one(txn)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("sale"))?;
    if original.status != "completed" || original.original_sale_id.is_some() {
        return Err(AppError::field(
            "refund_of",
            "only a completed sale can be refunded",
        ));
    }
    if original.payment_status != "paid" && !input.void {
        return Err(AppError::field(
            "refund_of",
            "a sale on store credit is undone with a void, not a refund",
        ));
    }
    let sold = sale_line::Entity::find()
        .filter(sale_line::Column::SaleId.eq(original.id))
        .all(txn)
        .await
        .or_internal()?;
    let earlier: Vec<sale::Model> = sale::Entity::find()
        .filter(sale::Column::OriginalSaleId.eq(original.id))
        .all(txn)
        .await
        .or_internal()?;
    let earlier_lines = sale_line::Entity::find()
        .filter(one_of(
            txn.get_database_backend(),
            sale_line::Column::SaleId,
            earlier.iter().map(|s| s.id),
        ))
        .all(txn)
        .await
        .or_internal()?;
    if input.void && !earlier.is_empty() {
        return Err(AppError::field(
            "refund_of",
            "part of this sale was already refunded; refund the rest instead",
        ));
    }
    let mut returned: BTreeMap<i32, Returned> = BTreeMap::new();
    for l in earlier_lines {
        let r = returned.entry(l.line_no).or_default();
        r.units -= l.quantity;
        r.total -= l.total_cents;
        r.tax -= l.tax_cents;
        r.discount -= l.discount_cents;
    }
    let left =
        |line_no: i32, quantity: i64| quantity - returned.get(&line_no).map_or(0, |r| r.units);
    let wanted: Vec<(i32, i64)> = match &input.lines {
        Some(lines) => lines.clone(),
        None => sold
            .iter()
            .map(|l| (l.line_no, left(l.line_no, l.quantity)))
            .filter(|(_, q)| *q > 0)
            .collect(),
    };
    let mut errors = FieldErrors::new();
    for (i, (line_no, quantity)) in wanted.iter().enumerate() {
        match sold.iter().find(|l| l.line_no == *line_no) {
            None => {
                errors.insert(
                    format!("lines[{i}].line_no"),
                    "is not a line of this sale".into(),
                );
            }
            Some(l) if *quantity > left(l.line_no, l.quantity) => {
                errors.insert(
                    format!("lines[{i}].quantity"),
                    format!("only {} left to refund", left(l.line_no, l.quantity)),
                );
            }
            Some(_) => {}
        }
    }
    if wanted.is_empty() {
        errors.insert(
            "lines".into(),
            "nothing is left to refund on this sale".into(),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }

    let mut feed = vec![FeedEntry {
        entity: EntityKind::Sale,
        id: t.id,
        op: FeedOp::Create,
        version: 1,
    }];
    if input.void {
        cancel_credit(txn, t, original.id, &mut feed).await?;
    }
    let number = ledger.next_sale_number();

    let mut lines = Vec::new();
    let (mut subtotal, mut discount, mut tax, mut total) = (0i64, 0i64, 0i64, 0i64);
    for (line_no, quantity) in &wanted {
        let l = sold
            .iter()
            .find(|l| l.line_no == *line_no)
            .ok_or_else(AppError::internal)?;
        let before = returned.get(line_no);
        let (units, r_total, r_tax, r_discount) =
            before.map_or((0, 0, 0, 0), |r| (r.units, r.total, r.tax, r.discount));
        let line_total = refund_share(l.total_cents, l.quantity, units, r_total, *quantity);
        let line_tax = refund_share(l.tax_cents, l.quantity, units, r_tax, *quantity);
        let line_discount =
            refund_share(l.discount_cents, l.quantity, units, r_discount, *quantity);
        subtotal += quantity * l.unit_price_cents;
        discount += line_discount;
        tax += line_tax;
        total += line_total;
        let returned = SoldLine {
            quantity: -quantity,
            discount_cents: -line_discount,
            tax_cents: -line_tax,
            total_cents: -line_total,
            ..SoldLine::from(l)
        };
        lines.push(super::write::line_row(t.id, store_id, &returned));
    }
    let method = if input.void {
        original.payment_method.clone()
    } else {
        serde_json::to_value(input.method)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let payments = if input.void {
        paid_back(txn, &original).await?
    } else {
        vec![(method.clone(), -total)]
    };
    sale::Entity::insert(sale::ActiveModel {
        id: Set(t.id),
        store_id: Set(store_id),
        number: Set(number),
        employee_id: Set(employee_id),
        customer_id: Set(original.customer_id),
        shift_id: Set(None),
        device_id: Set(t.actor.device_id),
        original_sale_id: Set(Some(original.id)),
        status: Set(if input.void { "voided" } else { "refunded" }.into()),
        payment_status: Set("paid".into()),
        payment_method: Set(method.clone()),
        subtotal_cents: Set(-subtotal),
        discount_cents: Set(-discount),
        tax_cents: Set(-tax),
        total_cents: Set(-total),
        paid_cents: Set(-total),
        change_cents: Set(0),
        created_at: Set(input.created_at),
        received_at: Set(t.now),
        sync_version: Set(1),
        last_synced_at: Set(t.now),
    })
    .exec_without_returning(txn)
    .await
    .or_internal()?;
    sale_line::Entity::insert_many(lines)
        .exec_without_returning(txn)
        .await
        .or_internal()?;
    payment::Entity::insert_many(payments.into_iter().map(|(method, amount)| {
        payment::ActiveModel {
            id: Set(new_id()),
            sale_id: Set(t.id),
            store_id: Set(store_id),
            method: Set(method),
            amount_cents: Set(amount),
            created_at: Set(input.created_at),
        }
    }))
    .exec_without_returning(txn)
    .await
    .or_internal()?;

    let moves: Vec<(uuid::Uuid, i64)> = wanted
        .iter()
        .filter_map(|(line_no, quantity)| {
            sold.iter()
                .find(|l| l.line_no == *line_no)
                .map(|l| (l.product_id, *quantity))
        })
        .collect();
    let cause = StockCause {
        store_id,
        sale_id: t.id,
        employee_id,
        reason: "returned",
        at: input.created_at,
    };
    effects::move_stock(txn, &cause, &moves, &mut feed).await?;
    if let Some(customer_id) = original.customer_id {
        // A void takes the order off the customer's count; a refund leaves
        // the visit counted.
        let orders = if input.void { -1 } else { 0 };
        effects::add_to_customer(txn, customer_id, (-total, orders), None, &mut feed).await?;
    }
    let after = serde_json::json!({
        "refund_of": original.id,
        "number": number,
        "lines": wanted,
        "total_cents": -total,
        "method": method,
        "void": input.void,
    });
    Ok(Written {
        carried: None,
        before: None,
        after,
        version: 1,
        feed,
    })
}

/// How a void pays back: each of the original's payments reversed, cash
/// net of the change that was handed out.
async fn paid_back(
    txn: &DatabaseTransaction,
    original: &sale::Model,
) -> Result<Vec<(String, i64)>, AppError> {
    let paid = payment::Entity::find()
        .filter(payment::Column::SaleId.eq(original.id))
        .all(txn)
        .await
        .or_internal()?;
    let mut change = original.change_cents;
    Ok(paid
        .into_iter()
        .map(|p| {
            let mut amount = p.amount_cents;
            if p.method == "cash" && change > 0 {
                let taken = change.min(amount);
                amount -= taken;
                change -= taken;
            }
            (p.method, -amount)
        })
        .filter(|(_, amount)| *amount != 0)
        .collect())
}

/// A voided sale's store credit is owed no more: it is removed, unless the
/// customer has already paid some of it (then the void is refused).
async fn cancel_credit(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    sale_id: uuid::Uuid,
    feed: &mut Vec<FeedEntry>,
) -> Result<(), AppError> {
    let Some(owed) = credit::Entity::find()
        .filter(credit::Column::SaleId.eq(sale_id))
        .filter(credit::Column::DeletedAt.is_null())
        .one(txn)
        .await
        .or_internal()?
    else {
        return Ok(());
    };
    if owed.paid_cents > 0 {
        return Err(AppError::field(
            "refund_of",
            "the customer has paid some of this sale's store credit; it cannot be voided",
        ));
    }
    let version = owed.sync_version + 1;
    credit::Entity::update_many()
        .col_expr(credit::Column::DeletedAt, Expr::value(t.now))
        .col_expr(credit::Column::SyncVersion, Expr::value(version))
        .col_expr(credit::Column::LastSyncedAt, Expr::value(t.now))
        .col_expr(credit::Column::UpdatedAt, Expr::value(t.now))
        .filter(credit::Column::Id.eq(owed.id))
        .filter(credit::Column::PaidCents.eq(0))
        .exec(txn)
        .await
        .or_internal()?;
    feed.push(FeedEntry {
        entity: EntityKind::Credit,
        id: owed.id,
        op: FeedOp::Delete,
        version,
    });
    Ok(())
}
