//! Employees, read scoped to the store. Hiring, editing, switching off and
//! PIN resets are changes of a record kind (`kinds::employee`).

use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::Action;
use crate::domain::staff::Employee;
use crate::server::db::entities::employee;
use crate::server::error::DbResultExt;
use crate::server::services::Actor;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The store's people that are not deleted.
pub(in crate::server::services) fn live_employees(
    store_id: Uuid,
) -> sea_orm::Select<employee::Entity> {
    employee::Entity::find()
        .filter(employee::Column::StoreId.eq(store_id))
        .filter(employee::Column::DeletedAt.is_null())
}

/// The store's people, active first, by name.
pub async fn employees(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<Employee>, AppError> {
    actor.must_on(EntityKind::Employee, Action::Read)?;
    Ok(live_employees(actor.store_id)
        .order_by_desc(employee::Column::Active)
        .order_by_asc(employee::Column::Name)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(Employee::from)
        .collect())
}

pub async fn employee(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Employee, AppError> {
    actor.must_on(EntityKind::Employee, Action::Read)?;
    live_employees(actor.store_id)
        .filter(employee::Column::Id.eq(id))
        .one(db)
        .await
        .or_internal()?
        .map(Employee::from)
        .ok_or_else(|| AppError::not_found("employee"))
}
