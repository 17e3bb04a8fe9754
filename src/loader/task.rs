//! Pages one segment of one channel until it is done, the channel fails, or its run is dropped.

use std::rc::{Rc, Weak};

use leptos::task::spawn_local;
use tickscope_core::Backoff;
use web_sys::AbortController;

use super::Run;
use super::channel_run::ChannelRun;
use super::fetch_page::{FetchContext, Fetched, fetch_page};

pub(super) struct SegmentTask {
    run: Weak<Run>,
    channel: Rc<ChannelRun>,
    segment: usize,
}

impl SegmentTask {
    pub(super) fn spawn(run: &Rc<Run>, channel: Rc<ChannelRun>, segment: usize) {
        let task = Self {
            run: Rc::downgrade(run),
            channel,
            segment,
        };
        spawn_local(task.go());
    }

    async fn go(self) {
        let finished = loop {
            let Some(url) = self.next_url() else {
                break !self.channel.is_failed();
            };
            match fetch_page(&url, &self).await {
                Fetched::Page { batch, bytes } => {
                    let Some(run) = self.run.upgrade() else {
                        return;
                    };
                    run.load.meter.borrow_mut().add_bytes(bytes as u64);
                    if self.channel.accept(self.segment, batch).is_err() {
                        break false;
                    }
                    // The page may give the first estimate a waiting slot needs.
                    run.rebalance();
                    run.loader.publish();
                }
                Fetched::Failed(message) => {
                    self.channel.fail(message);
                    break false;
                }
                Fetched::Stopped => {
                    // The run is gone (Cancel, a new Load), or the browser could not start a request.
                    let Some(run) = self.run.upgrade() else {
                        return;
                    };
                    self.channel
                        .fail("the browser could not start a request".to_owned());
                    run.task_done(false);
                    return;
                }
            }
        };
        if let Some(run) = self.run.upgrade() {
            run.task_done(finished);
        }
    }

    fn next_url(&self) -> Option<String> {
        let run = self.run.upgrade()?;
        let query = self.channel.next_query(self.segment)?;
        Some(format!("{}/bitstamp?{query}", run.load.base))
    }
}

impl FetchContext for SegmentTask {
    fn controller(&self) -> Option<AbortController> {
        let run = self.run.upgrade()?;
        let controller = AbortController::new().ok()?;
        run.in_flight.borrow_mut().push(controller.clone());
        Some(controller)
    }

    fn release(&self, controller: &AbortController) {
        if let Some(run) = self.run.upgrade() {
            run.in_flight.borrow_mut().retain(|c| c != controller);
        }
    }

    fn is_live(&self) -> bool {
        self.run.strong_count() > 0
    }

    fn backoff(&self) -> Backoff {
        Backoff::default()
    }

    fn retrying(&self, _attempt: u32, reason: &str) {
        self.channel.count_retry();
        web_sys::console::log_1(&format!("retrying {}: {reason}", self.channel.channel()).into());
        if let Some(run) = self.run.upgrade() {
            run.loader.publish();
        }
    }
}
