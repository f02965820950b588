//! The manager's reports: what sold, by day, by cashier and by payment
//! method, and the shapes the screen draws. The sums are done here, over
//! plain rows, so the rules (refunds count against the day they were given,
//! every day of the range shows even when nothing sold) are tested once.
//!
//! Days and hours are the store's own (its time zone, through
//! `StoreClock`): a shop's evening sales belong to its evening, not to
//! the next UTC day.

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Longest range one report covers.
pub const MAX_DAYS: u64 = 366;

/// One sale record as the reports see it: a refund has negative amounts.
#[derive(Clone, Debug, PartialEq)]
pub struct SaleFact {
    pub at: DateTime<Utc>,
    pub employee_id: Uuid,
    pub total_cents: i64,
    pub tax_cents: i64,
    pub is_refund: bool,
}

/// The store's clock: the local time of an instant, and the instant a
/// local day begins. The server keeps it from the store's time zone.
pub trait StoreClock {
    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime;
    fn day_start(&self, day: NaiveDate) -> DateTime<Utc>;
}

/// A store on UTC.
pub struct UtcClock;

impl StoreClock for UtcClock {
    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.naive_utc()
    }

    fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        day.and_time(NaiveTime::MIN).and_utc()
    }
}

/// Takings of one of the store's days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayTakings {
    pub day: NaiveDate,
    pub sales: i64,
    pub refunds: i64,
    /// Sales less refunds.
    pub net_cents: i64,
    pub tax_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EmployeeTakings {
    pub employee_id: Uuid,
    pub name: String,
    pub sales: i64,
    pub net_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MethodTakings {
    /// cash, card or credit
    pub method: String,
    pub payments: i64,
    pub amount_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TopCustomer {
    pub id: Uuid,
    pub name: String,
    pub total_spent_cents: i64,
    pub total_orders: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LowStock {
    pub id: Uuid,
    pub name: String,
    pub quantity: i64,
    pub low_stock_threshold: i64,
}

/// Takings in one hour of the store's day (0 to 23), over the range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HourTakings {
    pub hour: u32,
    pub sales: i64,
    pub net_cents: i64,
}

/// A product by what it took over the range, refunds netted out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TopProduct {
    pub product_id: Uuid,
    pub name: String,
    pub quantity: i64,
    pub net_cents: i64,
}

/// Everything the reports screen shows for a range of days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SalesReport {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub net_cents: i64,
    pub sales: i64,
    /// The zone whose days these are.
    #[serde(default = "super::store::utc")]
    pub time_zone: String,
    pub days: Vec<DayTakings>,
    #[serde(default)]
    pub hours: Vec<HourTakings>,
    #[serde(default)]
    pub top_products: Vec<TopProduct>,
    pub employees: Vec<EmployeeTakings>,
    pub methods: Vec<MethodTakings>,
    pub top_by_spending: Vec<TopCustomer>,
    pub top_by_orders: Vec<TopCustomer>,
    pub low_stock: Vec<LowStock>,
}

/// A range of the store's whole days, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DayRange {
    /// `to` defaults to today, `from` to 29 days before `to`.
    pub fn parse(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<DayRange, &'static str> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to - Days::new(29));
        if from > to {
            return Err("the start comes after the end");
        }
        if (to - from).num_days() as u64 >= MAX_DAYS {
            return Err("choose at most a year");
        }
        Ok(DayRange { from, to })
    }

    /// The first instant of `from` and the first instant after `to`, on
    /// the store's clock.
    pub fn instants(self, clock: &impl StoreClock) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            clock.day_start(self.from),
            clock.day_start(self.to + Days::new(1)),
        )
    }

    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take_while(move |d| *d <= self.to)
    }
}

/// Every day of `range`, in order, with what was taken on it.
pub fn by_day(range: DayRange, facts: &[SaleFact], clock: &impl StoreClock) -> Vec<DayTakings> {
    let mut days: BTreeMap<NaiveDate, DayTakings> = range
        .days()
        .map(|day| {
            (
                day,
                DayTakings {
                    day,
                    sales: 0,
                    refunds: 0,
                    net_cents: 0,
                    tax_cents: 0,
                },
            )
        })
        .collect();
    for f in facts {
        if let Some(d) = days.get_mut(&clock.local(f.at).date()) {
            if f.is_refund {
                d.refunds += 1;
            } else {
                d.sales += 1;
            }
            d.net_cents += f.total_cents;
            d.tax_cents += f.tax_cents;
        }
    }
    days.into_values().collect()
}

