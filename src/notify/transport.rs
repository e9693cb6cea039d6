//! Where messages go: an SMTP server (`FAIRCHANCE_SMTP_URL`), `.eml` files in
//! `<data dir>/outbox/` when no server is configured, or memory for tests.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::store::jobs::Failure;

/// How long one SMTP conversation may take before it counts as a transient
/// failure; short enough for a worker to stop promptly on shutdown.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// At most this many idle connections are kept (one per worker is enough).
const MAX_IDLE: usize = 16;

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
    /// `smtp://` servers, plain or with STARTTLS: connections made here.
    Smtp(Arc<SmtpConnections>),
    /// `smtps://` (implicit TLS): lettre's own pooled transport.
    Smtps {
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
    #[error("cannot connect to the SMTP server {server}: {source}")]
    Connect {
        server: String,
        source: std::io::Error,
    },
    #[error("the SMTP server {0} did not answer within {SMTP_TIMEOUT:?}")]
    Timeout(String),
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
    /// `smtp://...?tls=required` or `?tls=opportunistic` (STARTTLS), or
    /// `smtps://...` (implicit TLS). The default ports, the HELO name (the
    /// URL's path) and the credentials are read as lettre reads them.
    pub fn smtp(url: &str) -> Result<Self, TransportError> {
        let invalid = |e: &dyn std::fmt::Display| TransportError::SmtpUrl(e.to_string());
        let parsed = url::Url::parse(url).map_err(|e| invalid(&e))?;
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| TransportError::SmtpUrl("the URL has no host".to_owned()))?
            .to_owned();
        if parsed.scheme() == "smtps" {
            let server = format!(
                "{host}:{}",
                parsed
                    .port()
                    .map_or_else(|| "default port".to_string(), |p| p.to_string())
            );
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| invalid(&e))?
                .timeout(Some(SMTP_TIMEOUT))
                .build();
            return Ok(Self::Smtps { transport, server });
        }
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (starttls, default_port) = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => (None, 25),
            ("smtp", Some(mode @ ("required" | "opportunistic"))) => {
                let parameters = TlsParameters::new(host.clone()).map_err(|e| invalid(&e))?;
                (Some((parameters, mode == "required")), 587)
            }
            (scheme, tls) => {
                return Err(TransportError::SmtpUrl(format!(
                "unknown scheme {scheme:?} or tls={tls:?}: use smtp://, smtp://...?tls=required, \
                     smtp://...?tls=opportunistic or smtps://"
            )))
            }
        };
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(std::borrow::Cow::into_owned)
                .map_err(|e| invalid(&e))
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(
                decode(parsed.username())?,
                decode(password)?,
            )),
            None => None,
        };
        let port = parsed.port().unwrap_or(default_port);
        Ok(Self::Smtp(Arc::new(SmtpConnections {
            server: format!("{host}:{port}"),
            host,
            port,
            starttls,
            hello,
            credentials,
            idle: Mutex::new(Vec::new()),
        })))
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
            Self::Smtp(connections) => format!("SMTP server {}", connections.server),
            Self::Smtps { server, .. } => format!("SMTP server {server} (implicit TLS)"),
            Self::Files(dir) => format!(".eml files in {}", dir.display()),
            Self::Memory(_) => "memory".to_string(),
        }
    }

    /// Sends one message. `name` is a stable name for it (the key digest),
    /// used for the file name of the `.eml` transport.
    pub async fn send(&self, message: &Message, name: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp(connections) => connections.send(message).await,
            Self::Smtps { transport, .. } => {
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

/// SMTP connections to one server, kept open between messages.
///
/// Made here rather than by lettre's transport for one reason: the socket.
/// lettre writes a message's body and then its closing `.` line as two
/// writes; with Nagle's algorithm on, the kernel holds the short second
/// write until the server acknowledges the body, and the server delays that
/// acknowledgement (it has nothing to say until it sees the `.`): about
/// 40 ms lost on every message. These sockets send at once (TCP_NODELAY).
/// The SMTP conversation itself is still lettre's.
pub struct SmtpConnections {
    host: String,
    port: u16,
    /// For logs: host and port, never the credentials.
    server: String,
    /// STARTTLS parameters and whether TLS is required (`tls=required`) or
    /// used when offered (`tls=opportunistic`).
    starttls: Option<(TlsParameters, bool)>,
    hello: ClientId,
    credentials: Option<Credentials>,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl SmtpConnections {
    /// Sends one message on a kept connection, or a new one; the connection
    /// is kept again only when the conversation ended cleanly.
    async fn send(&self, message: &Message) -> Result<(), SendError> {
        let bytes = message.formatted();
        let mut connection = self.take().await?;
        let sent =
            tokio::time::timeout(SMTP_TIMEOUT, connection.send(message.envelope(), &bytes)).await;
        match sent {
            Ok(Ok(_)) => {
                self.keep(connection);
                Ok(())
            }
            Ok(Err(e)) => {
                connection.abort().await;
                Err(SendError::Smtp(e))
            }
            Err(_) => Err(SendError::Timeout(self.server.clone())),
        }
    }

    /// A kept connection that still answers, or a new one.
    async fn take(&self) -> Result<AsyncSmtpConnection, SendError> {
        loop {
            let kept = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let Some(mut connection) = kept else {
                break;
            };
            if connection.has_broken() {
                continue;
            }
            // A NOOP first, as lettre's own pool does: the server may have
            // closed the connection (a restart, an idle timeout), and a
            // message must not fail for that.
            let alive = tokio::time::timeout(SMTP_TIMEOUT, connection.test_connected()).await;
            if matches!(alive, Ok(true)) {
                return Ok(connection);
            }
        }
        tokio::time::timeout(SMTP_TIMEOUT, self.connect())
            .await
            .map_err(|_| SendError::Timeout(self.server.clone()))?
    }

    fn keep(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE && !connection.has_broken() {
            idle.push(connection);
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let connect_error = |source| SendError::Connect {
            server: self.server.clone(),
            source,
        };
        let socket = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(connect_error)?;
        socket.set_nodelay(true).map_err(connect_error)?;
        let mut connection =
            AsyncSmtpConnection::connect_with_transport(Box::new(socket), &self.hello).await?;
        if let Some((parameters, required)) = &self.starttls {
            if connection.can_starttls() {
                connection.starttls(parameters.clone(), &self.hello).await?;
            } else if *required {
                connection.abort().await;
                return Err(SendError::Connect {
                    server: self.server.clone(),
                    source: std::io::Error::other(
                        "the server does not offer STARTTLS, and the URL says tls=required",
                    ),
                });
            }
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(connection)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str) -> String {
        Transport::smtp(url).expect(url).describe()
    }

    // lettre's pooled transport (smtps://) needs a runtime to be built in.
    #[tokio::test]
    async fn smtp_urls_are_read_as_documented() {
        assert_eq!(
            server("smtp://127.0.0.1:2525"),
            "SMTP server 127.0.0.1:2525"
        );
        assert_eq!(
            server("smtp://mail.example.org"),
            "SMTP server mail.example.org:25"
        );
        assert_eq!(
            server("smtp://user:p%40ss@mail.example.org?tls=required"),
            "SMTP server mail.example.org:587"
        );
        assert_eq!(
            server("smtp://mail.example.org:2587?tls=opportunistic"),
            "SMTP server mail.example.org:2587"
        );
        assert_eq!(
            server("smtps://mail.example.org"),
            "SMTP server mail.example.org:default port (implicit TLS)"
        );
        for bad in [
            "http://mail.example.org",
            "smtp://mail.example.org?tls=sometimes",
            "smtp://",
            "not a url",
        ] {
            assert!(Transport::smtp(bad).is_err(), "{bad}");
        }
    }
}
