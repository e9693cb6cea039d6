//! Settings from environment variables. Every variable is listed in the
//! README with its default; an invalid value stops start-up with a message
//! that names the variable.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::RngCore;
use url::Url;

/// The prefix of the search index names when `FAIRCHANCE_SEARCH_PREFIX` is
/// not set.
pub const DEFAULT_SEARCH_PREFIX: &str = "fairchance_";

/// Whether `prefix` may start an index name: letters, digits, '-' and '_'.
pub fn is_index_prefix(prefix: &str) -> bool {
    prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parses `FAIRCHANCE_TRUSTED_PROXIES`: addresses or CIDR blocks separated
/// by commas or spaces.
pub fn parse_trusted(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("{item:?} is not an IP address or CIDR block"))
        })
        .collect()
}

/// A setting that could not be used, naming the variable it came from.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn invalid(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

/// Where the rows live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if let Some(path) = value
            .strip_prefix("sqlite://")
            .or_else(|| value.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(
                    "a sqlite URL needs a file path, e.g. sqlite://data/fairchance.sqlite3".into(),
                );
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            let url = Url::parse(value).map_err(|e| format!("not a valid PostgreSQL URL ({e})"))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(
                    "a PostgreSQL URL needs a host, e.g. postgres://postgres@127.0.0.1/fairchance"
                        .into(),
                );
            }
            if url.path().trim_start_matches('/').is_empty() {
                return Err("a PostgreSQL URL needs a database name, e.g. postgres://postgres@127.0.0.1/fairchance".into());
            }
            return Ok(Self::Postgres(value.to_string()));
        }
        Err("expected postgres://USER@HOST/DATABASE or sqlite://PATH".into())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchEngineKind {
    Embedded,
    Meilisearch {
        url: String,
        api_key: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    pub base_url: Url,
    /// Key material for signing cookies; at least 32 bytes.
    pub secret_key: Vec<u8>,
    pub search: SearchEngineKind,
    /// Prefix of the search index names, so several installations can
    /// share one Meilisearch server.
    pub search_prefix: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub pool_size: u32,
    pub demo: bool,
    pub run_worker: bool,
    pub log_format: LogFormat,
    pub digest_tick: Duration,
    /// How long a claimed job is held before another worker may take it
    /// (its worker is presumed dead).
    pub job_lease: Duration,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long people's data is kept; read by the retention pass, the
    /// privacy page and the record of processing alike.
    pub retention: Retention,
}

/// How long personal data is kept after release and after the licence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Whole months after the release date before a person is anonymised.
    pub months_after_release: u32,
    /// Days after the licence conditions end before the restricted sections
    /// (offences, licence conditions, barred lists) are deleted; 0 means on
    /// the day after they end.
    pub restricted_days_after_licence: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            months_after_release: 24,
            restricted_days_after_licence: 0,
        }
    }
}

impl Config {
    /// The address people are told to write to (a pending employer, for
    /// example): the address part of FAIRCHANCE_MAIL_FROM.
    pub fn contact_address(&self) -> String {
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.to_string())
            .unwrap_or_else(|_| self.mail_from.clone())
    }
}

