//! The command line: serve (the default), worker, migrate, seed, reindex,
//! user, terminal, import and retention.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::access::{password, StaffRole};
use crate::config::Config;
use crate::startup::{self, Services, StartupError};
use crate::store::people::{self, Membership, NewUser};

#[derive(Parser, Debug)]
#[command(
    name = "fairchance",
    version,
    about = "Fair Chance Jobs: fair-chance vacancies matched with people leaving custody"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web service (and, unless FAIRCHANCE_WORKER=off, the background worker).
    Serve,
    /// Run only the background worker; start as many as you like.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data set or a synthetic benchmark data set.
    Seed(SeedArgs),
    /// Rebuild the search index from the database (every document), or
    /// with --check repair only what differs from it.
    Reindex(ReindexArgs),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage supported terminals.
    #[command(subcommand)]
    Terminal(TerminalCommand),
    /// Import records from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Run the retention pass now: anonymise people released longer ago
    /// than FAIRCHANCE_RETENTION_MONTHS_AFTER_RELEASE and delete restricted
    /// data past FAIRCHANCE_RESTRICTED_RETENTION_DAYS_AFTER_LICENCE.
    Retention(RetentionArgs),
}

#[derive(Args, Debug)]
pub struct RetentionArgs {
    /// List what the pass would do (ids and pseudonyms), changing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The day to run the pass for (YYYY-MM-DD); today by default.
    #[arg(long, value_parser = parse_day)]
    pub today: Option<chrono::NaiveDate>,
}

fn parse_day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date written like 2026-12-31"))
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("kind").required(true).args(["demo", "synthetic"]))]
pub struct SeedArgs {
    /// The fictional demo data set (the same every time); only into an empty database.
    #[arg(long)]
    pub demo: bool,
    /// A generated data set for benchmarks.
    #[arg(long)]
    pub synthetic: bool,
    /// Number of profiles (with --synthetic).
    #[arg(long, default_value_t = 100_000, requires = "synthetic")]
    pub profiles: u32,
    /// Number of vacancies (with --synthetic).
    #[arg(long, default_value_t = 50_000, requires = "synthetic")]
    pub vacancies: u32,
    /// Random seed (with --synthetic); the same seed gives the same data.
    #[arg(long, default_value_t = 1, requires = "synthetic")]
    pub seed: u64,
    /// Also add officers, matches, applications with their events and work
    /// outcomes (with --synthetic), for timing the reports.
    #[arg(long, requires = "synthetic")]
    pub activity: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "officer", "employer"])]
        role: String,
        /// The employer's name (role employer).
        #[arg(long)]
        employer: Option<String>,
        /// The service's name (role officer).
        #[arg(long)]
        service: Option<String>,
        /// The name shown to others; defaults to the part of the email before @.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct ReindexArgs {
    /// Compare every document's content version with the database and
    /// write only the missing and stale ones (and delete the extra ones),
    /// rather than writing every document.
    #[arg(long)]
    pub check: bool,
}

