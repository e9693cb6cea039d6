//! Identity: staff roles, password hashing and secret tokens.

pub mod actor;
pub mod hashing;
pub mod password;
pub mod token;

use serde::Serialize;

/// The role of a staff account. Job seekers are not users: they sign in on a
/// terminal with a login code and PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Admin,
    Officer,
    Employer,
}

impl StaffRole {
    pub const ALL: [StaffRole; 3] = [StaffRole::Admin, StaffRole::Officer, StaffRole::Employer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Officer => "officer",
            Self::Employer => "employer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// What an integration token may do with its service's profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum IntegrationScope {
    /// List and read profiles (the restricted sections too, audited).
    #[serde(rename = "profiles:read")]
    ProfilesRead,
    /// Everything `ProfilesRead` may, and create and change profiles.
    #[serde(rename = "profiles:write")]
    ProfilesWrite,
}

impl IntegrationScope {
    pub const ALL: [IntegrationScope; 2] = [Self::ProfilesRead, Self::ProfilesWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProfilesRead => "profiles:read",
            Self::ProfilesWrite => "profiles:write",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether a token of this scope may create and change profiles.
    pub fn can_write(self) -> bool {
        self == Self::ProfilesWrite
    }
}
