//! The arithmetic of a sale: line and cart discounts, tax by each product's
//! rate, totals, and how the payments cover it. All in whole cents with
//! explicit rounding (half up), so the till and the server compute the same
//! numbers and no cent is lost or made.

use serde::{Deserialize, Serialize};

/// Half-up division of a non-negative numerator, in i128 so products of
/// cents and basis points cannot overflow.
fn div_round(numerator: i128, denominator: i128) -> i64 {
    ((numerator * 2 + denominator) / (denominator * 2)) as i64
}

/// `amount × percent` for a percentage discount typed at the till, with
/// `percent_bp` in basis points (10 % = 1000), rounded half up.
pub fn percent_of(amount_cents: i64, percent_bp: i32) -> i64 {
    div_round(
        i128::from(amount_cents.max(0)) * i128::from(percent_bp.clamp(0, 10_000)),
        10_000,
    )
}

/// A line as the till sends it, with the product's tax rate looked up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PricedLine {
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub discount_cents: i64,
    pub tax_rate_bp: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LineTotals {
    /// quantity × unit price
    pub gross_cents: i64,
    /// The line's own discount plus its share of the cart discount.
    pub discount_cents: i64,
    pub tax_cents: i64,
    /// What the customer pays for the line, tax included.
    pub total_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SaleTotals {
    pub lines: Vec<LineTotals>,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    #[error("a sale needs at least one line")]
    NoLines,
    #[error("line {0}: the quantity must be at least 1")]
    Quantity(usize),
    #[error("line {0}: the price must not be negative")]
    Price(usize),
    #[error("line {0}: the discount must be between 0 and the line's amount")]
    LineDiscount(usize),
    #[error("the cart discount must be between 0 and what is left to pay")]
    CartDiscount,
    #[error("the amounts are too large")]
    TooLarge,
}

/// Shares `discount` over `amounts` in proportion to each, exactly: the
/// shares add up to `discount`, and no share exceeds its amount. Remainder
/// cents go to the largest fractions first (then the earlier line), so the
/// result is the same on every till.
pub fn allocate(discount: i64, amounts: &[i64]) -> Vec<i64> {
    let total: i128 = amounts.iter().map(|a| i128::from(*a)).sum();
    if discount <= 0 || total <= 0 {
        return vec![0; amounts.len()];
    }
    let d = i128::from(discount.min(total as i64));
    let mut shares: Vec<i64> = amounts
        .iter()
        .map(|a| (d * i128::from(*a) / total) as i64)
        .collect();
    let mut left = d as i64 - shares.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..amounts.len()).collect();
    // Largest fractional part first: (d × a) mod total.
    order.sort_by_key(|&i| (std::cmp::Reverse(d * i128::from(amounts[i]) % total), i));
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        if shares[i] < amounts[i] {
            shares[i] += 1;
            left -= 1;
        }
    }
    shares
}

/// Prices a sale. With `prices_include_tax` the shelf price already holds
/// the tax, which is taken out of it; otherwise tax is added on top.
pub fn compute_totals(
    lines: &[PricedLine],
    cart_discount_cents: i64,
    prices_include_tax: bool,
) -> Result<SaleTotals, TotalsError> {
    if lines.is_empty() {
        return Err(TotalsError::NoLines);
    }
    let mut after_line_discounts = Vec::with_capacity(lines.len());
    let mut gross = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if line.quantity < 1 {
            return Err(TotalsError::Quantity(i));
        }
        if line.unit_price_cents < 0 {
            return Err(TotalsError::Price(i));
        }
        let g = line
            .quantity
            .checked_mul(line.unit_price_cents)
            .ok_or(TotalsError::TooLarge)?;
        if !(0..=g).contains(&line.discount_cents) {
            return Err(TotalsError::LineDiscount(i));
        }
        gross.push(g);
        after_line_discounts.push(g - line.discount_cents);
    }
    let left: i64 = after_line_discounts
        .iter()
        .try_fold(0i64, |a, b| a.checked_add(*b))
        .ok_or(TotalsError::TooLarge)?;
    if !(0..=left).contains(&cart_discount_cents) {
        return Err(TotalsError::CartDiscount);
    }
    let shares = allocate(cart_discount_cents, &after_line_discounts);
    let mut totals = SaleTotals {
        lines: Vec::new(),
        subtotal_cents: 0,
        discount_cents: 0,
        tax_cents: 0,
        total_cents: 0,
    };
    for (i, line) in lines.iter().enumerate() {
        let net = after_line_discounts[i] - shares[i];
        let rate = i128::from(line.tax_rate_bp.clamp(0, 10_000));
        let (tax, total) = if prices_include_tax {
            let tax = net - div_round(i128::from(net) * 10_000, 10_000 + rate);
            (tax, net)
        } else {
            let tax = div_round(i128::from(net) * rate, 10_000);
            (tax, net + tax)
        };
        let t = LineTotals {
            gross_cents: gross[i],
            discount_cents: line.discount_cents + shares[i],
            tax_cents: tax,
            total_cents: total,
        };
        totals.subtotal_cents += t.gross_cents;
        totals.discount_cents += t.discount_cents;
        totals.tax_cents += t.tax_cents;
        totals.total_cents += t.total_cents;
        totals.lines.push(t);
    }
    Ok(totals)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    /// Put on the customer's store credit, to be paid later.
    Credit,
}

