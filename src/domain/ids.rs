//! Every record gets a UUIDv7 made where it is created (server or till), so
//! creates from tills that were offline never collide and sort by time.

use uuid::Uuid;

/// A fresh, time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_increase() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.get_version_num(), 7);
        assert!(b > a, "v7 ids made later sort later");
    }
}
