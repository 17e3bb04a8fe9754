//! When a DynamoDB write is tried again. Pure: the caller passes the random number and does the waiting.

use std::time::Duration;

use tickscope_core::Backoff;

/// 50 ms doubling to 5 s. Twelve attempts in a row that write nothing (about half a minute of waiting) give up;
/// an attempt that writes anything starts the backoff over, so a slow but moving table never gives up.
const BACKOFF: Backoff = Backoff {
    base_ms: 50,
    cap_ms: 5_000,
    max_retries: 12,
};

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Done,
    Wait(Duration),
    GiveUp,
}

/// The retry state of one batch.
#[derive(Debug, Default)]
pub struct RetryPlan {
    stalled: u32,
}

impl RetryPlan {
    /// After an attempt that sent `sent` items and left `left` of them unwritten (all of them when the request
    /// failed), with `random_unit` uniform in `[0, 1)` for the jitter.
    pub fn after_attempt(&mut self, sent: usize, left: usize, random_unit: f64) -> Next {
        if left == 0 {
            return Next::Done;
        }
        let attempt = if left < sent { 0 } else { self.stalled };
        self.stalled = attempt + 1;
        match BACKOFF.delay_ms(attempt, random_unit) {
            Some(ms) => Next::Wait(Duration::from_millis(ms.into())),
            None => Next::GiveUp,
        }
    }
}

/// Whether a failed request is worth another try: throttling, DynamoDB's own failures, or no answer at all
/// (`code` and `status` both `None`: a timeout or a broken connection).
pub fn is_transient(code: Option<&str>, status: Option<u16>) -> bool {
    const TRANSIENT_CODES: [&str; 6] = [
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
    ];
    match (code, status) {
        (None, None) => true,
        (code, status) => {
            code.is_some_and(|c| TRANSIENT_CODES.contains(&c)) || status.is_some_and(|s| s >= 500)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_ms(next: Next) -> u128 {
        match next {
            Next::Wait(d) => d.as_millis(),
            other => panic!("expected a wait, got {other:?}"),
        }
    }

    #[test]
    fn a_batch_is_done_when_nothing_is_left() {
        assert_eq!(RetryPlan::default().after_attempt(25, 0, 0.5), Next::Done);
    }

    #[test]
    fn stalled_attempts_back_off_then_give_up() {
        let mut plan = RetryPlan::default();
        let waits: Vec<u128> = (0..12)
            .map(|_| wait_ms(plan.after_attempt(25, 25, 0.999)))
            .collect();
        assert_eq!(
            waits,
            [
                49, 99, 199, 399, 799, 1598, 3196, 4995, 4995, 4995, 4995, 4995
            ]
        );
        assert_eq!(plan.after_attempt(25, 25, 0.999), Next::GiveUp);
    }

    #[test]
    fn progress_starts_the_backoff_over() {
        let mut plan = RetryPlan::default();
        for _ in 0..11 {
            plan.after_attempt(25, 25, 0.5);
        }
        assert_eq!(wait_ms(plan.after_attempt(25, 24, 0.999)), 49);
        assert_eq!(wait_ms(plan.after_attempt(24, 24, 0.999)), 99);
    }

    #[test]
    fn throttling_and_server_errors_are_transient_client_errors_are_not() {
        assert!(is_transient(
            Some("ProvisionedThroughputExceededException"),
            Some(400)
        ));
        assert!(is_transient(Some("ThrottlingException"), Some(400)));
        assert!(is_transient(None, Some(503)));
        assert!(is_transient(None, None));
        assert!(!is_transient(Some("ValidationException"), Some(400)));
        assert!(!is_transient(Some("ResourceNotFoundException"), Some(400)));
    }
}
