//! Where messages go: an SMTP server (`FAIRCHANCE_SMTP_URL`), `.eml` files in
//! `<data dir>/outbox/` when no server is configured, or memory for tests.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::store::jobs::Failure;

/// How long one SMTP conversation may take before it counts as a transient
/// failure; short enough for a worker to stop promptly on shutdown.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// A message as the memory transport keeps it.
#[derive(Clone, Debug)]
pub struct SentEmail {
    pub envelope_to: Vec<String>,
    pub message_id: Option<String>,
    /// The whole message as it would go over the wire.
    pub raw: Vec<u8>,
}

#[derive(Clone)]
pub enum Transport {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// Host and port, for logs (never the credentials).
        server: String,
    },
    /// One `.eml` file per message in this directory, named after the
    /// message's key, so a resend overwrites rather than duplicates.
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<SentEmail>>>),
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("FAIRCHANCE_SMTP_URL: {0}")]
    SmtpUrl(String),
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot write {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

impl SendError {
    /// SMTP 5xx is permanent; everything else (connection refused, timeout,
    /// 4xx, TLS hiccups, a full disk) may pass, so it is retried.
    pub fn failure(&self) -> Failure {
        match self {
            Self::Smtp(e) if e.is_permanent() => Failure::Permanent,
            _ => Failure::Transient,
        }
    }
}

impl Transport {
    /// SMTP when `FAIRCHANCE_SMTP_URL` is set, otherwise `.eml` files in the
    /// data directory's `outbox/`.
    pub fn from_config(config: &Config) -> Result<Self, TransportError> {
        match &config.smtp_url {
            Some(url) => Self::smtp(url),
            None => Ok(Self::Files(config.data_dir.join("outbox"))),
        }
    }

    /// `smtp://[user:password@]host[:port]` (no TLS),
    /// `smtp://...?tls=required` (STARTTLS), or `smtps://...` (implicit TLS).
    pub fn smtp(url: &str) -> Result<Self, TransportError> {
        let parsed = url::Url::parse(url).map_err(|e| TransportError::SmtpUrl(e.to_string()))?;
        let server = format!(
            "{}:{}",
            parsed.host_str().unwrap_or_default(),
            parsed
                .port()
                .map_or_else(|| "default port".to_string(), |p| p.to_string())
        );
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| TransportError::SmtpUrl(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self::Smtp { transport, server })
    }

    pub fn memory() -> Self {
        Self::Memory(Arc::new(Mutex::new(Vec::new())))
    }

    /// What the memory transport holds (empty for the others).
    pub fn sent(&self) -> Vec<SentEmail> {
        match self {
            // A panic while holding the lock cannot leave the list half
            // written, so a poisoned lock is still good to read.
            Self::Memory(sent) => sent.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            _ => Vec::new(),
        }
    }

    /// For logs: where messages go.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { server, .. } => format!("SMTP server {server}"),
            Self::Files(dir) => format!(".eml files in {}", dir.display()),
            Self::Memory(_) => "memory".to_string(),
        }
    }

    /// Sends one message. `name` is a stable name for it (the key digest),
    /// used for the file name of the `.eml` transport.
    pub async fn send(&self, message: &Message, name: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp { transport, .. } => {
                transport
                    .send_raw(message.envelope(), &message.formatted())
                    .await?;
                Ok(())
            }
            Self::Files(dir) => write_eml(dir, name, &message.formatted()).await,
            Self::Memory(sent) => {
                let envelope_to = message
                    .envelope()
                    .to()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let message_id = message.headers().get_raw("Message-ID").map(str::to_string);
                sent.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(SentEmail {
                        envelope_to,
                        message_id,
                        raw: message.formatted(),
                    });
                Ok(())
            }
        }
    }
}

/// Writes to a temporary name and renames, so a reader of the outbox never
/// sees half a message, and a resend replaces the file it wrote before.
async fn write_eml(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), SendError> {
    let file_error = |path: &Path| {
        let path = path.display().to_string();
        move |source| SendError::File { path, source }
    };
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(file_error(dir))?;
    let target = dir.join(format!("{name}.eml"));
    let temporary = dir.join(format!(".{name}.{:016x}.tmp", rand::random::<u64>()));
    tokio::fs::write(&temporary, bytes)
        .await
        .map_err(file_error(&temporary))?;
    tokio::fs::rename(&temporary, &target)
        .await
        .map_err(file_error(&target))
}
