//! Who may do what: the one table of the app's permissions. Every service
//! asks it (through `Actor::must` on the server) before it reads or writes;
//! the screens ask it only to hide what a person could not use anyway.
//! A pair that is not in the table is allowed to nobody.

use super::auth::Role;
use super::mutation::{EntityKind, Op};

/// What a permission is about: a kind of record, or a part of the back
/// office that is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Record(EntityKind),
    /// The store's hash-chained audit log.
    AuditLog,
    /// Takings by day, cashier and payment method; top customers.
    Reports,
    /// The store's open conflicts, as one list.
    ConflictList,
    /// The browsers paired as the store's tills.
    Tills,
    /// The server's cache of reads: its figures, and clearing it.
    Cache,
    /// The database's indexes and slow statements: reading them, and
    /// rebuilding a table's indexes (`Update`).
    Indexes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    /// Reading other people's records of a kind (shifts, clock-ins);
    /// without it a person reads only their own.
    ReadOthers,
    Create,
    Update,
    /// Changing another person's record of a kind (closing their clock-in).
    UpdateOthers,
    Delete,
    /// Paying back (part of) a sale.
    Refund,
    /// Undoing a whole sale as it was paid.
    Void,
    /// Resolving a clash between two edits of a record.
    Resolve,
    /// Giving a person a new PIN (which also lifts a lockout).
    ResetPin,
    /// Hiring, editing or switching off managers and owners.
    ManageManagers,
    /// Pairing a browser as a till.
    Pair,
}

impl From<Op> for Action {
    fn from(op: Op) -> Action {
        match op {
            Op::Create => Action::Create,
            Op::Update => Action::Update,
            Op::Delete => Action::Delete,
        }
    }
}

/// The role the system itself acts with (seeding a demo store): what an
/// owner may do.
pub const SYSTEM_ROLE: Role = Role::Owner;

pub const EVERYONE: &[Role] = &[Role::Cashier, Role::Manager, Role::Owner];
pub const MANAGERS: &[Role] = &[Role::Manager, Role::Owner];
pub const OWNERS: &[Role] = &[Role::Owner];

/// One line of the table.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub subject: Subject,
    pub action: Action,
    pub roles: &'static [Role],
    /// For what nobody may do: why, in words for the person who tried.
    pub why_not: Option<&'static str>,
}

const fn rule(subject: Subject, action: Action, roles: &'static [Role]) -> Rule {
    Rule {
        subject,
        action,
        roles,
        why_not: None,
    }
}

const fn record(kind: EntityKind, action: Action, roles: &'static [Role]) -> Rule {
    rule(Subject::Record(kind), action, roles)
}

/// Something nobody may do, and why.
const fn never(kind: EntityKind, action: Action, why: &'static str) -> Rule {
    Rule {
        why_not: Some(why),
        ..record(kind, action, &[])
    }
}

use Action::*;
use EntityKind as K;

