//! The job seeker's audience: pages on supported terminals (sign-in and
//! the frame around every page), the job-seeker pages themselves, and the
//! JSON API for terminal vendors' apps.

pub mod api;
pub mod pages;
pub mod seeker;

pub use pages::*;

use actix_web::HttpRequest;

use super::auth::{self, RequestContext, Seeker, SeekerActor};
use super::i18n::{Lang, Messages};

/// The warning appears one minute before the idle timeout.
pub const WARN_AFTER_SECONDS: i64 = auth::SEEKER_IDLE.num_seconds() - 60;

/// The language chosen on the device page before anyone signs in. It holds
/// only "en" or "cy", nothing about a person.
pub const LANG_COOKIE: &str = "fc_lang";

/// Names a catalogue key kept for later use, so the key test finds it.
pub const fn msg(key: &'static str) -> &'static str {
    key
}

/// What every terminal page shows around its content.
#[derive(Clone, Debug)]
pub struct Frame {
    pub t: Messages,
    pub csrf: String,
    /// A job seeker is signed in: navigation and "Switch user" show.
    pub signed_in: bool,
    /// The page is on an enrolled terminal: the language switch shows.
    pub device: bool,
    pub refresh_after: Option<i64>,
    pub refresh_to: &'static str,
    /// The plain print view: no navigation, no forms.
    pub print: bool,
    /// This page's path, to come back to after switching language.
    pub here: String,
}

pub fn seeker_lang(seeker: &SeekerActor) -> Lang {
    Lang::parse(&seeker.language).unwrap_or_default()
}

fn device_lang(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or_default()
}

fn wants_print(req: &HttpRequest) -> bool {
    req.query_string().split('&').any(|pair| pair == "print=1")
}

impl Frame {
    /// Pages before sign-in: the device's language choice.
    pub fn before_sign_in(ctx: &RequestContext, req: &HttpRequest) -> Self {
        Self {
            t: Messages::new(device_lang(req)),
            csrf: ctx.csrf_token.clone(),
            signed_in: false,
            device: ctx.device.is_some(),
            refresh_after: None,
            refresh_to: "",
            print: false,
            here: req.path().to_string(),
        }
    }

    /// Pages for a signed-in job seeker, in their language, with the idle
    /// warning reached by a meta refresh.
    pub fn signed_in(seeker: &Seeker, req: &HttpRequest) -> Self {
        let here = match req.uri().path_and_query() {
            Some(pq) => pq.as_str().to_string(),
            None => req.path().to_string(),
        };
        Self {
            t: Messages::new(seeker_lang(&seeker.seeker)),
            csrf: seeker.ctx.csrf_token.clone(),
            signed_in: true,
            device: true,
            refresh_after: Some(WARN_AFTER_SECONDS),
            refresh_to: "/terminal/still-there",
            print: wants_print(req),
            here,
        }
    }
}