/// Every hour of the store's day, with what was taken in it over all the
/// facts (sales count; refunds only net).
pub fn by_hour(facts: &[SaleFact], clock: &impl StoreClock) -> Vec<HourTakings> {
    let mut hours: Vec<HourTakings> = (0..24)
        .map(|hour| HourTakings {
            hour,
            sales: 0,
            net_cents: 0,
        })
        .collect();
    for f in facts {
        let h = &mut hours[clock.local(f.at).hour() as usize];
        h.sales += i64::from(!f.is_refund);
        h.net_cents += f.total_cents;
    }
    hours
}

/// The report's days as CSV, for a spreadsheet: one row a day, amounts
/// in the currency's units ("12.50") so a sum there matches the screen.
pub fn days_csv(report: &SalesReport) -> String {
    let mut out = String::from("day,sales,refunds,net,tax\n");
    for d in &report.days {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            d.day,
            d.sales,
            d.refunds,
            super::money::Cents(d.net_cents),
            super::money::Cents(d.tax_cents)
        ));
    }
    out
}

/// Takings per cashier, best first; `names` gives their names.
pub fn by_employee(facts: &[SaleFact], names: &BTreeMap<Uuid, String>) -> Vec<EmployeeTakings> {
    let mut per: BTreeMap<Uuid, EmployeeTakings> = BTreeMap::new();
    for f in facts {
        let e = per.entry(f.employee_id).or_insert_with(|| EmployeeTakings {
            employee_id: f.employee_id,
            name: names.get(&f.employee_id).cloned().unwrap_or_default(),
            sales: 0,
            net_cents: 0,
        });
        if !f.is_refund {
            e.sales += 1;
        }
        e.net_cents += f.total_cents;
    }
    let mut list: Vec<_> = per.into_values().collect();
    list.sort_by(|a, b| b.net_cents.cmp(&a.net_cents).then(a.name.cmp(&b.name)));
    list
}

/// One bar of the takings chart, in the chart's own units.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub day: NaiveDate,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub net_cents: i64,
}