/// The variables this service reads, for the README and `--help`.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    ("FAIRCHANCE_DATA_DIR", "./data", "Directory for the SQLite file, the embedded search index, the .eml outbox and the generated secret key."),
    ("FAIRCHANCE_DATABASE_URL", "sqlite://<data dir>/fairchance.sqlite3", "sqlite://PATH or postgres://USER@HOST[:PORT]/DATABASE (created when missing)."),
    ("FAIRCHANCE_BIND", "127.0.0.1:8080", "Address and port the web server listens on."),
    ("FAIRCHANCE_BASE_URL", "http://<bind>", "Public address used for links in emails; https turns on HSTS."),
    ("FAIRCHANCE_SECRET_KEY", "generated into <data dir>/secret.key", "At least 32 bytes, hex or base64, for signing cookies. Set the same value on every web instance."),
    ("FAIRCHANCE_SEARCH", "embedded", "Search engine: embedded (on disk in the data directory) or meilisearch."),
    ("MEILISEARCH_URL", "(none)", "Meilisearch address, required when FAIRCHANCE_SEARCH=meilisearch."),
    ("MEILISEARCH_API_KEY", "(none)", "Meilisearch API key."),
    ("FAIRCHANCE_SEARCH_PREFIX", "fairchance_", "Prefix of the search index names (letters, digits, - and _), so staging and production can share one Meilisearch."),
    ("FAIRCHANCE_SMTP_URL", "(none: .eml files in <data dir>/outbox)", "smtp://, smtp://...?tls=required (STARTTLS) or smtps:// with user:password@host:port."),
    ("FAIRCHANCE_MAIL_FROM", "Fair Chance Jobs <no-reply@fairchance.invalid>", "Sender of every email."),
    ("FAIRCHANCE_DB_POOL_SIZE", "8", "Database connections per process (1-64)."),
    ("FAIRCHANCE_DEMO", "on", "Seed the demo data set into an empty database at start (on/off). Turn off in production."),
    ("FAIRCHANCE_WORKER", "on", "Run the background worker inside `serve` (on/off). Turn off when running separate `worker` processes."),
    ("FAIRCHANCE_JOB_LEASE_SECONDS", "300", "How long a job a worker has claimed is held before another worker takes it over, when its worker died (10-3600). Longer than the slowest job."),
    ("FAIRCHANCE_DIGEST_TICK_SECONDS", "60", "How often the worker looks for digests that are due (1-3600); lower it to see demo digests quickly."),
    ("FAIRCHANCE_LOG", "warn,fairchance=info", "Log filter in tracing's EnvFilter syntax: the default shows the service's own messages and only warnings from libraries; e.g. info,fairchance=debug for everything."),
    ("FAIRCHANCE_LOG_FORMAT", "text", "text or json."),
    ("FAIRCHANCE_RETENTION_MONTHS_AFTER_RELEASE", "24", "Months after a person's release date before the daily retention pass anonymises them (1-120)."),
    ("FAIRCHANCE_RESTRICTED_RETENTION_DAYS_AFTER_LICENCE", "0", "Days after a person's licence conditions end before their offence, licence and barred-list data is deleted (0-3650; 0 = as soon as they end)."),
    ("FAIRCHANCE_TRUSTED_PROXIES", "(none)", "Addresses or CIDR blocks (comma-separated) of reverse proxies whose X-Forwarded-For / Forwarded headers name the real client, for sign-in limits and the audit log."),
];

fn parse_switch(
    var: &'static str,
    value: Option<&str>,
    default: bool,
) -> Result<bool, ConfigError> {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) => match v.as_str() {
            "on" | "true" | "1" | "yes" => Ok(true),
            "off" | "false" | "0" | "no" => Ok(false),
            _ => Err(invalid(var, format!("expected on or off, got {v:?}"))),
        },
    }
}

fn parse_number<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
    var: &'static str,
    value: Option<&str>,
    default: T,
    min: T,
    max: T,
) -> Result<T, ConfigError> {
    let Some(raw) = value else { return Ok(default) };
    let n: T = raw.trim().parse().map_err(|_| {
        invalid(
            var,
            format!("expected a whole number from {min} to {max}, got {raw:?}"),
        )
    })?;
    if n < min || n > max {
        return Err(invalid(
            var,
            format!("expected a whole number from {min} to {max}, got {raw:?}"),
        ));
    }
    Ok(n)
}

fn decode_key(raw: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let raw = raw.trim();
    let is_hex = raw.len().is_multiple_of(2) && raw.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex {
        return (0..raw.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&raw[i..i + 2], 16).ok())
            .collect();
    }
    base64::engine::general_purpose::STANDARD
        .decode(raw)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw))
        .ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the key file in the data directory, creating it on first run.