#[derive(Subcommand, Debug)]
pub enum TerminalCommand {
    /// Register a terminal for a service and print its one-time enrolment code.
    Enrol {
        #[arg(long)]
        service: String,
        #[arg(long)]
        label: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Add or update the profiles of a service from a CSV file in the
    /// officers' import template (upsert by prison number): every row or
    /// none, in one transaction. Problems are listed by row and column.
    Profiles {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The service's name.
        #[arg(long)]
        service: String,
        /// Check the file and say what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// A failure a command reports in one line before exiting non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("{0}")]
    Usage(String),
    #[error("database error: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("seeding failed: {0}")]
    Seed(#[from] crate::seed::SeedError),
    #[error(transparent)]
    Serve(#[from] crate::web::ServeError),
    #[error("{0}")]
    Other(String),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fairchance: {e}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CommandError::Other(format!("cannot start the async runtime: {e}")))
}

fn start() -> Result<Services, CommandError> {
    let config = Config::from_env().map_err(StartupError::from)?;
    startup::init_logging(&config);
    Ok(startup::open(config)?)
}

fn serve() -> Result<(), CommandError> {
    let services = start()?;
    for warning in services.config.warnings() {
        tracing::warn!("{warning}");
    }
    if services.config.demo {
        crate::seed::demo::seed_if_empty(&services, true)?;
    }
    runtime()?.block_on(crate::web::serve(services))?;
    Ok(())
}

fn migrate() -> Result<(), CommandError> {
    let config = Config::from_env().map_err(StartupError::from)?;
    startup::init_logging(&config);
    let store = crate::store::Store::open(&config.database, 1).map_err(StartupError::from)?;
    let applied = store.migrate()?;
    println!("{applied} migration(s) applied on {}", store.backend_name());
    // The search index is left alone: the next start (or `fairchance
    // reindex`) applies the settings, rebuilding beside a live index whose
    // settings changed rather than changing it under running processes.
    println!("search settings are applied by the next start or `fairchance reindex`");
    Ok(())
}

fn seed(args: &SeedArgs) -> Result<(), CommandError> {
    let services = start()?;
    if args.demo {
        if !crate::seed::demo::seed_if_empty(&services, true)? {
            return Err(CommandError::Usage(
                "the database already holds data; the demo set only goes into an empty database"
                    .into(),
            ));
        }
        Ok(())
    } else {
        let options = crate::seed::synthetic::Options {
            profiles: args.profiles,
            vacancies: args.vacancies,
            seed: args.seed,
            progress: std::io::stderr().is_terminal(),
        };
        let report = crate::seed::synthetic::seed(&services, &options)?;
        println!("{report}");
        if args.activity {
            let activity = crate::seed::activity::seed(&services, args.seed)?;
            println!("{activity}");
        }
        Ok(())
    }
}

pub fn run(command: Command) -> Result<(), CommandError> {
    match command {
        Command::Serve => serve(),
        Command::Migrate => migrate(),
        Command::Seed(args) => seed(&args),
        Command::User(UserCommand::Create {
            email,
            role,
            employer,
            service,
            name,
        }) => {
            let services = start()?;
            create_user(&services, &email, &role, employer, service, name)
        }
        Command::Terminal(TerminalCommand::Enrol { service, label }) => {
            let services = start()?;
            enrol_terminal(&services, &service, &label)
        }
        Command::Import(ImportCommand::Profiles {
            file,
            service,
            dry_run,
        }) => {
            let services = start()?;
            import_profiles(&services, &file, &service, dry_run)
        }
        Command::Retention(args) => {
            let services = start()?;
            retention(&services, &args)
        }
        Command::Reindex(args) => {
            let services = start()?;
            runtime()?.block_on(reindex(&services, args.check))
        }
        Command::Worker => {
            let services = start()?;
            runtime()?.block_on(async {
                let matcher = crate::startup::open_matcher(&services).await?;
                let worker = crate::jobs::Worker::new(services)
                    .map_err(|e| CommandError::Other(e.to_string()))?
                    .matcher(matcher.clone());
                // The copies are filled beside the first jobs (see
                // `Matcher::warm`); a job never waits for it.
                let warm = tokio::spawn(async move { crate::startup::fill_copies(&matcher).await });
                worker.run(crate::jobs::Shutdown::on_signal()).await;
                warm.abort();
                Ok(())
            })
        }
    }
}

fn read_password(email: &str) -> Result<String, CommandError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for {email} (input is shown; pipe it in to keep it off screen): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| {
        CommandError::Other(format!("cannot read the password from standard input: {e}"))
    })?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(CommandError::Usage("no password on standard input".into()));
    }
    Ok(password)
}