impl PaymentMethod {
    /// The name stored and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Credit => "credit",
        }
    }

    pub fn parse(name: &str) -> Option<PaymentMethod> {
        [
            PaymentMethod::Cash,
            PaymentMethod::Card,
            PaymentMethod::Credit,
        ]
        .into_iter()
        .find(|m| m.as_str() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Payment {
    pub method: PaymentMethod,
    pub amount_cents: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    /// Part paid now, the rest on store credit.
    Partial,
    OnCredit,
}

impl PaymentStatus {
    /// The name stored and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Paid => "paid",
            PaymentStatus::Partial => "partial",
            PaymentStatus::OnCredit => "on_credit",
        }
    }
}

/// How the payments cover a total: what was tendered, the change given, what went on credit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Tendered {
    /// Cash and card taken, less the change given back.
    pub paid_cents: i64,
    pub change_cents: i64,
    pub on_credit_cents: i64,
    pub status: PaymentStatus,
    /// "cash", "card", "credit", or "split" when more than one was used.
    pub method: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TenderError {
    #[error("add a payment")]
    NoPayments,
    #[error("payment amounts must be more than zero")]
    NotPositive,
    #[error("the payments are {short} short of the total")]
    Underpaid { short: String },
    #[error("only cash can be more than the total (change is given in cash)")]
    OverpaidByCard,
    #[error("store credit needs a customer on the sale")]
    CreditWithoutCustomer,
    #[error("the change would be more than {max}: check the cash amount")]
    TooMuchChange { max: String },
}

/// The most change a till hands back: more than the largest note anyone
/// carries over the total is a typing slip, not a payment.
pub const MAX_CHANGE_CENTS: i64 = 100_000;

