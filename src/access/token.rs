//! Random secrets handed to a client once (session cookies, API tokens,
//! enrolment codes) and stored only as a SHA-256 digest.

use rand::{distributions::Alphanumeric, Rng, RngCore};
use sha2::{Digest, Sha256};

/// 32 random bytes as 64 hex characters.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

/// A short code a person types, from an alphabet without look-alikes.
pub fn new_code(length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..length)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A six-digit PIN for a job seeker.
pub fn new_pin() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// Random letters and digits, for values that are never typed.
pub fn new_alphanumeric(length: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

/// The start of an employer API token's secret.
pub const EMPLOYER_TOKEN_KIND: &str = "fcj";
/// The start of an integration token's secret.
pub const INTEGRATION_TOKEN_KIND: &str = "fci";

/// Characters of an API secret shown in lists, so its owner can tell
/// tokens apart.
const SHOWN_PREFIX: usize = 10;

/// A bearer secret for an API client, `{kind}_` and 40 letters and digits,
/// and its first characters for lists. `kind` tells which table holds its
/// digest (`fcj` employer tokens, `fci` integration tokens).
pub fn new_api_secret(kind: &str) -> (String, String) {
    let secret = format!("{kind}_{}", new_alphanumeric(40));
    let prefix = secret.chars().take(SHOWN_PREFIX).collect();
    (secret, prefix)
}

pub fn digest(secret: &str) -> String {
    to_hex(&Sha256::digest(secret.as_bytes()))
}

/// A digest of `text` keyed with the installation's secret, for values
/// that must be compared or grouped but never kept as typed (what someone
/// typed as an email address at sign-in may be a password). `purpose`
/// separates uses, so one digest cannot stand in for another.
pub fn keyed_digest(secret_key: &[u8], purpose: &str, text: &str) -> String {
    use hmac::{Hmac, Mac};
    match Hmac::<Sha256>::new_from_slice(secret_key) {
        Ok(mut mac) => {
            mac.update(purpose.as_bytes());
            mac.update(b"\0");
            mac.update(text.as_bytes());
            to_hex(&mac.finalize().into_bytes()[..16])
        }
        // HMAC takes keys of any length; this arm is never reached.
        Err(_) => to_hex(&Sha256::digest(text.as_bytes())[..16]),
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_digests_stable() {
        assert_ne!(new_secret(), new_secret());
        assert_eq!(new_secret().len(), 64);
        assert_eq!(digest("abc"), digest("abc"));
        assert_ne!(digest("abc"), digest("abd"));
        let code = new_code(8);
        assert_eq!(code.len(), 8);
        assert!(code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert!(!code.contains('0') && !code.contains('O') && !code.contains('I'));
    }
}
