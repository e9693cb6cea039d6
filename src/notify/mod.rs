//! Email: composed from templates inside the transaction that causes it,
//! queued in the outbox, sent by the worker.
//!
//! The job payload is the rendered message ([`Email`]), not the ids to
//! render it from. The email then says what was true when its cause was
//! committed (a later edit cannot change or break a queued message), a
//! retry sends the very same bytes under the same Message-ID, and the
//! worker needs no database reads to send. Rendering cannot fail at run
//! time on data (askama checks templates at compile time), so doing it in
//! the caller's transaction costs microseconds.
//!
//! Each typed function in [`officer`] and [`employer`] takes `&mut impl
//! AsTx`: call it inside the transaction that makes the change, so the email
//! exists exactly when the change does. Its idempotency key names the cause
//! (an application reaching a status, a week of a person's release
//! countdown), so calling it twice, or two workers running the same scan,
//! queues one message; the key also fixes the Message-ID, so a resend after
//! a crash between send and acknowledgement is recognised by receivers as
//! the same message.

pub mod employer;
pub mod officer;
pub mod slots;
pub mod templates;
pub mod transport;

use chrono::NaiveDateTime;
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::store::jobs::{self, NewJob};
use crate::store::notifications::Recipient;
use crate::store::{AsTx, StoreError};

pub use transport::{SendError, SentEmail, Transport, TransportError};

/// The job kind that sends one [`Email`].
pub const JOB_KIND: &str = "email.send";

/// Attempts before an email is dead-lettered. With the queue's backoff
/// (10 s doubling, capped at an hour) ten attempts span about two and a half
/// hours, long enough to ride out a mail server restart or a short outage.
pub const MAX_ATTEMPTS: i32 = 10;

/// A rendered email: the payload of an `email.send` job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The idempotency key: one key, one message, however often it is queued
    /// or sent. Also the source of the Message-ID.
    pub key: String,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("an email template failed to render: {0}")]
    Render(#[from] askama::Error),
}

impl From<diesel::result::Error> for NotifyError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::from(e))
    }
}

pub type NotifyResult<T> = Result<T, NotifyError>;

/// Why a queued email could not become a message.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("FAIRCHANCE_MAIL_FROM is not an address: {0}")]
    From(String),
    #[error("the recipient address {address:?} is invalid: {reason}")]
    Recipient { address: String, reason: String },
    #[error("the message cannot be built: {0}")]
    Build(#[from] lettre::error::Error),
}

/// Queues `email` for sending, in the caller's transaction. Returns the job
/// id, or None when an email with the same key was queued before.
pub fn enqueue(tx: &mut impl AsTx, email: &Email, at: NaiveDateTime) -> NotifyResult<Option<i64>> {
    let mut job = NewJob::new(JOB_KIND, email, at)?.key(format!("email:{}", email.key));
    job.max_attempts = MAX_ATTEMPTS;
    Ok(jobs::enqueue(tx, job, at)?)
}

/// Queues an email whose body carries a one-time link (an invitation):
/// the payload is sealed with XChaCha20-Poly1305 under a key derived from
/// the installation's secret key, so a copy of the database alone redeems
/// nothing. Only the recipient and subject stay readable, for the queue
/// page. The worker opens it with [`open_payload`].
pub fn enqueue_sealed(
    tx: &mut impl AsTx,
    secret_key: &[u8],
    email: &Email,
    at: NaiveDateTime,
) -> NotifyResult<Option<i64>> {
    let sealed = seal(secret_key, email)?;
    let mut job = NewJob::new(JOB_KIND, &sealed, at)?.key(format!("email:{}", email.key));
    job.max_attempts = MAX_ATTEMPTS;
    Ok(jobs::enqueue(tx, job, at)?)
}

/// The payload of a sealed email job.
#[derive(Serialize, Deserialize)]
struct SealedEmail {
    to_address: String,
    subject: String,
    /// Base64 of the 24-byte nonce followed by the ciphertext of the
    /// [`Email`] as JSON.
    sealed: String,
}

/// What binds a ciphertext to its use: a sealed email cannot be passed off
/// as anything else sealed with the same key.
const SEAL_CONTEXT: &[u8] = b"fairchance email payload v1";

