//! Money is a whole number of cents. Parsing what a person typed ("12.5",
//! "0.99") into cents happens here and nowhere else; floats never touch money.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in minor units (cents). May be negative (refunds).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("enter an amount like 12.50")]
    NotANumber,
    #[error("use at most two digits after the decimal point")]
    TooPrecise,
    #[error("the amount is too large")]
    TooLarge,
}

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// Parses a decimal amount as typed at a till: "12", "12.5", "12.50",
    /// "-3.10". Rejects thousands separators, more than two decimals and
    /// anything that is not a plain number, rather than guessing.
    pub fn parse(input: &str) -> Result<Cents, MoneyError> {
        let s = input.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(MoneyError::NotANumber);
        }
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if !all_digits(whole) || !all_digits(frac) {
            return Err(MoneyError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::TooLarge)?
        };
        let frac_cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().unwrap_or(0) * 10,
            _ => frac.parse::<i64>().unwrap_or(0),
        };
        let cents = whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac_cents))
            .ok_or(MoneyError::TooLarge)?;
        Ok(Cents(if negative { -cents } else { cents }))
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }
}

impl fmt::Display for Cents {
    /// "12.50", "-0.05": the form `parse` reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// The currencies a store can keep its books in: those with cents (two
/// minor units), as every amount here is whole cents. Code, symbol.
pub const CURRENCIES: [(&str, &str); 18] = [
    ("USD", "$"),
    ("EUR", "€"),
    ("GBP", "£"),
    ("CAD", "CA$"),
    ("AUD", "A$"),
    ("NZD", "NZ$"),
    ("CHF", "CHF "),
    ("SEK", "SEK "),
    ("NOK", "NOK "),
    ("DKK", "DKK "),
    ("PLN", "PLN "),
    ("CZK", "CZK "),
    ("ZAR", "R"),
    ("INR", "₹"),
    ("SGD", "S$"),
    ("HKD", "HK$"),
    ("MXN", "MX$"),
    ("BRL", "R$"),
];

/// `code` if a store can keep its books in it (upper case, from `CURRENCIES`).
pub fn known_currency(code: &str) -> Option<&'static str> {
    CURRENCIES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code.trim()))
        .map(|(c, _)| *c)
}

/// "$12.50", "-£0.05", "CHF 3.00": an amount as a customer reads it. An
/// unknown code is written out in front ("XYZ 1.00") rather than dropped.
pub fn money_text(cents: i64, currency: &str) -> String {
    let symbol = CURRENCIES
        .iter()
        .find(|(c, _)| *c == currency)
        .map(|(_, s)| (*s).to_string())
        .unwrap_or_else(|| format!("{currency} "));
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{symbol}{}", Cents(cents.saturating_abs()))
}

/// A tax rate in basis points: 2000 is 20 %. Integer, so rates like 7.25 %
/// are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct TaxRate(pub i32);

impl TaxRate {
    pub const MAX_BASIS_POINTS: i32 = 10_000;

    /// Parses a percentage as typed ("20", "7.25").
    pub fn parse_percent(input: &str) -> Result<TaxRate, MoneyError> {
        // Same shape as money: at most two decimals.
        let Cents(bp) = Cents::parse(input)?;
        if !(0..=i64::from(Self::MAX_BASIS_POINTS)).contains(&bp) {
            return Err(MoneyError::TooLarge);
        }
        Ok(TaxRate(bp as i32))
    }

