//! Follows one channel once its range is loaded: a poll for what is newer every 2 s while new items come, slowing
//! to 10 s while the channel is quiet, none while the tab is hidden (and one as soon as it shows again). A poll
//! whose page fails after the usual retries is shown and tried again 10 s later. With a relative `from`, what
//! falls out of the window is forgotten after each poll. Ends with its run, when Follow is switched off, or when
//! an instant `to` is reached.

use std::rc::Rc;

use leptos::task::spawn_local;
use tickscope_core::{QUIET_POLL_MS, TimeSpec, poll_delay_ms};

use super::channel_run::ChannelRun;
use super::fetch_page::{Fetched, fetch_page};
use super::task_context::TaskContext;
use super::{Range, Run};
use crate::api;
use crate::time::now_us;

/// While waiting, whether the tab was hidden and shows again is checked this often.
const CHECK_MS: u32 = 250;

pub(super) struct FollowTask {
    context: TaskContext,
    range: Range,
}

/// How a poll went.
enum Polled {
    /// Complete; `new` items were not held before.
    Done {
        new: usize,
    },
    Failed,
    /// The run is gone.
    Stopped,
}

impl FollowTask {
    pub(super) fn spawn(run: &Rc<Run>, channel: Rc<ChannelRun>, range: Range) {
        let task = Self {
            context: TaskContext::new(run, channel),
            range,
        };
        spawn_local(task.go());
    }

    async fn go(self) {
        let TaskContext { run, channel } = &self.context;
        // When the channel last got new items (ms, the browser's clock).
        let mut last_new = js_sys::Date::now();
        let mut wait = 0;
        loop {
            if !self.wait(wait).await {
                return;
            }
            let Some(current) = run.upgrade() else {
                return;
            };
            if !current.load.follow.get() {
                break;
            }
            let end = match self.range.to {
                TimeSpec::At(to) if channel.end() >= to => break,
                TimeSpec::At(to) => to.min(now_us()),
                relative => relative.resolve(now_us()),
            };
            drop(current);
            wait = match self.poll(end).await {
                Polled::Done { new } => {
                    if new > 0 {
                        last_new = js_sys::Date::now();
                    }
                    poll_delay_ms(js_sys::Date::now() - last_new)
                }
                Polled::Failed => QUIET_POLL_MS,
                Polled::Stopped => return,
            };
            if self.range.from.is_relative() {
                channel.drop_before(self.range.from.resolve(now_us()));
            }
            if let Some(run) = run.upgrade() {
                run.loader.publish();
            }
        }
        if let Some(run) = run.upgrade() {
            run.follower_done();
        }
    }

    /// Waits `ms`, and for as long as the tab is hidden; a tab that shows again polls at once, and Follow switched
    /// off ends the wait. False when the run is gone meanwhile.
    async fn wait(&self, ms: u32) -> bool {
        let until = js_sys::Date::now() + f64::from(ms);
        let mut was_hidden = false;
        loop {
            let Some(run) = self.context.run.upgrade() else {
                return false;
            };
            if !run.load.follow.get() {
                return true;
            }
            drop(run);
            let hidden = is_hidden();
            let left = until - js_sys::Date::now();
            if !hidden && (was_hidden || left <= 0.0) {
                return true;
            }
            was_hidden |= hidden;
            api::sleep(left.clamp(1.0, f64::from(CHECK_MS)) as u32).await;
        }
    }

    /// One poll up to `end`, page after page.
    async fn poll(&self, end: i64) -> Polled {
        let TaskContext { run, channel } = &self.context;
        let mut new = 0;
        loop {
            let Some(url) = channel.poll_query(end).and_then(|q| self.context.url(&q)) else {
                return Polled::Done { new };
            };
            match fetch_page(&url, &self.context).await {
                Fetched::Page { batch, bytes } => {
                    let Some(run) = run.upgrade() else {
                        return Polled::Stopped;
                    };
                    run.load.meter.borrow_mut().add_bytes(bytes as u64);
                    match channel.accept_poll(batch) {
                        Ok((fresh, complete)) => {
                            new += fresh;
                            if complete {
                                channel.poll_succeeded();
                                return Polled::Done { new };
                            }
                        }
                        Err(e) => {
                            channel.poll_failed(e.to_string());
                            return Polled::Failed;
                        }
                    }
                }
                Fetched::Failed(message) => {
                    channel.poll_failed(message);
                    return Polled::Failed;
                }
                Fetched::Stopped => return Polled::Stopped,
            }
        }
    }
}

fn is_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}