fn seal_cipher(secret_key: &[u8]) -> chacha20poly1305::XChaCha20Poly1305 {
    use chacha20poly1305::KeyInit;
    use hmac::{Hmac, Mac};
    // A key of its own, derived from the secret key (HMAC-SHA256 as a KDF).
    let key: [u8; 32] = match <Hmac<Sha256> as Mac>::new_from_slice(secret_key) {
        Ok(mut mac) => {
            mac.update(b"email-seal-key");
            mac.finalize().into_bytes().into()
        }
        Err(_) => Sha256::digest(secret_key).into(),
    };
    chacha20poly1305::XChaCha20Poly1305::new(&key.into())
}

fn seal(secret_key: &[u8], email: &Email) -> NotifyResult<SealedEmail> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, AeadCore, OsRng, Payload};
    let plain = serde_json::to_vec(email)
        .map_err(|e| NotifyError::Store(StoreError::Task(format!("email payload: {e}"))))?;
    let nonce = chacha20poly1305::XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = seal_cipher(secret_key)
        .encrypt(
            &nonce,
            Payload {
                msg: &plain,
                aad: SEAL_CONTEXT,
            },
        )
        .map_err(|_| NotifyError::Store(StoreError::Task("sealing an email failed".into())))?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&ciphertext);
    Ok(SealedEmail {
        to_address: email.to_address.clone(),
        subject: email.subject.clone(),
        sealed: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Reads a queued email's payload, opening it when sealed. Fails when the
/// payload is not an email, or was sealed under another secret key (the
/// key was changed while it waited).
pub fn open_payload(secret_key: &[u8], payload: &str) -> Result<Email, String> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, Payload};
    let value: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| format!("not JSON: {e}"))?;
    if value.get("sealed").is_none() {
        return serde_json::from_value(value).map_err(|e| format!("not an email: {e}"));
    }
    let sealed: SealedEmail =
        serde_json::from_value(value).map_err(|e| format!("not a sealed email: {e}"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed.sealed.as_bytes())
        .map_err(|e| format!("sealed email is not base64: {e}"))?;
    if bytes.len() < 24 {
        return Err("sealed email is too short".into());
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    let plain = seal_cipher(secret_key)
        .decrypt(
            chacha20poly1305::XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: SEAL_CONTEXT,
            },
        )
        .map_err(|_| {
            "the sealed email cannot be opened with this secret key (was FAIRCHANCE_SECRET_KEY changed?)"
                .to_string()
        })?;
    serde_json::from_slice(&plain).map_err(|e| format!("sealed email is not an email: {e}"))
}

/// A short, stable digest of an idempotency key: names the Message-ID and
/// the `.eml` file, and carries nothing personal.
pub fn key_digest(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The Message-ID for a key: the same key always gives the same ID, so a
/// resent message is the same message to a receiver. Keys repeat across
/// installations ("application-forwarded:17" exists in every one), so the
/// ID is keyed with the installation's secret: two installations never
/// send one ID for different messages, and the ID reveals nothing of the key.
pub fn message_id(secret_key: &[u8], key: &str, from: &Mailbox) -> String {
    use hmac::{Hmac, Mac};
    let digest: String = match Hmac::<Sha256>::new_from_slice(secret_key) {
        Ok(mut mac) => {
            mac.update(b"message-id\0");
            mac.update(key.as_bytes());
            mac.finalize()
                .into_bytes()
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect()
        }
        // HMAC takes keys of any length; this arm is never reached.
        Err(_) => key_digest(key),
    };
    format!("<{digest}@{}>", from.email.domain())
}

/// Builds the MIME message (text and HTML alternatives) for a queued email.
pub fn build_message(
    email: &Email,
    mail_from: &str,
    secret_key: &[u8],
) -> Result<Message, MessageError> {
    let from: Mailbox = mail_from
        .parse()
        .map_err(|e: lettre::address::AddressError| MessageError::From(e.to_string()))?;
    let address: Address =
        email
            .to_address
            .trim()
            .parse()
            .map_err(|e: lettre::address::AddressError| MessageError::Recipient {
                address: email.to_address.clone(),
                reason: e.to_string(),
            })?;
    let to_name = Some(email.to_name.trim().to_string()).filter(|n| !n.is_empty());
    Ok(Message::builder()
        .message_id(Some(message_id(secret_key, &email.key, &from)))
        .from(from)
        .to(Mailbox::new(to_name, address))
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))?)
}

