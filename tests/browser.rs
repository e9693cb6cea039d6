//! The job-seeker flow in a real browser with JavaScript off (Debian's
//! headless Chromium driven by playwright-core), and axe-core's WCAG 2.2 AA
//! checks on every terminal page, on both database backends. The node script
//! is `tests/browser/flow.mjs`; `bash .ci/test` installs Chromium and the
//! pinned npm packages. A missing browser or package fails the test: it is
//! never skipped.

mod common;
#[path = "support/terminal.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use support::{Fixture, PIN};

fn run_flow(fx: &Fixture) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the browser test needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium; bash .ci/test does it)"
    );
    for package in ["playwright-core", "axe-core"] {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "the browser test needs {package}: run `npm ci` in tests/browser (bash .ci/test does it)"
        );
    }
    let output = Command::new("node")
        .arg(dir.join("flow.mjs"))
        .current_dir(&dir)
        .env("BASE_URL", &fx.app.address)
        .env("DEVICE_COOKIE", &fx.device)
        .env("LOGIN_CODE", &fx.code)
        .env("PIN", PIN)
        .output()
        .expect("node runs (Node.js is on the machine)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "browser flow failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("browser checks passed"), "{stdout}");
    assert!(
        stdout.matches(": axe clean").count() >= 15,
        "axe ran on every page:\n{stdout}"
    );
}

on_both_backends!(
    sign_in_find_apply_and_see_status_without_javascript,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 24).await;
        let fx = tokio::task::spawn_blocking(move || {
            run_flow(&fx);
            fx
        })
        .await
        .unwrap();
        fx.app.stop().await;
    }
);