fn create_user(
    services: &Services,
    email: &str,
    role: &str,
    employer: Option<String>,
    service: Option<String>,
    name: Option<String>,
) -> Result<(), CommandError> {
    let email = email.trim().to_lowercase();
    if !validator::ValidateEmail::validate_email(&email) {
        return Err(CommandError::Usage(format!(
            "--email: {email:?} is not an email address"
        )));
    }
    let role = StaffRole::parse(role)
        .ok_or_else(|| CommandError::Usage(format!("--role: unknown role {role:?}")))?;
    let mut conn = services.store.conn()?;
    let membership = match (role, employer, service) {
        (StaffRole::Admin, None, None) => Membership::Admin,
        (StaffRole::Officer, None, Some(name)) => {
            let found = people::find_service_by_name(&mut conn, &name)?.ok_or_else(|| {
                CommandError::Usage(format!("--service: no service is named {name:?}"))
            })?;
            Membership::Service(found.id)
        }
        (StaffRole::Employer, Some(name), None) => {
            let found = people::find_employer_by_name(&mut conn, &name)?.ok_or_else(|| {
                CommandError::Usage(format!("--employer: no employer is named {name:?}"))
            })?;
            Membership::Employer(found.id)
        }
        (StaffRole::Admin, _, _) => {
            return Err(CommandError::Usage(
                "an admin belongs to no service or employer".into(),
            ))
        }
        (StaffRole::Officer, _, _) => {
            return Err(CommandError::Usage(
                "an officer needs --service NAME (and no --employer)".into(),
            ))
        }
        (StaffRole::Employer, _, _) => {
            return Err(CommandError::Usage(
                "an employer account needs --employer NAME (and no --service)".into(),
            ))
        }
    };
    let password = read_password(&email)?;
    password::check_strength(&password, &email)
        .map_err(|m| CommandError::Usage(format!("password: {m}")))?;
    let hash = password::hash(&password).map_err(|e| CommandError::Other(e.to_string()))?;
    let display_name =
        name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
    let id = people::create_user(
        &mut conn,
        &NewUser {
            email: &email,
            display_name: display_name.trim(),
            password_hash: &hash,
            membership,
        },
    )
    .map_err(|e| match e {
        crate::store::StoreError::Conflict(m) => CommandError::Usage(m),
        other => other.into(),
    })?;
    println!("created {} account {email} (id {id})", role.as_str());
    Ok(())
}

fn enrol_terminal(services: &Services, service: &str, label: &str) -> Result<(), CommandError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 80 {
        return Err(CommandError::Usage(
            "--label: give the terminal a name of 1 to 80 characters".into(),
        ));
    }
    let mut conn = services.store.conn()?;
    let found = people::find_service_by_name(&mut conn, service)?.ok_or_else(|| {
        CommandError::Usage(format!("--service: no service is named {service:?}"))
    })?;
    let at = crate::store::now();
    let (id, code) = conn.write(|c| {
        let (id, code) = crate::store::access::create_terminal(c, found.id, label, None, at)?;
        crate::store::audit::record(
            c,
            &crate::store::audit::Actor::system("command line"),
            crate::store::audit::Entry {
                action: "terminal.created",
                subject_kind: Some("terminal"),
                subject_id: Some(id),
                detail: Some(label.to_string()),
            },
            at,
        )?;
        Ok::<_, crate::store::StoreError>((id, code))
    })?;
    println!(
        "terminal {id} ({label}, {}): enrolment code {code}",
        found.name
    );
    println!(
        "On the terminal, open /terminal/enrol and type the code within 7 days. It works once."
    );
    Ok(())
}

/// A progress bar on standard error when it is a terminal (hidden
/// otherwise), showing `{pos}/{len}` and the rate.
fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::hidden();
    if std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
    }
    bar
}

