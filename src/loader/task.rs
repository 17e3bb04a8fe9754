//! Pages one segment of one channel until it is done, the channel fails, or its run is dropped.

use std::rc::Rc;

use leptos::task::spawn_local;

use super::Run;
use super::channel_run::ChannelRun;
use super::fetch_page::{Fetched, fetch_page};
use super::task_context::TaskContext;

pub(super) struct SegmentTask {
    context: TaskContext,
    segment: usize,
}

impl SegmentTask {
    pub(super) fn spawn(run: &Rc<Run>, channel: Rc<ChannelRun>, segment: usize) {
        let task = Self {
            context: TaskContext::new(run, channel),
            segment,
        };
        spawn_local(task.go());
    }

    async fn go(self) {
        let TaskContext { run, channel } = &self.context;
        let finished = loop {
            let Some(url) = self.next_url() else {
                break !channel.is_failed();
            };
            match fetch_page(&url, &self.context).await {
                Fetched::Page { batch, bytes } => {
                    let Some(run) = run.upgrade() else {
                        return;
                    };
                    run.load.meter.borrow_mut().add_bytes(bytes as u64);
                    if channel.accept(self.segment, batch).is_err() {
                        break false;
                    }
                    // The page may give the first estimate a waiting slot needs.
                    run.rebalance();
                    run.loader.publish();
                }
                Fetched::Failed(message) => {
                    channel.fail(message);
                    break false;
                }
                Fetched::Stopped => {
                    // The run is gone (Cancel, a new Load), or the browser could not start a request.
                    let Some(run) = run.upgrade() else {
                        return;
                    };
                    channel.fail("the browser could not start a request".to_owned());
                    run.task_done(false);
                    return;
                }
            }
        };
        if let Some(run) = run.upgrade() {
            run.task_done(finished);
        }
    }

    fn next_url(&self) -> Option<String> {
        let query = self.context.channel.next_query(self.segment)?;
        self.context.url(&query)
    }
}