/// Tenders `payments` against `total_cents`. Change is only ever given from
/// cash; card and credit may not exceed what is left to pay.
pub fn tender(
    total_cents: i64,
    payments: &[Payment],
    has_customer: bool,
) -> Result<Tendered, TenderError> {
    if payments.is_empty() {
        return Err(TenderError::NoPayments);
    }
    if payments.iter().any(|p| p.amount_cents <= 0) {
        return Err(TenderError::NotPositive);
    }
    let sum = |m: PaymentMethod| {
        payments
            .iter()
            .filter(|p| p.method == m)
            .map(|p| p.amount_cents)
            .sum::<i64>()
    };
    let (cash, card, credit) = (
        sum(PaymentMethod::Cash),
        sum(PaymentMethod::Card),
        sum(PaymentMethod::Credit),
    );
    if credit > 0 && !has_customer {
        return Err(TenderError::CreditWithoutCustomer);
    }
    let tendered = cash + card + credit;
    if tendered < total_cents {
        return Err(TenderError::Underpaid {
            short: super::money::Cents(total_cents - tendered).to_string(),
        });
    }
    if card + credit > total_cents {
        return Err(TenderError::OverpaidByCard);
    }
    let change = tendered - total_cents;
    if change > MAX_CHANGE_CENTS {
        return Err(TenderError::TooMuchChange {
            max: super::money::Cents(MAX_CHANGE_CENTS).to_string(),
        });
    }
    let status = match credit {
        0 => PaymentStatus::Paid,
        c if c == total_cents => PaymentStatus::OnCredit,
        _ => PaymentStatus::Partial,
    };
    let mut methods: Vec<PaymentMethod> = payments.iter().map(|p| p.method).collect();
    methods.sort_by_key(|m| *m as u8);
    methods.dedup();
    let method = match methods.as_slice() {
        [PaymentMethod::Cash] => "cash",
        [PaymentMethod::Card] => "card",
        [PaymentMethod::Credit] => "credit",
        _ => "split",
    };
    Ok(Tendered {
        paid_cents: cash + card - change,
        change_cents: change,
        on_credit_cents: credit,
        status,
        method: method.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stored_names_are_the_wire_names() {
        let wire = |v: serde_json::Value| v.as_str().unwrap().to_string();
        for m in [
            PaymentMethod::Cash,
            PaymentMethod::Card,
            PaymentMethod::Credit,
        ] {
            assert_eq!(m.as_str(), wire(serde_json::to_value(m).unwrap()));
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(m));
        }
        for s in [
            PaymentStatus::Paid,
            PaymentStatus::Partial,
            PaymentStatus::OnCredit,
        ] {
            assert_eq!(s.as_str(), wire(serde_json::to_value(s).unwrap()));
        }
        assert_eq!(PaymentMethod::parse("cheque"), None);
    }

    fn line(quantity: i64, unit: i64, discount: i64, rate: i32) -> PricedLine {
        PricedLine {
            quantity,
            unit_price_cents: unit,
            discount_cents: discount,
            tax_rate_bp: rate,
        }
    }

    #[test]
    fn tax_is_added_on_top_and_rounded_half_up() {
        // 3 × 0.35 at 20 %: 1.05 + 0.21 tax.
        let t = compute_totals(&[line(3, 35, 0, 2000)], 0, false).unwrap();
        assert_eq!(
            (t.subtotal_cents, t.tax_cents, t.total_cents),
            (105, 21, 126)
        );
        // 0.05 at 10 %: 0.005 rounds up to 0.01.
        assert_eq!(
            compute_totals(&[line(1, 5, 0, 1000)], 0, false)
                .unwrap()
                .tax_cents,
            1
        );
    }

    #[test]
    fn included_tax_is_taken_out_of_the_price() {
        // 1.20 including 20 % holds 0.20 of tax.
        let t = compute_totals(&[line(1, 120, 0, 2000)], 0, true).unwrap();
        assert_eq!((t.tax_cents, t.total_cents), (20, 120));
    }

    #[test]
    fn ten_percent_off_the_cart_is_shared_over_the_lines() {
        let lines = [
            line(1, 1000, 0, 2000),
            line(2, 250, 0, 0),
            line(1, 333, 0, 500),
        ];
        let subtotal = 1000 + 500 + 333;
        let off = percent_of(subtotal, 1000);
        assert_eq!(off, 183);
        let t = compute_totals(&lines, off, false).unwrap();
        assert_eq!(t.discount_cents, 183);
        assert_eq!(t.lines.iter().map(|l| l.discount_cents).sum::<i64>(), 183);
        assert_eq!(
            t.total_cents,
            t.subtotal_cents - t.discount_cents + t.tax_cents
        );
    }

    #[test]
    fn bad_lines_and_discounts_are_refused() {
        assert_eq!(compute_totals(&[], 0, false), Err(TotalsError::NoLines));
        assert_eq!(
            compute_totals(&[line(0, 1, 0, 0)], 0, false),
            Err(TotalsError::Quantity(0))
        );
        assert_eq!(
            compute_totals(&[line(1, 100, 101, 0)], 0, false),
            Err(TotalsError::LineDiscount(0))
        );
        assert_eq!(
            compute_totals(&[line(1, 100, 50, 0)], 51, false),
            Err(TotalsError::CartDiscount)
        );
    }

    #[test]
    fn cash_gives_change_and_split_payments_cover_the_total() {
        let s = tender(
            1234,
            &[Payment {
                method: PaymentMethod::Cash,
                amount_cents: 2000,
            }],
            false,
        )
        .unwrap();
        assert_eq!(
            (s.change_cents, s.paid_cents, s.status),
            (766, 1234, PaymentStatus::Paid)
        );
        let split = [
            Payment {
                method: PaymentMethod::Cash,
                amount_cents: 500,
            },
            Payment {
                method: PaymentMethod::Card,
                amount_cents: 734,
            },
        ];
        let s = tender(1234, &split, false).unwrap();
        assert_eq!((s.change_cents, s.method.as_str()), (0, "split"));
    }

    #[test]
    fn change_is_capped_so_a_slip_of_the_finger_is_not_a_payment() {
        let cash = |c| {
            [Payment {
                method: PaymentMethod::Cash,
                amount_cents: c,
            }]
        };
        assert!(tender(1, &cash(1 + MAX_CHANGE_CENTS), false).is_ok());
        assert!(matches!(
            tender(1, &cash(2 + MAX_CHANGE_CENTS), false),
            Err(TenderError::TooMuchChange { .. })
        ));
        assert!(matches!(
            tender(1, &cash(i64::MAX / 4), false),
            Err(TenderError::TooMuchChange { .. })
        ));
    }

    #[test]
    fn underpaid_card_overpaid_and_anonymous_credit_are_refused() {
        let card = |a| Payment {
            method: PaymentMethod::Card,
            amount_cents: a,
        };
        assert_eq!(
            tender(1000, &[card(999)], false),
            Err(TenderError::Underpaid {
                short: "0.01".into()
            })
        );
        assert_eq!(
            tender(1000, &[card(1001)], false),
            Err(TenderError::OverpaidByCard)
        );
        let credit = [Payment {
            method: PaymentMethod::Credit,
            amount_cents: 1000,
        }];
        assert_eq!(
            tender(1000, &credit, false),
            Err(TenderError::CreditWithoutCustomer)
        );
        assert_eq!(
            tender(1000, &credit, true).unwrap().status,
            PaymentStatus::OnCredit
        );
    }

    fn lines_strategy() -> impl Strategy<Value = Vec<PricedLine>> {
        prop::collection::vec(
            (
                1i64..50,
                0i64..100_000,
                0u8..=100,
                prop::sample::select(vec![0, 500, 725, 1000, 2000]),
            )
                .prop_map(|(q, unit, pct, rate)| {
                    line(q, unit, q * unit * i64::from(pct) / 100, rate)
                }),
            1..8,
        )
    }

    proptest! {
        #[test]
        fn allocation_is_exact_and_never_exceeds_a_line(amounts in prop::collection::vec(0i64..1_000_000, 1..10), pct in 0u8..=100) {
            let total: i64 = amounts.iter().sum();
            let discount = total * i64::from(pct) / 100;
            let shares = allocate(discount, &amounts);
            prop_assert_eq!(shares.iter().sum::<i64>(), discount);
            for (s, a) in shares.iter().zip(&amounts) {
                prop_assert!(*s >= 0 && s <= a);
            }
            prop_assert_eq!(allocate(discount, &amounts), shares, "deterministic");
        }

        #[test]
        fn totals_are_the_sum_of_their_parts(lines in lines_strategy(), pct in 0u8..=100, included in any::<bool>()) {
            let left: i64 = lines.iter().map(|l| l.quantity * l.unit_price_cents - l.discount_cents).sum();
            let cart = left * i64::from(pct) / 100;
            let t = compute_totals(&lines, cart, included).unwrap();
            prop_assert_eq!(t.total_cents, t.lines.iter().map(|l| l.total_cents).sum::<i64>());
            prop_assert_eq!(t.tax_cents, t.lines.iter().map(|l| l.tax_cents).sum::<i64>());
            prop_assert_eq!(t.discount_cents, t.lines.iter().map(|l| l.discount_cents).sum::<i64>());
            let expected = t.subtotal_cents - t.discount_cents + if included { 0 } else { t.tax_cents };
            prop_assert_eq!(t.total_cents, expected, "no cent lost or made");
            for l in &t.lines {
                prop_assert!(l.tax_cents >= 0 && l.tax_cents <= l.total_cents);
            }
        }

        #[test]
        fn a_paid_sale_takes_exactly_its_total(total in 1i64..1_000_000, cash_extra in 0i64..10_000, card_part in 0u8..=100) {
            let card = total * i64::from(card_part) / 100;
            let mut payments = vec![];
            if card > 0 { payments.push(Payment { method: PaymentMethod::Card, amount_cents: card }); }
            let cash = total - card + cash_extra;
            if cash > 0 { payments.push(Payment { method: PaymentMethod::Cash, amount_cents: cash }); }
            let s = tender(total, &payments, false).unwrap();
            prop_assert_eq!(s.paid_cents + s.on_credit_cents, total);
            prop_assert!(s.change_cents <= cash.max(0));
        }
    }
}

/// What refunding `quantity` of a line's `sold` units returns of
/// `line_amount` (its total, tax or discount), given what earlier refunds of
/// the line already returned. The last units take the remainder, so a line
/// refunded in parts returns exactly what it took.
pub fn refund_share(
    line_amount: i64,
    sold: i64,
    already_units: i64,
    already_amount: i64,
    quantity: i64,
) -> i64 {
    if sold <= 0 || quantity <= 0 {
        return 0;
    }
    if already_units + quantity >= sold {
        line_amount - already_amount
    } else {
        div_round(
            i128::from(line_amount) * i128::from(quantity),
            i128::from(sold),
        )
    }
}

#[cfg(test)]
mod refund_tests {
    use super::refund_share;
    use proptest::prelude::*;

    #[test]
    fn one_of_three_returns_a_third_rounded() {
        assert_eq!(refund_share(1000, 3, 0, 0, 1), 333);
        assert_eq!(refund_share(1000, 3, 1, 333, 2), 667);
    }

    proptest! {
        #[test]
        fn refunding_in_parts_returns_exactly_the_line(amount in 0i64..10_000_000, parts in prop::collection::vec(1i64..5, 1..6)) {
            let sold: i64 = parts.iter().sum();
            let (mut units, mut returned) = (0, 0);
            for q in parts {
                let share = refund_share(amount, sold, units, returned, q);
                prop_assert!(share >= 0);
                units += q;
                returned += share;
            }
            prop_assert_eq!(returned, amount);
        }
    }
}