/// The table. Reading is what a till needs to sell; changing the catalog,
/// staff, shifts and credit terms is back office; the store's settings
/// (how every sale is taxed) are the owner's.
pub const RULES: &[Rule] = &[
    // The catalog: everyone sells from it, managers keep it.
    record(K::Product, Read, EVERYONE),
    record(K::Product, Create, MANAGERS),
    record(K::Product, Update, MANAGERS),
    record(K::Product, Delete, MANAGERS),
    record(K::Product, Resolve, MANAGERS),
    record(K::Category, Read, EVERYONE),
    record(K::Category, Create, MANAGERS),
    record(K::Category, Update, MANAGERS),
    record(K::Category, Delete, MANAGERS),
    record(K::Category, Resolve, MANAGERS),
    // Adjusting stock: a stock move made by hand.
    record(K::StockMove, Read, EVERYONE),
    record(K::StockMove, Create, MANAGERS),
    // Cashiers add and correct customers at the till; removing one is
    // back office.
    record(K::Customer, Read, EVERYONE),
    record(K::Customer, Create, EVERYONE),
    record(K::Customer, Update, EVERYONE),
    record(K::Customer, Delete, MANAGERS),
    record(K::Customer, Resolve, EVERYONE),
    // Everyone sells; sales are never edited (refunds and voids are new
    // sales).
    record(K::Sale, Read, EVERYONE),
    record(K::Sale, Create, EVERYONE),
    record(K::Sale, Refund, MANAGERS),
    record(K::Sale, Void, MANAGERS),
    never(
        K::Sale,
        Update,
        "A sale is never changed: refund or void it instead.",
    ),
    never(
        K::Sale,
        Delete,
        "A sale is never removed: refund or void it instead.",
    ),
    // Store credit: a customer pays off at any till; terms are back office.
    record(K::Credit, Read, EVERYONE),
    record(K::Credit, Create, MANAGERS),
    record(K::Credit, Update, MANAGERS),
    record(K::Credit, Delete, MANAGERS),
    record(K::Credit, Resolve, MANAGERS),
    record(K::CreditPayment, Read, EVERYONE),
    record(K::CreditPayment, Create, EVERYONE),
    never(K::CreditPayment, Update, "A payment stays as it was taken."),
    never(K::CreditPayment, Delete, "A payment stays as it was taken."),
    // Staff: managers look after cashiers; only owners touch managers and
    // owners. Employees are switched off, never deleted (their sales keep
    // their name).
    record(K::Employee, Read, MANAGERS),
    record(K::Employee, Create, MANAGERS),
    record(K::Employee, Update, MANAGERS),
    record(K::Employee, Resolve, MANAGERS),
    record(K::Employee, ResetPin, MANAGERS),
    record(K::Employee, ManageManagers, OWNERS),
    never(
        K::Employee,
        Delete,
        "Employees are switched off, not deleted: their sales keep their name.",
    ),
    // Shifts are planned by managers; everyone sees their own.
    record(K::Shift, Read, EVERYONE),
    record(K::Shift, ReadOthers, MANAGERS),
    record(K::Shift, Create, MANAGERS),
    record(K::Shift, Update, MANAGERS),
    record(K::Shift, Delete, MANAGERS),
    record(K::Shift, Resolve, MANAGERS),
    // Everyone clocks themselves in and out; a manager may close another's.
    record(K::ClockEvent, Read, EVERYONE),
    record(K::ClockEvent, ReadOthers, MANAGERS),
    record(K::ClockEvent, Create, EVERYONE),
    record(K::ClockEvent, Update, EVERYONE),
    record(K::ClockEvent, UpdateOthers, MANAGERS),
    never(K::ClockEvent, Delete, "Hours worked stay on record."),
    // A till needs the settings to price a sale; the owner sets them.
    record(K::StoreSettings, Read, EVERYONE),
    record(K::StoreSettings, Update, OWNERS),
    record(K::StoreSettings, Resolve, OWNERS),
    never(
        K::StoreSettings,
        Create,
        "A store's settings are made with the store.",
    ),
    never(
        K::StoreSettings,
        Delete,
        "A store's settings are never removed.",
    ),
    // Notes for the floor: everyone reads them, managers write them.
    record(K::Note, Read, EVERYONE),
    record(K::Note, Create, MANAGERS),
    record(K::Note, Update, MANAGERS),
    record(K::Note, Delete, MANAGERS),
    record(K::Note, Resolve, MANAGERS),
    // The back office beyond records.
    rule(Subject::AuditLog, Read, MANAGERS),
    rule(Subject::Reports, Read, MANAGERS),
    rule(Subject::ConflictList, Read, MANAGERS),
    rule(Subject::Tills, Pair, MANAGERS),
    // Seeing the store's tills, and unpairing one (`Delete`) at once.
    rule(Subject::Tills, Read, MANAGERS),
    rule(Subject::Tills, Delete, MANAGERS),
    // Clearing the cache is safe but costs every till a slower read.
    rule(Subject::Cache, Read, MANAGERS),
    rule(Subject::Cache, Delete, OWNERS),
    // The database is shared by every store on the server: only owners.
    rule(Subject::Indexes, Read, OWNERS),
    rule(Subject::Indexes, Update, OWNERS),
];