    /// "20", "7.25": the form `parse_percent` reads back.
    pub fn percent_text(self) -> String {
        let text = Cents(i64::from(self.0)).to_string();
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// What a customer is likely to hand over for `total_cents`: the amount
/// itself, then the next round amounts above it (whole units, 5, 10, 20,
/// 50, 100), at most four, smallest first. The till's quick-cash buttons.
pub fn quick_cash(total_cents: i64) -> Vec<i64> {
    if total_cents <= 0 {
        return Vec::new();
    }
    let mut amounts = vec![total_cents];
    for step in [100, 500, 1_000, 2_000, 5_000, 10_000] {
        let next = (total_cents / step + 1) * step;
        let rounded = if total_cents % step == 0 {
            total_cents
        } else {
            next
        };
        if !amounts.contains(&rounded) {
            amounts.push(rounded);
        }
    }
    amounts.sort_unstable();
    amounts.dedup();
    amounts.truncate(4);
    amounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_forms_a_cashier_types() {
        assert_eq!(Cents::parse("12"), Ok(Cents(1200)));
        assert_eq!(Cents::parse("12.5"), Ok(Cents(1250)));
        assert_eq!(Cents::parse(" 0.99 "), Ok(Cents(99)));
        assert_eq!(Cents::parse(".5"), Ok(Cents(50)));
        assert_eq!(Cents::parse("-3.10"), Ok(Cents(-310)));
    }

    #[test]
    fn refuses_what_it_would_have_to_guess() {
        assert_eq!(Cents::parse(""), Err(MoneyError::NotANumber));
        assert_eq!(Cents::parse("1,000"), Err(MoneyError::NotANumber));
        assert_eq!(Cents::parse("12.345"), Err(MoneyError::TooPrecise));
        assert_eq!(Cents::parse("1e3"), Err(MoneyError::NotANumber));
        assert_eq!(
            Cents::parse("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn tax_rates_are_exact_percentages() {
        assert_eq!(TaxRate::parse_percent("20"), Ok(TaxRate(2000)));
        assert_eq!(TaxRate::parse_percent("7.25"), Ok(TaxRate(725)));
        assert_eq!(TaxRate(725).percent_text(), "7.25");
        assert_eq!(TaxRate(2000).percent_text(), "20");
        assert_eq!(TaxRate(0).percent_text(), "0");
        assert!(TaxRate::parse_percent("101").is_err());
    }

    proptest! {
        #[test]
        fn display_then_parse_gives_back_the_same_cents(c in -1_000_000_000_000i64..1_000_000_000_000) {
            prop_assert_eq!(Cents::parse(&Cents(c).to_string()), Ok(Cents(c)));
        }

        #[test]
        fn tax_rate_text_round_trips(bp in 0i32..=10_000) {
            prop_assert_eq!(TaxRate::parse_percent(&TaxRate(bp).percent_text()), Ok(TaxRate(bp)));
        }
    }

    #[test]
    fn money_is_written_with_the_store_currency() {
        assert_eq!(money_text(1250, "USD"), "$12.50");
        assert_eq!(money_text(-5, "GBP"), "-£0.05");
        assert_eq!(money_text(300, "CHF"), "CHF 3.00");
        assert_eq!(money_text(100, "XYZ"), "XYZ 1.00");
        assert_eq!(money_text(i64::MIN, "EUR"), "-€92233720368547758.07");
        assert_eq!(known_currency(" eur "), Some("EUR"));
        assert_eq!(
            known_currency("JPY"),
            None,
            "no cents: not a currency we can book"
        );
    }

    #[test]
    fn quick_cash_offers_the_amount_then_round_notes_above_it() {
        assert_eq!(quick_cash(1482), vec![1482, 1500, 2000, 5000]);
        assert_eq!(quick_cash(2000), vec![2000, 5000, 10000]);
        assert_eq!(quick_cash(0), Vec::<i64>::new());
    }

    proptest::proptest! {
        #[test]
        fn quick_cash_never_offers_less_than_due(total in 1i64..10_000_000) {
            let amounts = quick_cash(total);
            proptest::prop_assert_eq!(amounts[0], total);
            proptest::prop_assert!(amounts.len() <= 4);
            proptest::prop_assert!(amounts.windows(2).all(|w| w[0] < w[1]));
            proptest::prop_assert!(amounts.iter().all(|a| *a >= total));
        }
    }
}