fn generated_key(data_dir: &Path) -> Result<Vec<u8>, ConfigError> {
    let path = data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => decode_key(&text).filter(|k| k.len() >= 32).ok_or_else(|| {
            invalid(
                "FAIRCHANCE_SECRET_KEY",
                format!(
                    "{} does not hold a key of at least 32 bytes",
                    path.display()
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = vec![0u8; 64];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_private(&path, &hex(&key)).map_err(|e| {
                invalid(
                    "FAIRCHANCE_SECRET_KEY",
                    format!("cannot write {}: {e}", path.display()),
                )
            })?;
            Ok(key)
        }
        Err(e) => Err(invalid(
            "FAIRCHANCE_SECRET_KEY",
            format!("cannot read {}: {e}", path.display()),
        )),
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}

/// The variables settings are read from; a blank value counts as unset.
struct Vars<'a>(&'a HashMap<String, String>);

impl<'a> Vars<'a> {
    fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The data directory, created (privately) when missing.
    fn data_dir(&self) -> Result<PathBuf, ConfigError> {
        let data_dir = PathBuf::from(self.get("FAIRCHANCE_DATA_DIR").unwrap_or("./data"));
        secure_data_dir(&data_dir).map_err(|e| {
            invalid(
                "FAIRCHANCE_DATA_DIR",
                format!("cannot create {}: {e}", data_dir.display()),
            )
        })?;
        Ok(data_dir)
    }

    /// The database, by default a SQLite file in the data directory.
    fn database(&self, data_dir: &Path) -> Result<DatabaseUrl, ConfigError> {
        Ok(match self.get("FAIRCHANCE_DATABASE_URL") {
            Some(url) => {
                DatabaseUrl::parse(url).map_err(|m| invalid("FAIRCHANCE_DATABASE_URL", m))?
            }
            None => DatabaseUrl::Sqlite(data_dir.join("fairchance.sqlite3")),
        })
    }

    /// The address to listen on and the public address of the service.
    fn addresses(&self) -> Result<(SocketAddr, Url), ConfigError> {
        let bind_raw = self.get("FAIRCHANCE_BIND").unwrap_or("127.0.0.1:8080");
        let bind: SocketAddr = bind_raw.trim().parse().map_err(|_| {
            invalid(
                "FAIRCHANCE_BIND",
                format!("expected HOST:PORT such as 127.0.0.1:8080, got {bind_raw:?}"),
            )
        })?;

        let base_raw = self
            .get("FAIRCHANCE_BASE_URL")
            .map(str::to_string)
            .unwrap_or_else(|| format!("http://{bind}"));
        let base_url = Url::parse(base_raw.trim())
            .map_err(|e| invalid("FAIRCHANCE_BASE_URL", format!("not a valid URL ({e})")))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
            return Err(invalid(
                "FAIRCHANCE_BASE_URL",
                "expected an http:// or https:// address",
            ));
        }
        Ok((bind, base_url))
    }

    /// The signing key: given, or generated once into the data directory.
    fn secret_key(&self, data_dir: &Path) -> Result<Vec<u8>, ConfigError> {
        match self.get("FAIRCHANCE_SECRET_KEY") {
            Some(raw) => decode_key(raw).filter(|k| k.len() >= 32).ok_or_else(|| {
                invalid(
                    "FAIRCHANCE_SECRET_KEY",
                    "expected at least 32 bytes written as hex or base64",
                )
            }),
            None => generated_key(data_dir),
        }
    }

    /// Which search engine to use, with Meilisearch's address and key.
    fn search_engine(&self) -> Result<SearchEngineKind, ConfigError> {
        Ok(
            match self
                .get("FAIRCHANCE_SEARCH")
                .map(|s| s.trim().to_ascii_lowercase())
            {
                None => SearchEngineKind::Embedded,
                Some(s) if s == "embedded" => SearchEngineKind::Embedded,
                Some(s) if s == "meilisearch" => {
                    let url = self.get("MEILISEARCH_URL").ok_or_else(|| {
                        invalid(
                            "MEILISEARCH_URL",
                            "required when FAIRCHANCE_SEARCH=meilisearch",
                        )
                    })?;
                    let parsed = Url::parse(url.trim()).map_err(|e| {
                        invalid("MEILISEARCH_URL", format!("not a valid URL ({e})"))
                    })?;
                    if !matches!(parsed.scheme(), "http" | "https") {
                        return Err(invalid(
                            "MEILISEARCH_URL",
                            "expected an http:// or https:// address",
                        ));
                    }
                    SearchEngineKind::Meilisearch {
                        url: url.trim().trim_end_matches('/').to_string(),
                        api_key: self.get("MEILISEARCH_API_KEY").map(str::to_string),
                    }
                }
                Some(other) => {
                    return Err(invalid(
                        "FAIRCHANCE_SEARCH",
                        format!("expected embedded or meilisearch, got {other:?}"),
                    ))
                }
            },
        )
    }

    /// The prefix of the search index names.
    fn search_prefix(&self) -> Result<String, ConfigError> {
        match self.get("FAIRCHANCE_SEARCH_PREFIX").map(str::trim) {
            None => Ok(DEFAULT_SEARCH_PREFIX.to_string()),
            Some(prefix) if !prefix.is_empty() && prefix.len() <= 60 && is_index_prefix(prefix) => {
                Ok(prefix.to_string())
            }
            Some(_) => Err(invalid(
                "FAIRCHANCE_SEARCH_PREFIX",
                "use 1 to 60 letters, digits, '-' and '_'",
            )),
        }
    }

    /// The mail server (if any) and the sender of the mail.
    fn email(&self) -> Result<(Option<String>, String), ConfigError> {
        let smtp_url = match self.get("FAIRCHANCE_SMTP_URL") {
            None => None,
            Some(raw) => {
                let parsed = Url::parse(raw.trim()).map_err(|e| {
                    invalid("FAIRCHANCE_SMTP_URL", format!("not a valid URL ({e})"))
                })?;
                if !matches!(parsed.scheme(), "smtp" | "smtps") || parsed.host_str().is_none() {
                    return Err(invalid(
                        "FAIRCHANCE_SMTP_URL",
                        "expected smtp://HOST[:PORT] or smtps://HOST[:PORT]",
                    ));
                }
                Some(raw.trim().to_string())
            }
        };

        let mail_from = self
            .get("FAIRCHANCE_MAIL_FROM")
            .unwrap_or("Fair Chance Jobs <no-reply@fairchance.invalid>")
            .trim()
            .to_string();
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid(
                "FAIRCHANCE_MAIL_FROM",
                format!("not an email address: {mail_from:?}"),
            ));
        }
        Ok((smtp_url, mail_from))
    }

    /// Plain text or JSON log lines.
    fn log_format(&self) -> Result<LogFormat, ConfigError> {
        match self
            .get("FAIRCHANCE_LOG_FORMAT")
            .map(|s| s.trim().to_ascii_lowercase())
        {
            None => Ok(LogFormat::Text),
            Some(s) if s == "text" => Ok(LogFormat::Text),
            Some(s) if s == "json" => Ok(LogFormat::Json),
            Some(other) => Err(invalid(
                "FAIRCHANCE_LOG_FORMAT",
                format!("expected text or json, got {other:?}"),
            )),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_vars(&vars)
    }

    /// Builds the settings from a map of variables. Creates the data directory
    /// (and the secret key inside it when none is given).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let vars = Vars(vars);
        let get = |name: &str| vars.get(name);
        let data_dir = vars.data_dir()?;
        let database = vars.database(&data_dir)?;
        let (bind, base_url) = vars.addresses()?;
        let secret_key = vars.secret_key(&data_dir)?;
        let search = vars.search_engine()?;
        let search_prefix = vars.search_prefix()?;
        let (smtp_url, mail_from) = vars.email()?;
        let log_format = vars.log_format()?;
        let trusted_proxies = parse_trusted(get("FAIRCHANCE_TRUSTED_PROXIES").unwrap_or(""))
            .map_err(|m| invalid("FAIRCHANCE_TRUSTED_PROXIES", m))?;

        Ok(Self {
            trusted_proxies,
            data_dir,
            database,
            bind,
            base_url,
            secret_key,
            search,
            search_prefix,
            smtp_url,
            mail_from,
            pool_size: parse_number(
                "FAIRCHANCE_DB_POOL_SIZE",
                get("FAIRCHANCE_DB_POOL_SIZE"),
                8u32,
                1,
                64,
            )?,
            demo: parse_switch("FAIRCHANCE_DEMO", get("FAIRCHANCE_DEMO"), true)?,
            run_worker: parse_switch("FAIRCHANCE_WORKER", get("FAIRCHANCE_WORKER"), true)?,
            log_format,
            digest_tick: Duration::from_secs(parse_number(
                "FAIRCHANCE_DIGEST_TICK_SECONDS",
                get("FAIRCHANCE_DIGEST_TICK_SECONDS"),
                60u64,
                1,
                3600,
            )?),
            job_lease: Duration::from_secs(parse_number(
                "FAIRCHANCE_JOB_LEASE_SECONDS",
                get("FAIRCHANCE_JOB_LEASE_SECONDS"),
                300u64,
                10,
                3600,
            )?),
            retention: Retention {
                months_after_release: parse_number(
                    "FAIRCHANCE_RETENTION_MONTHS_AFTER_RELEASE",
                    get("FAIRCHANCE_RETENTION_MONTHS_AFTER_RELEASE"),
                    24u32,
                    1,
                    120,
                )?,
                restricted_days_after_licence: parse_number(
                    "FAIRCHANCE_RESTRICTED_RETENTION_DAYS_AFTER_LICENCE",
                    get("FAIRCHANCE_RESTRICTED_RETENTION_DAYS_AFTER_LICENCE"),
                    0u32,
                    0,
                    3650,
                )?,
            },
        })
    }

    /// Whether cookies must be marked Secure and HSTS sent.
    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// What is unsafe about these settings, for the start-up log and
    /// `/readyz`: demo data (with its published passwords) on an address
    /// others can reach.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.demo && !is_loopback(&self.base_url) {
            warnings.push(format!(
                "FAIRCHANCE_DEMO is on but FAIRCHANCE_BASE_URL ({}) is not a loopback address: the demo accounts' passwords are printed and saved in demo-logins.txt. Set FAIRCHANCE_DEMO=off for a real installation.",
                self.base_url
            ));
        }
        warnings
    }
}

