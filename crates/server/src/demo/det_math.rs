//! `ln`, `exp` and `tanh` from IEEE-754 basic operations only (`+ - * /`, comparisons, bit casts), so that
//! every platform computes the same bits. The standard library's versions call the platform's libm, whose
//! last-bit results differ between systems; the generator's output must not.
//!
//! Accuracy is about 1e-15 relative, far more than a price simulation needs; what matters is determinism.

use std::f64::consts::LN_2;

/// Natural logarithm of a positive, finite `x` (`x <= 0` gives `-inf`, which no caller passes).
pub fn ln(x: f64) -> f64 {
    if x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    // Subnormals: scale into the normal range first.
    let (x, bias) = if x < f64::MIN_POSITIVE {
        (x * pow2(54), -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023 + bias;
    // Mantissa in [1, 2), then moved to [sqrt(1/2), sqrt(2)) so the series below converges fast.
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        exponent += 1;
    }
    // ln(m) = 2·atanh(f) with f = (m − 1)/(m + 1), |f| <= 0.1716: f + f³/3 + f⁵/5 + …
    let f = (m - 1.0) / (m + 1.0);
    let f2 = f * f;
    let mut term = f;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 30.0 {
        sum += term / k;
        term *= f2;
        k += 2.0;
    }
    exponent as f64 * LN_2 + 2.0 * sum
}

/// `e^x`; underflows to 0 below −700 and saturates at `e^700` above 700.
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    // x = k·ln2 + r with |r| <= ln2/2; e^r by its Taylor series, then scaled by 2^k.
    let k = (x / LN_2).round();
    let r = x - k * LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 1.0;
    while n < 18.0 {
        term *= r / n;
        sum += term;
        n += 1.0;
    }
    sum * pow2(k as i64)
}

/// `2^k` exactly, for −1022 <= k <= 1023.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

pub fn tanh(x: f64) -> f64 {
    if x > 20.0 {
        return 1.0;
    }
    if x < -20.0 {
        return -1.0;
    }
    let e = exp(2.0 * x);
    (e - 1.0) / (e + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_platform_to_within_rounding() {
        let mut x = 1e-300;
        while x < 1e300 {
            let rel = (ln(x) - x.ln()).abs() / x.ln().abs().max(1.0);
            assert!(rel < 1e-14, "ln({x}) = {} vs {}", ln(x), x.ln());
            x *= 1.37;
        }
        let mut x = -700.0;
        while x < 700.0 {
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 1e-13, "exp({x}) = {} vs {}", exp(x), x.exp());
            x += 0.731;
        }
        for x in [-3.0, -0.5, 0.0, 0.25, 1.0, 7.0] {
            assert!((tanh(x) - f64::tanh(x)).abs() < 1e-14);
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }
}