fn rule_of(subject: Subject, action: Action) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.subject == subject && r.action == action)
}

/// The roles allowed `action` on `subject` (none when the table has no
/// such line).
pub fn roles(subject: Subject, action: Action) -> &'static [Role] {
    rule_of(subject, action).map_or(&[], |r| r.roles)
}

/// Why nobody may do `action` on `subject`, where the table says.
pub fn why_not(subject: Subject, action: Action) -> Option<&'static str> {
    rule_of(subject, action).and_then(|r| r.why_not)
}

pub fn may(role: Role, subject: Subject, action: Action) -> bool {
    roles(subject, action).contains(&role)
}

/// What changing the record of a person who is `role` takes beyond the
/// change itself: managers and owners are the owners' to manage.
pub fn managing(role: Role) -> Option<Action> {
    (role >= Role::Manager).then_some(ManageManagers)
}

/// Whether `role` may make a change of `op` to a record of `kind`.
pub fn may_apply(role: Role, kind: EntityKind, op: Op) -> bool {
    may(role, Subject::Record(kind), op.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_is_in_the_table_once() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                assert!(
                    !(a.subject == b.subject && a.action == b.action),
                    "{:?} {:?} is listed twice",
                    a.subject,
                    a.action
                );
            }
        }
    }

    #[test]
    fn what_nobody_may_do_says_why_and_nothing_else_does() {
        for r in RULES {
            assert_eq!(
                r.roles.is_empty(),
                r.why_not.is_some(),
                "{:?} {:?}",
                r.subject,
                r.action
            );
        }
    }

    #[test]
    fn every_kind_can_be_read_by_someone() {
        for kind in EntityKind::ALL {
            assert!(
                !roles(Subject::Record(kind), Read).is_empty(),
                "nobody may read {kind:?}"
            );
        }
    }

    #[test]
    fn cashiers_sell_but_do_not_keep_the_catalog() {
        for op in [Op::Create, Op::Update, Op::Delete] {
            for kind in [K::Product, K::Category] {
                assert!(!may_apply(Role::Cashier, kind, op));
                assert!(may_apply(Role::Manager, kind, op));
                assert!(may_apply(Role::Owner, kind, op));
            }
        }
        assert!(may_apply(Role::Cashier, K::Sale, Op::Create));
        assert!(!may_apply(Role::Cashier, K::StockMove, Op::Create));
    }

    #[test]
    fn sales_and_payments_are_never_changed_and_employees_never_deleted() {
        for role in [Role::Cashier, Role::Manager, Role::Owner] {
            for op in [Op::Update, Op::Delete] {
                assert!(!may_apply(role, K::Sale, op));
                assert!(!may_apply(role, K::CreditPayment, op));
            }
            assert!(!may_apply(role, K::Employee, Op::Delete));
            assert!(!may_apply(role, K::StoreSettings, Op::Create));
            assert!(!may_apply(role, K::StoreSettings, Op::Delete));
        }
    }

    #[test]
    fn who_may_edit_a_record_may_resolve_its_conflicts() {
        for kind in EntityKind::ALL {
            let subject = Subject::Record(kind);
            if !roles(subject, Resolve).is_empty() {
                assert_eq!(roles(subject, Resolve), roles(subject, Update), "{kind:?}");
            }
        }
    }

    #[test]
    fn only_owners_set_how_sales_are_taxed_and_appoint_managers() {
        assert_eq!(roles(Subject::Record(K::StoreSettings), Update), OWNERS);
        assert_eq!(roles(Subject::Record(K::Employee), ManageManagers), OWNERS);
    }
}
