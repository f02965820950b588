//! Demo data for a first run: two stores, their people, a catalog with
//! stock, and customers. Everything is written through the write path, so
//! the demo has the same change feed and audit trail as real use.

use super::{Actor, Db, stores, write_path};
use crate::domain::error::AppError;
use crate::domain::ids::new_id;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::server::settings::FirstOwner;
use serde_json::{Value, json};
use uuid::Uuid;

/// The sign-ins the README lists.
pub const DEMO_PASSWORD: &str = "demo1234";
pub const DEMO_OWNER: &str = "owner@demo.test";
pub const DEMO_MANAGER: &str = "manager@demo.test";
pub const SECOND_OWNER: &str = "owner2@demo.test";

const CATEGORIES: [(&str, [&str; 4]); 10] = [
    (
        "Drinks",
        ["Sparkling Water", "Orange Juice", "Cola", "Iced Tea"],
    ),
    (
        "Snacks",
        ["Salted Crisps", "Pretzels", "Trail Mix", "Popcorn"],
    ),
    (
        "Bakery",
        ["Sourdough Loaf", "Croissant", "Bagel", "Rye Bread"],
    ),
    ("Dairy", ["Whole Milk", "Greek Yogurt", "Cheddar", "Butter"]),
    ("Produce", ["Bananas", "Apples", "Tomatoes", "Avocado"]),
    (
        "Pantry",
        ["Pasta", "Basmati Rice", "Olive Oil", "Tomato Sauce"],
    ),
    (
        "Household",
        ["Dish Soap", "Paper Towels", "Sponges", "Bin Bags"],
    ),
    (
        "Personal Care",
        ["Toothpaste", "Shampoo", "Hand Soap", "Deodorant"],
    ),
    ("Frozen", ["Peas", "Ice Cream", "Pizza", "Berries"]),
    (
        "Coffee & Tea",
        ["Ground Coffee", "Green Tea", "Espresso Beans", "Chai"],
    ),
];
const SIZES: [&str; 5] = ["Small", "Regular", "Large", "Family", "Value Pack"];
const FIRST: [&str; 10] = [
    "Rosa", "Omar", "Mei", "Jonas", "Aisha", "Luca", "Priya", "Tom", "Ines", "Kwame",
];
const LAST: [&str; 5] = ["Silva", "Novak", "Okafor", "Lindqvist", "Moreau"];

/// An EAN-13 with a correct check digit, from a 12-digit body.
pub fn ean13(body: u64) -> String {
    let digits = format!("{:012}", body % 1_000_000_000_000);
    let sum: u32 = digits
        .chars()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap_or(0) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

async fn create(db: &Db, actor: &Actor, entity: EntityKind, data: Value) -> Result<Uuid, AppError> {
    Ok(write_path::apply(db, actor, Mutation::create(entity, data))
        .await?
        .id)
}

/// Seeds the demo stores if the database has no store yet. Returns whether
/// it did.
pub async fn seed_if_empty(db: &Db) -> Result<bool, AppError> {
    if stores::count(db).await? > 0 {
        return Ok(false);
    }
    seed_demo_store(db).await?;
    seed_second_store(db).await?;
    Ok(true)
}

/// A new deployment's first store and its owner, when the database has no
/// store yet: the owner signs in and sets up the rest (staff, products,
/// tills). False when there already is a store.
pub async fn first_store_if_empty(db: &Db, first: &FirstOwner) -> Result<bool, AppError> {
    if stores::count(db).await? > 0 {
        return Ok(false);
    }
    let store = stores::create_store(db, new_id(), &first.store_name).await?;
    let system = Actor::system(store.id);
    let owner = json!({"name": first.name, "role": "owner", "email": first.email, "password": first.password});
    create(db, &system, EntityKind::Employee, owner).await?;
    Ok(true)
}

async fn seed_demo_store(db: &Db) -> Result<(), AppError> {
    let store = stores::create_store(db, new_id(), "Demo Store").await?;
    let system = Actor::system(store.id);
    let owner = create(db, &system, EntityKind::Employee, json!({"name": "Olivia Owner", "role": "owner", "email": DEMO_OWNER, "password": DEMO_PASSWORD, "pin": "9999"})).await?;
    let owner = Actor {
        employee_id: Some(owner),
        ..system
    };
    create(db, &owner, EntityKind::Employee, json!({"name": "Max Manager", "role": "manager", "email": DEMO_MANAGER, "password": DEMO_PASSWORD, "pin": "5555"})).await?;
    create(
        db,
        &owner,
        EntityKind::Employee,
        json!({"name": "Ana", "role": "cashier", "pin": "1111"}),
    )
    .await?;
    create(
        db,
        &owner,
        EntityKind::Employee,
        json!({"name": "Ben", "role": "cashier", "pin": "2222"}),
    )
    .await?;

    let mut n: u64 = 0;
    for (c, (category, items)) in CATEGORIES.iter().enumerate() {
        let category_id = create(
            db,
            &owner,
            EntityKind::Category,
            json!({"name": category, "sort_order": c}),
        )
        .await?;
        for item in items {
            for size in SIZES {
                n += 1;
                let price = 99 + (n * 37 % 1500) as i64;
                let tax_rate_bp = [0, 500, 2000][(n % 3) as usize];
                let product = create(
                    db,
                    &owner,
                    EntityKind::Product,
                    json!({
                        "name": format!("{item} {size}"),
                        "sku": format!("{}-{n:04}", &category[..3].to_uppercase()),
                        "barcode": ean13(400_000_000_000 + n),
                        "category_id": category_id,
                        "price_cents": price,
                        "cost_cents": price * 6 / 10,
                        "tax_rate_bp": tax_rate_bp,
                        "low_stock_threshold": 5,
                    }),
                )
                .await?;
                let stock = (n * 13 % 60) as i64;
                if stock > 0 {
                    create(db, &owner, EntityKind::StockMove, json!({"product_id": product, "delta": stock, "reason": "received", "note": "opening stock"})).await?;
                }
            }
        }
    }
    for i in 0..50 {
        let name = format!("{} {}", FIRST[i % 10], LAST[i / 10]);
        create(db, &owner, EntityKind::Customer, json!({
            "name": name,
            "phone": format!("+1 555 01{i:02}"),
            "email": format!("{}.{}{i}@example.com", FIRST[i % 10].to_lowercase(), LAST[i / 10].to_lowercase()),
        })).await?;
    }
    Ok(())
}

async fn seed_second_store(db: &Db) -> Result<(), AppError> {
    let store = stores::create_store(db, new_id(), "Second Store").await?;
    let system = Actor::system(store.id);
    let owner = create(db, &system, EntityKind::Employee, json!({"name": "Sam Second", "role": "owner", "email": SECOND_OWNER, "password": DEMO_PASSWORD})).await?;
    let owner = Actor {
        employee_id: Some(owner),
        ..system
    };
    let category = create(db, &owner, EntityKind::Category, json!({"name": "General"})).await?;
    for (i, name) in ["Notebook", "Pen", "Stapler", "Tape", "Scissors"]
        .iter()
        .enumerate()
    {
        create(db, &owner, EntityKind::Product, json!({
            "name": name, "sku": format!("GEN-{i}"), "barcode": ean13(500_000_000_000 + i as u64),
            "category_id": category, "price_cents": 250 + 100 * i as i64, "tax_rate_bp": 2000,
        })).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ean13;

    #[test]
    fn barcodes_have_a_valid_check_digit() {
        // A well-known EAN-13.
        assert_eq!(ean13(400638133393), "4006381333931");
        assert_eq!(ean13(400000000001).len(), 13);
    }
}