/// Whether a URL points at this machine only (localhost, 127.0.0.0/8, ::1).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Keeps the data directory to this user: new files are created 0600 and
/// directories 0700 (the process umask is set to 077 before anything is
/// written: the SQLite database, the search index, the `.eml` outbox and
/// the secret key all live here, and the index holds offence categories),
/// and a directory left readable by an earlier version is tightened, with
/// everything in it.
pub fn secure_data_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        fn tighten(path: &Path) -> std::io::Result<()> {
            let meta = std::fs::symlink_metadata(path)?;
            if meta.file_type().is_symlink() {
                return Ok(());
            }
            let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
            if meta.permissions().mode() & 0o777 != wanted {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))?;
            }
            if meta.is_dir() {
                for entry in std::fs::read_dir(path)? {
                    tighten(&entry?.path())?;
                }
            }
            Ok(())
        }
        tighten(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)], dir: &Path) -> HashMap<String, String> {
        let mut map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("FAIRCHANCE_DATA_DIR".into(), dir.display().to_string());
        map
    }

    #[test]
    fn defaults_use_sqlite_in_the_data_dir_and_generate_a_stable_key() {
        let dir = tempfile::tempdir().unwrap();
        let first = Config::from_vars(&vars(&[], dir.path())).unwrap();
        assert_eq!(
            first.database,
            DatabaseUrl::Sqlite(dir.path().join("fairchance.sqlite3"))
        );
        assert_eq!(first.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(first.base_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(first.secret_key.len(), 64);
        let second = Config::from_vars(&vars(&[], dir.path())).unwrap();
        assert_eq!(
            first.secret_key, second.secret_key,
            "the generated key is reused"
        );
        assert_eq!(first.search, SearchEngineKind::Embedded);
        assert!(first.demo && first.run_worker);
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("FAIRCHANCE_DATABASE_URL", "mysql://x/y"),
            ("FAIRCHANCE_DATABASE_URL", "postgres://"),
            ("FAIRCHANCE_DATABASE_URL", "postgres://localhost"),
            ("FAIRCHANCE_BIND", "localhost"),
            ("FAIRCHANCE_BASE_URL", "ftp://example.org"),
            ("FAIRCHANCE_SECRET_KEY", "short"),
            ("FAIRCHANCE_SEARCH", "elastic"),
            ("FAIRCHANCE_SMTP_URL", "http://mail"),
            ("FAIRCHANCE_DB_POOL_SIZE", "0"),
            ("FAIRCHANCE_DEMO", "maybe"),
            ("FAIRCHANCE_LOG_FORMAT", "xml"),
            ("FAIRCHANCE_MAIL_FROM", "not an address"),
        ];
        for (var, value) in cases {
            let err = Config::from_vars(&vars(&[(var, value)], dir.path())).unwrap_err();
            assert_eq!(err.var, var, "{value}");
            assert!(err.to_string().starts_with(var));
        }
        let err = Config::from_vars(&vars(&[("FAIRCHANCE_SEARCH", "meilisearch")], dir.path()))
            .unwrap_err();
        assert_eq!(err.var, "MEILISEARCH_URL");
    }

    #[test]
    fn accepts_postgres_and_explicit_keys() {
        let dir = tempfile::tempdir().unwrap();
        let key = "ab".repeat(32);
        let config = Config::from_vars(&vars(
            &[
                (
                    "FAIRCHANCE_DATABASE_URL",
                    "postgres://postgres@127.0.0.1/fairchance",
                ),
                ("FAIRCHANCE_SECRET_KEY", &key),
                ("FAIRCHANCE_BASE_URL", "https://jobs.example.org"),
            ],
            dir.path(),
        ))
        .unwrap();
        assert_eq!(config.database.backend_name(), "postgres");
        assert_eq!(config.secret_key, vec![0xab; 32]);
        assert!(config.is_https());
        assert!(!dir.path().join("secret.key").exists());
    }
}
