//! Argon2id for every secret a person types (staff passwords, seeker PINs).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP's recommended minimum for argon2id: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("could not hash the secret: {0}")]
pub struct HashError(String);

pub fn hash(secret: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks a secret against a stored PHC string; a malformed hash never verifies.
pub fn verify(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| hasher().verify_password(secret.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Why a new password is not accepted, in words for the form.
pub fn check_strength(password: &str, email: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < 12 {
        return Err("Use at least 12 characters");
    }
    if length > 200 {
        return Err("Use 200 characters or fewer");
    }
    if !email.is_empty() && password.to_lowercase().contains(&email.to_lowercase()) {
        return Err("Do not use your email address in your password");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_argon2id_and_verifies() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn strength_rules() {
        assert!(check_strength("short", "a@b.c").is_err());
        assert!(check_strength("officer@example.org!", "officer@example.org").is_err());
        assert!(check_strength("a long enough passphrase", "a@b.c").is_ok());
    }
}