/// `import profiles`: reads the file as the web import does, then previews
/// or imports it for the named service, with a progress bar.
fn import_profiles(
    services: &Services,
    file: &std::path::Path,
    service: &str,
    dry_run: bool,
) -> Result<(), CommandError> {
    use crate::app::profile_import::{self, ImportError, Importer};
    let started = std::time::Instant::now();
    let bytes = std::fs::read(file)
        .map_err(|e| CommandError::Usage(format!("cannot read {}: {e}", file.display())))?;
    let text = crate::web::csv_import::csv_text(Some(bytes))
        .map_err(|p| CommandError::Usage(format!("{}: {}", file.display(), p.message())))?;
    let mut conn = services.store.conn()?;
    let found = people::find_service_by_name(&mut conn, service)?.ok_or_else(|| {
        CommandError::Usage(format!("--service: no service is named {service:?}"))
    })?;
    let refused = |problems: Vec<crate::app::CellError>| {
        for p in &problems {
            eprintln!("row {}, column {}: {}", p.row, p.column, p.message);
        }
        CommandError::Usage(format!(
            "nothing was imported: {} problem(s) in {}",
            problems.len(),
            file.display()
        ))
    };
    let taxonomy = &services.taxonomy;
    let table = crate::web::officer::profiles::csv::read_file(&text, taxonomy).map_err(refused)?;
    let importer = Importer::command_line(found.id);
    let bar = progress_bar();
    bar.set_message("importing");
    bar.set_length(table.rows.len() as u64);
    let planned = if dry_run {
        profile_import::preview(&mut conn, &importer, &table, taxonomy)
    } else {
        let progress = |done: usize, _total: usize| bar.set_position(done as u64);
        profile_import::import(&mut conn, &importer, &table, taxonomy, &progress)
    };
    bar.finish_and_clear();
    let plan = match planned {
        Ok(plan) => plan,
        Err(ImportError::Cells(problems)) => return Err(refused(problems)),
        Err(ImportError::Failed(f)) => return Err(CommandError::Other(f.to_string())),
    };
    println!(
        "{} {}: {} new, {} changed, {} unchanged ({:.1} s)",
        if dry_run {
            "would import into"
        } else {
            "imported into"
        },
        plan.service_name,
        plan.created(),
        plan.changed(),
        plan.unchanged(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Rebuilds the search index from the database with a progress bar, or
/// (`check`) repairs only the documents that differ from it.
async fn reindex(services: &Services, check: bool) -> Result<(), CommandError> {
    let started = std::time::Instant::now();
    let index = crate::search::open(&services.config, services.taxonomy.clone())
        .map_err(|e| CommandError::Other(format!("cannot open the search index: {e}")))?;
    // A full rebuild on Meilisearch fills fresh indexes with the settings
    // and swaps them in; the live ones are not changed under running
    // processes first.
    if check || index.uid(crate::search::IndexKind::Vacancies).is_none() {
        index
            .apply_settings()
            .await
            .map_err(|e| CommandError::Other(format!("cannot apply the search settings: {e}")))?;
    }
    let matcher =
        crate::matches::Matcher::new(services.store.clone(), index, services.taxonomy.clone());
    let bar = progress_bar();
    let show = |kind, done, total| {
        bar.set_message(match kind {
            crate::search::IndexKind::Vacancies => "vacancies",
            crate::search::IndexKind::Profiles => "profiles",
        });
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let failed =
        |e: crate::matches::MatchError| CommandError::Other(format!("reindex failed: {e}"));
    if !check {
        let (vacancies, profiles) = matcher.reindex(show).await.map_err(failed)?;
        startup::record_full_rebuild(services, &matcher).await?;
        bar.finish_and_clear();
        println!(
            "indexed {vacancies} vacancies and {profiles} profiles in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let report = matcher.check(show).await.map_err(failed)?;
    bar.finish_and_clear();
    for (name, k) in [
        ("vacancies", report.vacancies),
        ("profiles", report.profiles),
    ] {
        println!(
            "{name}: {} rows checked; {} missing and {} stale documents written, {} extra deleted",
            k.rows, k.missing, k.stale, k.extra
        );
    }
    println!("checked in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `retention`: the dry run lists the next pass (counts, then each person
/// by id and pseudonym, never a name); the real run reports each person
/// done on standard output as it goes, then the counts.
fn retention(services: &Services, args: &RetentionArgs) -> Result<(), CommandError> {
    use crate::app::retention::{self, Progress};
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let settings = &services.config.retention;
    let mut conn = services.store.conn()?;
    println!(
        "retention for {today}: anonymise people released {} or more months ago (before {}); \
         delete restricted data {} day(s) after the licence ends",
        settings.months_after_release,
        crate::domain::retention::anonymise_released_before(settings, today),
        settings.restricted_days_after_licence
    );
    if args.dry_run {
        let plan = retention::plan(&mut conn, settings, today)?;
        println!(
            "would anonymise {} people and delete the restricted data of {} people",
            plan.anonymise.len(),
            plan.restricted.len()
        );
        for p in &plan.anonymise {
            println!("anonymise {} {}", p.id, p.pseudonym);
        }
        for p in &plan.restricted {
            println!("delete-restricted {} {}", p.id, p.pseudonym);
        }
        return Ok(());
    }
    let out = std::io::stdout();
    let progress = |p: Progress<'_>| {
        let mut out = out.lock();
        let what = if p.anonymising {
            "anonymised"
        } else {
            "restricted-deleted"
        };
        let _ = writeln!(out, "{what} {} ({}/{})", p.person.id, p.done, p.total);
        let _ = out.flush();
    };
    let report = retention::run(&mut conn, settings, today, &progress)?;
    println!(
        "anonymised {} people; deleted the restricted data of {} people",
        report.anonymised, report.restricted_deleted
    );
    Ok(())
}