/// Bars for net takings per day in a `width` × `height` box: the best day
/// fills the height; days that took nothing or refunded more have no bar.
pub fn bars(days: &[DayTakings], width: u32, height: u32) -> Vec<Bar> {
    let n = days.len().max(1) as u32;
    let slot = (width / n).max(1);
    let gap = if slot > 4 { slot / 5 } else { 0 };
    let top = days.iter().map(|d| d.net_cents).max().unwrap_or(0).max(1);
    days.iter()
        .enumerate()
        .map(|(i, d)| {
            let h = if d.net_cents > 0 {
                // i128: cents times pixels can exceed i64 for a big shop.
                ((d.net_cents as i128 * height as i128) / top as i128) as u32
            } else {
                0
            };
            Bar {
                day: d.day,
                x: i as u32 * slot + gap / 2,
                y: height - h,
                width: slot - gap,
                height: h,
                net_cents: d.net_cents,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_range_defaults_to_the_last_thirty_days_and_refuses_nonsense() {
        let r = DayRange::parse(None, None, day(30)).unwrap();
        assert_eq!((r.from, r.to), (day(1), day(30)));
        assert_eq!(r.days().count(), 30);
        assert!(DayRange::parse(Some(day(5)), Some(day(4)), day(30)).is_err());
        let far = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert!(DayRange::parse(Some(far), None, day(30)).is_err());
        let (start, end) = DayRange::parse(Some(day(3)), Some(day(3)), day(30))
            .unwrap()
            .instants(&UtcClock);
        assert_eq!((end - start).num_hours(), 24);
    }

    #[test]
    fn empty_days_show_and_refunds_count_against_their_own_day() {
        let e = Uuid::nil();
        let at = |d: u32| day(d).and_hms_opt(23, 59, 59).unwrap().and_utc();
        let facts = vec![
            SaleFact {
                at: at(2),
                employee_id: e,
                total_cents: 1000,
                tax_cents: 100,
                is_refund: false,
            },
            SaleFact {
                at: at(4),
                employee_id: e,
                total_cents: -400,
                tax_cents: -40,
                is_refund: true,
            },
        ];
        let range = DayRange::parse(Some(day(1)), Some(day(4)), day(30)).unwrap();
        let days = by_day(range, &facts, &UtcClock);
        assert_eq!(days.len(), 4);
        assert_eq!((days[1].sales, days[1].net_cents), (1, 1000));
        assert_eq!((days[3].refunds, days[3].net_cents), (1, -400));
        assert_eq!(days[0].net_cents + days[2].net_cents, 0);
        let bars = bars(&days, 400, 100);
        assert_eq!(bars[1].height, 100);
        assert_eq!(bars[3].height, 0, "a refund day draws no bar");
    }

    /// A shop five hours behind UTC: its 22:00 sale is on its own day.
    struct FiveBehind;
    impl StoreClock for FiveBehind {
        fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
            at.naive_utc() - chrono::Duration::hours(5)
        }
        fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
            day.and_time(NaiveTime::MIN).and_utc() + chrono::Duration::hours(5)
        }
    }

    #[test]
    fn days_and_hours_are_the_store_own() {
        let late = day(3).and_hms_opt(3, 0, 0).unwrap().and_utc(); // 22:00 on the 2nd there
        let facts = vec![SaleFact {
            at: late,
            employee_id: Uuid::nil(),
            total_cents: 700,
            tax_cents: 0,
            is_refund: false,
        }];
        let range = DayRange::parse(Some(day(2)), Some(day(3)), day(30)).unwrap();
        let days = by_day(range, &facts, &FiveBehind);
        assert_eq!((days[0].day, days[0].net_cents), (day(2), 700));
        assert_eq!(by_hour(&facts, &FiveBehind)[22].sales, 1);
        let (start, _) = range.instants(&FiveBehind);
        assert_eq!(start, day(2).and_hms_opt(5, 0, 0).unwrap().and_utc());
        let report = SalesReport {
            from: day(2),
            to: day(3),
            net_cents: 700,
            sales: 1,
            time_zone: "Etc/GMT+5".into(),
            days,
            hours: vec![],
            top_products: vec![],
            employees: vec![],
            methods: vec![],
            top_by_spending: vec![],
            top_by_orders: vec![],
            low_stock: vec![],
        };
        assert_eq!(
            days_csv(&report),
            "day,sales,refunds,net,tax\n2026-11-02,1,0,7.00,0.00\n2026-11-03,0,0,0.00,0.00\n"
        );
    }

    proptest! {
        /// No cent of a sale in range is lost or counted twice, by day or
        /// by cashier.
        #[test]
        fn reports_add_up(
            rows in prop::collection::vec((0u32..40, 0u8..3, -50_000i64..100_000), 0..60)
        ) {
            let range = DayRange::parse(Some(day(1)), Some(day(30)), day(30)).unwrap();
            let ids = [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)];
            let facts: Vec<SaleFact> = rows.iter().map(|(h, who, cents)| SaleFact {
                at: day(1).and_hms_opt(0, 0, 0).unwrap().and_utc() + chrono::Duration::hours(*h as i64 * 20),
                employee_id: ids[*who as usize],
                total_cents: *cents,
                tax_cents: cents / 10,
                is_refund: *cents < 0,
            }).collect();
            let in_range: Vec<&SaleFact> = facts.iter().filter(|f| f.at.date_naive() <= day(30)).collect();
            let days = by_day(range, &facts, &UtcClock);
            prop_assert_eq!(days.len(), 30);
            let hours = by_hour(&facts, &UtcClock);
            prop_assert_eq!(hours.len(), 24);
            prop_assert_eq!(hours.iter().map(|h| h.net_cents).sum::<i64>(), facts.iter().map(|f| f.total_cents).sum::<i64>());
            prop_assert_eq!(days.iter().map(|d| d.net_cents).sum::<i64>(), in_range.iter().map(|f| f.total_cents).sum::<i64>());
            prop_assert_eq!(days.iter().map(|d| d.sales + d.refunds).sum::<i64>(), in_range.len() as i64);
            let people = by_employee(&facts, &BTreeMap::new());
            prop_assert_eq!(people.iter().map(|p| p.net_cents).sum::<i64>(), facts.iter().map(|f| f.total_cents).sum::<i64>());
            for b in bars(&days, 600, 200) {
                prop_assert!(b.height <= 200 && b.y + b.height == 200);
            }
        }
    }
}
