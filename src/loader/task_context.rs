//! What a task of a run (paging a segment, following a channel) gives the fetch loop: its run's abort signals,
//! whether the run is still current, and where retries are counted.

use std::rc::{Rc, Weak};

use tickscope_core::Backoff;
use web_sys::AbortController;

use super::Run;
use super::channel_run::ChannelRun;
use super::fetch_page::FetchContext;

pub(super) struct TaskContext {
    pub run: Weak<Run>,
    pub channel: Rc<ChannelRun>,
}

impl TaskContext {
    pub fn new(run: &Rc<Run>, channel: Rc<ChannelRun>) -> Self {
        Self {
            run: Rc::downgrade(run),
            channel,
        }
    }

    /// `{api}/bitstamp?{query}` of this run's API.
    pub fn url(&self, query: &str) -> Option<String> {
        let run = self.run.upgrade()?;
        Some(format!("{}/bitstamp?{query}", run.load.base))
    }
}

impl FetchContext for TaskContext {
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