/// An absolute link into the service, from `FAIRCHANCE_BASE_URL` (which may
/// carry a path prefix such as `https://example.org/jobs`).
pub fn link(config: &Config, path: &str) -> String {
    let base = config.base_url.as_str().trim_end_matches('/');
    format!("{base}/{}", path.trim_start_matches('/'))
}

/// Paths the emails link to, in one place for the web routes to match.
pub mod paths {
    pub const OFFICER_MATCHES: &str = "/officer/matches";

    pub fn officer_application(id: i64) -> String {
        format!("/officer/applications/{id}")
    }

    pub fn officer_profile(id: i64) -> String {
        format!("/officer/profiles/{id}")
    }

    /// The person's matches page answering "why not?" for one vacancy.
    pub fn officer_why_not(profile_id: i64, vacancy_id: i64) -> String {
        format!("/officer/profiles/{profile_id}/matches?why_not={vacancy_id}")
    }

    pub const EMPLOYER_SIGN_IN: &str = "/sign-in";

    pub fn employer_application(id: i64) -> String {
        format!("/employer/applications/{id}")
    }

    pub fn employer_vacancy(id: i64) -> String {
        format!("/employer/vacancies/{id}")
    }

    pub const EMPLOYER_BOOKINGS: &str = "/employer/bookings";
}

/// A one-line description of a queued email for the administrator's queue
/// page: recipient and subject, never the body.
pub fn describe(payload: &str) -> Option<String> {
    // Plain and sealed payloads both carry these two in the clear.
    #[derive(Deserialize)]
    struct Summary {
        to_address: String,
        subject: String,
    }
    let email: Summary = serde_json::from_str(payload).ok()?;
    Some(format!("to {}: {}", email.to_address, email.subject))
}

fn recipient_email(to: &Recipient, key: String, parts: templates::Parts) -> Email {
    Email {
        key,
        to_name: to.name.clone(),
        to_address: to.email.clone(),
        subject: parts.subject,
        text: parts.text,
        html: parts.html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        let vars = [
            ("FAIRCHANCE_DATA_DIR", dir.path().display().to_string()),
            ("FAIRCHANCE_BASE_URL", base.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Config::from_vars(&vars).unwrap()
    }

    #[test]
    fn links_keep_the_base_url_and_its_path_prefix() {
        for base in [
            "https://jobs.example.org/fc",
            "https://jobs.example.org/fc/",
        ] {
            assert_eq!(
                link(&config(base), "/officer/matches"),
                "https://jobs.example.org/fc/officer/matches"
            );
        }
        assert_eq!(
            link(
                &config("http://127.0.0.1:8080"),
                &paths::officer_application(7)
            ),
            "http://127.0.0.1:8080/officer/applications/7"
        );
    }

    #[test]
    fn a_queued_email_becomes_a_two_part_message_with_a_stable_id() {
        let email = Email {
            key: "k".into(),
            to_name: "Olive Officer".into(),
            to_address: "olive@example.org".into(),
            subject: "Hello".into(),
            text: "Hello\n".into(),
            html: "<p>Hello</p>\n".into(),
        };
        let from = "Fair Chance Jobs <no-reply@fairchance.invalid>";
        let key = [9u8; 32];
        let raw =
            String::from_utf8(build_message(&email, from, &key).unwrap().formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        let id = message_id(&key, "k", &from.parse().unwrap());
        assert!(raw.contains(&format!("Message-ID: {id}")), "{raw}");
        assert_ne!(
            id,
            message_id(&[8u8; 32], "k", &from.parse().unwrap()),
            "another installation's ID for the same key differs"
        );
        let bad = Email {
            to_address: "nobody".into(),
            ..email
        };
        assert!(matches!(
            build_message(&bad, from, &key),
            Err(MessageError::Recipient { .. })
        ));
    }
}
