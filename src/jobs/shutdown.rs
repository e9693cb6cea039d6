//! A shutdown signal for the worker: triggered by the code that started it,
//! or by SIGTERM / Ctrl-C.

use tokio::sync::watch;

/// Held by whoever may stop the worker. Dropping it also stops the worker,
/// so a worker never outlives the code that owns it.
pub struct ShutdownTrigger(watch::Sender<bool>);

/// Handed to the worker; cheap to clone (one per worker).
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// A connected trigger and signal.
pub fn channel() -> (ShutdownTrigger, Shutdown) {
    let (sender, receiver) = watch::channel(false);
    (ShutdownTrigger(sender), Shutdown(receiver))
}

impl ShutdownTrigger {
    pub fn trigger(&self) {
        // Fails only when every worker is gone already: nothing left to stop.
        let _ = self.0.send(true);
    }
}

impl Shutdown {
    /// A signal raised by SIGTERM or Ctrl-C. Call inside the tokio runtime.
    pub fn on_signal() -> Self {
        let (trigger, shutdown) = channel();
        tokio::spawn(async move {
            os_signal().await;
            tracing::info!("shutdown requested; the worker finishes its current batch");
            trigger.trigger();
        });
        shutdown
    }

    pub fn is_requested(&self) -> bool {
        *self.0.borrow() || self.0.has_changed().is_err()
    }

    /// Resolves once shutdown is requested (or the trigger is dropped).
    pub async fn requested(&mut self) {
        // An error means the trigger was dropped, which also means stop.
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

async fn os_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the worker");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
