//! `tickscope-server serve`: the API and the dashboard on one address, demo data on first start.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

use crate::api;
use crate::collect::{self, CollectArgs, Status};
use crate::demo::{self, DemoConfig};
use crate::store::{CollectStore, SqliteStore};
use crate::tls::{self, TlsFiles};

pub struct ServeOptions {
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub dist: PathBuf,
    pub page_bytes: usize,
    /// HTTPS (HTTP/2 and HTTP/1.1) with this certificate instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    /// For tests only; the default changes nothing.
    pub test: api::TestOptions,
    /// Run the collector in this process too (`serve --collect`).
    pub collect: Option<Collect>,
}

/// The collector to run beside the API.
pub struct Collect {
    pub args: CollectArgs,
    pub spool_dir: PathBuf,
}

pub async fn serve(options: ServeOptions) -> Result<(), Box<dyn std::error::Error>> {
    let store = SqliteStore::open(&options.db, options.page_bytes)?;
    if store.is_empty()? {
        let started = Instant::now();
        tracing::info!(db = %options.db.display(), "empty store: generating the demo data set");
        let count = demo::seed(&store, DemoConfig::default()).await?;
        tracing::info!(
            count,
            seconds = started.elapsed().as_secs_f64(),
            "demo data ready"
        );
    }
    serve_store(
        store,
        options.addr,
        options.tls.as_ref(),
        &options.dist,
        &options.test,
        options.collect,
    )
    .await
}

/// Serves the API over any store, and the dashboard's files from `dist`, until Ctrl-C or SIGTERM: over HTTPS
/// when given a certificate, else plain HTTP. With `collect`, the collector runs beside it into the same store,
/// and stops with it after writing what it received.
pub async fn serve_store<S: CollectStore>(
    store: S,
    addr: SocketAddr,
    tls: Option<&TlsFiles>,
    dist: &Path,
    test: &api::TestOptions,
    collect: Option<Collect>,
) -> Result<(), Box<dyn std::error::Error>> {
    // Bad certificate files fail before the port is taken.
    let acceptor = tls.map(tls::acceptor).transpose()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    if test.is_active() {
        tracing::warn!(options = ?test, "serving GET /prod/bitstamp with test options");
    }
    // One listener of the signals, from the start, for the server and the collector alike; a collector that
    // fails stops the server too.
    let (stop, stopping) = watch::channel(false);
    tokio::spawn({
        let stop = stop.clone();
        async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        }
    });
    let status = collect.as_ref().map(|_| Status::default());
    let collector = collect.zip(status.clone()).map(|(collect, status)| {
        let store = store.clone();
        let stopped = until_stopped(stopping.clone());
        tokio::spawn(async move {
            let collected =
                collect::collect(store, collect.args, collect.spool_dir, status, stopped).await;
            if let Err(e) = &collected {
                tracing::error!(error = %e, "the collector stopped: stopping the server");
                let _ = stop.send(true);
            }
            collected
        })
    });
    let app = api::router(Arc::new(store), dist, test, status);
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    // Tests and scripts wait for this first line on stdout. A closed stdout must not stop the server.
    let banner = format!(
        "listening on {scheme}://{addr}\n  dashboard: {scheme}://{addr}/\n  API:       {scheme}://{addr}{}/channels\n",
        api::STAGE
    );
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), banner.as_bytes());
    match acceptor {
        Some(acceptor) => tls::serve(listener, acceptor, app, until_stopped(stopping)).await,
        None => {
            axum::serve(listener, app)
                .with_graceful_shutdown(until_stopped(stopping))
                .await?
        }
    }
    if let Some(collector) = collector {
        collector
            .await
            .map_err(|e| format!("the collector failed: {e}"))?
            .map_err(|e| e.to_string())?;
    }
    tracing::info!("stopped");
    Ok(())
}

async fn until_stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
