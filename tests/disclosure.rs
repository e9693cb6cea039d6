//! The disclosure letter over HTTP with no JavaScript, on both backends:
//! written part by part on a terminal (drafts kept across sessions, limits
//! with errors beside the field, English and Welsh), sent to the officer,
//! approved or sent back with a note by an officer of the person's own
//! service only (every read audited), needing approval again after any
//! change; sent with an application only when the person ticks the box,
//! the letter is approved and the vacancy checks for convictions (forged
//! posts refused, nothing stored); a copy kept with the application, shown
//! to the officer and to the employer on the card (audited).

mod common;
#[path = "support/terminal.rs"]
mod support;

use diesel::prelude::*;
use fairchance::domain::application::ApplicationStatus;
use fairchance::domain::disclosure::{LetterStatus, Part, PART_MAX};
use fairchance::store::applications::{self as app_store, Actor, Change};
use fairchance::store::disclosure as letters;
use fairchance::store::people::Membership;
use fairchance::store::schema::{application_disclosures, applications, audit_log, vacancies};
use fairchance::store::{self, now};
use reqwest::StatusCode;
use support::*;

const HAPPENED: &str = "In 2020 I broke the law and went to prison for three years.";
const CHANGED: &str = "I finished a painting and decorating course and I mentor new arrivals.";
const OFFER: &str = "I am careful, tidy and always on time. I can start on Monday.";

/// A staff member's browser: a session cookie and its CSRF token.
struct Staff {
    client: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Staff {
    fn of(fx: &Fixture, user: i64) -> Self {
        let (cookie, csrf) = fx.app.staff_session(user);
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: fx.app.address.clone(),
            cookie,
            csrf,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &self.csrf));
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

fn letter_of(fx: &Fixture) -> Option<fairchance::domain::disclosure::Letter> {
    let mut conn = fx.app.services.store.conn().unwrap();
    letters::load(&mut conn, fx.profile).unwrap()
}

fn audits(fx: &Fixture, action: &str, kind: &str, id: i64) -> i64 {
    let mut conn = fx.app.services.store.conn().unwrap();
    let (action, kind) = (action.to_string(), kind.to_string());
    fairchance::with_conn!(&mut conn, |c| audit_log::table
        .filter(audit_log::action.eq(&action))
        .filter(audit_log::subject_kind.eq(&kind))
        .filter(audit_log::subject_id.eq(id))
        .count()
        .get_result::<i64>(c)
        .unwrap())
}

/// Another service with its own officer.
fn stranger(fx: &Fixture) -> i64 {
    let mut conn = fx.app.services.store.conn().unwrap();
    let service = common::service(&mut conn, "HMP Elsewhere");
    common::staff_user(
        &mut conn,
        "stranger@elsewhere.example",
        Membership::Service(service),
    )
}

async fn body(res: reqwest::Response) -> String {
    res.text().await.unwrap()
}

/// Writes the three parts and sends the letter, as the person would.
async fn write_and_send(k: &Kiosk) {
    for (slug, text) in [
        ("happened", HAPPENED),
        ("changed", CHANGED),
        ("offer", OFFER),
    ] {
        let res = k
            .post(
                &format!("/terminal/disclosure/{slug}"),
                &[("text", text), ("action", "next")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{slug}");
    }
    let res = k.post("/terminal/disclosure/send", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// The version the officer's page offers to decide on.
fn version_in(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let at = html.find(marker).expect("a decision form") + marker.len();
    html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

on_both_backends!(
    a_letter_is_written_kept_sent_and_reviewed_by_its_own_officer,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 24).await;
        let css = fx
            .app
            .get("/static/terminal.css")
            .await
            .text()
            .await
            .unwrap()
            .len();
        let k = fx.signed_in().await;
        let home = body(k.get("/terminal/home").await).await;
        assert!(
            home.contains("href=\"/terminal/disclosure\""),
            "linked from home"
        );

        let res = k.get("/terminal/disclosure").await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = check_page(res, css, "overview").await;
        assert_idle_refresh(&page, "overview");
        assert!(page.contains("You have not started your letter yet."));
        let res = k.get("/terminal/disclosure/happened").await;
        assert_eq!(res.status(), StatusCode::OK);
        let step = check_page(res, css, "step 1").await;
        assert!(step.contains("Part 1 of 3"));
        assert!(
            step.contains("spent convictions"),
            "the help speaks of spent convictions"
        );
        assert!(step.contains("You do not need to give details that are not needed"));
        assert!(step.contains("For example:"));

        // Too long: refused beside the field, nothing written.
        let long = "a".repeat(PART_MAX + 1);
        let res = k
            .post(
                "/terminal/disclosure/happened",
                &[("text", long.as_str()), ("action", "save")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = check_page(res, css, "step 1 error").await;
        assert!(page.contains("id=\"text-error\""));
        assert!(page.contains(&format!("Write {PART_MAX} characters or fewer")));
        assert!(page.contains("<a href=\"#text\">"), "in the summary");
        assert!(letter_of(&fx).is_none(), "nothing written");

        // A draft is kept, across sessions.
        let res = k
            .post(
                "/terminal/disclosure/happened",
                &[("text", HAPPENED), ("action", "save")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(body(res).await.contains("Saved."));
        let again = fx.signed_in().await;
        let step = body(again.get("/terminal/disclosure/happened").await).await;
        assert!(step.contains(HAPPENED), "the draft is there next time");
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::Draft);

        // Sending with parts missing names them.
        let res = k.post("/terminal/disclosure/send", &[]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("Write the part called What has changed"));
        assert!(page.contains("Write the part called What I offer"));
        assert!(page.contains("<a href=\"#part-changed\">"));
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::Draft);

        // The steps lead on, then to the preview.
        let res = k
            .post(
                "/terminal/disclosure/changed",
                &[("text", CHANGED), ("action", "next")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], "/terminal/disclosure/offer");
        let res = k
            .post(
                "/terminal/disclosure/offer",
                &[("text", OFFER), ("action", "next")],
            )
            .await;
        assert_eq!(res.headers()["location"], "/terminal/disclosure/preview");
        let res = k.get("/terminal/disclosure/preview").await;
        assert_eq!(res.status(), StatusCode::OK);
        let preview = check_page(res, css, "preview").await;
        for text in [
            "Dear employer,",
            HAPPENED,
            CHANGED,
            OFFER,
            "Yours faithfully",
        ] {
            assert!(preview.contains(text), "{text}");
        }

        // Before it is sent, the officer sees only that it is being written.
        let officer = Staff::of(&fx, fx.officer);
        let path = format!("/officer/profiles/{}/disclosure", fx.profile);
        let page = body(officer.get(&path).await).await;
        assert!(page.contains("still writing"));
        assert!(!page.contains(HAPPENED));
        let res = k.post("/terminal/disclosure/send", &[]).await;
        assert_eq!(res.headers()["location"], "/terminal/disclosure?sent=1");
        let page = body(k.get("/terminal/disclosure?sent=1").await).await;
        assert!(page.contains("Sent. Your officer will read your letter soon."));
        assert!(page.contains("Your officer has your letter."));
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::AwaitingReview);

        // The profile page has a section for it.
        let profile = body(
            officer
                .get(&format!("/officer/profiles/{}", fx.profile))
                .await,
        )
        .await;
        assert!(profile.contains(&format!("href=\"{path}\"")));
        assert!(profile.contains("Waiting for the officer"));

        // The officer reads it: audited.
        let viewed = audits(&fx, "disclosure.viewed", "profile", fx.profile);
        let res = officer.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        for text in [
            HAPPENED,
            CHANGED,
            OFFER,
            "Approve this letter",
            "Ask for changes",
        ] {
            assert!(page.contains(text), "{text}");
        }
        assert_eq!(
            audits(&fx, "disclosure.viewed", "profile", fx.profile),
            viewed + 1
        );
        let version = version_in(&page);

        // Another service's officer finds nothing and changes nothing.
        let other = Staff::of(&fx, stranger(&fx));
        assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
        for action in ["approve", "changes"] {
            let res = other
                .post(
                    &format!("{path}/{action}"),
                    &[("version", version.as_str()), ("note", "Shorter")],
                )
                .await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{action}");
        }
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::AwaitingReview);
        assert_eq!(
            audits(&fx, "disclosure.viewed", "profile", fx.profile),
            viewed + 1,
            "no read by the stranger"
        );

        // Asking for changes needs a note; the person sees it.
        let res = officer
            .post(
                &format!("{path}/changes"),
                &[("version", version.as_str()), ("note", " ")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("id=\"note-error\""));
        let note = "Please say a little more about the course you finished.";
        let res = officer
            .post(
                &format!("{path}/changes"),
                &[("version", version.as_str()), ("note", note)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::ChangesAsked);
        let page = body(k.get("/terminal/disclosure").await).await;
        assert!(page.contains(note));
        assert!(page.contains("Your officer has asked you to change your letter."));

        // The person changes it and sends it again; an approval of the old
        // version is refused, of the version read accepted.
        let changed = format!("{CHANGED} It took six months and I passed every unit.");
        let res = k
            .post(
                "/terminal/disclosure/changed",
                &[("text", changed.as_str()), ("action", "save")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::Draft);
        k.post("/terminal/disclosure/send", &[]).await;
        let res = officer
            .post(&format!("{path}/approve"), &[("version", version.as_str())])
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "an old version");
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::AwaitingReview);
        let page = body(officer.get(&path).await).await;
        assert!(page.contains("It took six months"));
        let read = version_in(&page);
        assert_ne!(read, version);
        let res = officer
            .post(&format!("{path}/approve"), &[("version", read.as_str())])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let letter = letter_of(&fx).unwrap();
        assert!(letter.is_approved());
        assert_eq!(letter.officer_note, None);
        assert_eq!(audits(&fx, "disclosure.approved", "profile", fx.profile), 1);
        assert_eq!(
            audits(&fx, "disclosure.changes_asked", "profile", fx.profile),
            1
        );
        let page = body(k.get("/terminal/disclosure").await).await;
        assert!(page.contains("Your officer has said yes to your letter."));
        assert!(!page.contains(note), "the old note is gone");
        // Approving twice is refused.
        let res = officer
            .post(&format!("{path}/approve"), &[("version", read.as_str())])
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);

        // Saving the same words changes nothing; new words need approval
        // again.
        let step = body(k.get("/terminal/disclosure/offer").await).await;
        assert!(step.contains("your officer must read it again"));
        k.post(
            "/terminal/disclosure/offer",
            &[("text", OFFER), ("action", "save")],
        )
        .await;
        assert!(letter_of(&fx).unwrap().is_approved());
        k.post(
            "/terminal/disclosure/offer",
            &[("text", "I am careful and tidy."), ("action", "save")],
        )
        .await;
        let letter = letter_of(&fx).unwrap();
        assert_eq!(letter.status, LetterStatus::Draft);
        assert!(!letter.is_approved());
        k.post("/terminal/disclosure/send", &[]).await;
        assert_eq!(letter_of(&fx).unwrap().status, LetterStatus::AwaitingReview);
        // The history has every step.
        let mut conn = fx.app.services.store.conn().unwrap();
        let history = letters::reviews(&mut conn, fx.profile).unwrap();
        let actions: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            actions,
            ["sent", "changes_asked", "sent", "approved", "sent"]
        );
        drop(conn);
        fx.app.stop().await;
    }
);

on_both_backends!(the_letter_pages_speak_welsh, |backend| async move {
    let fx = Fixture::new(backend, 11, 24).await;
    let css = fx
        .app
        .get("/static/terminal.css")
        .await
        .text()
        .await
        .unwrap()
        .len();
    let k = fx.signed_in().await;
    let res = k
        .post(
            "/terminal/language",
            &[("lang", "cy"), ("back", "/terminal/disclosure")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = check_page(k.get("/terminal/disclosure").await, css, "cy overview").await;
    assert!(page.contains("<html lang=\"cy\">"));
    assert!(page.contains("Fy llythyr datgelu"));
    assert!(page.contains("Nid ydych wedi dechrau eich llythyr eto."));
    let step = check_page(k.get("/terminal/disclosure/happened").await, css, "cy step").await;
    assert!(step.contains("Rhan 1 o 3"));
    assert!(step.contains("euogfarnau sydd wedi darfod"));
    let long = "b".repeat(PART_MAX + 1);
    let res = k
        .post(
            "/terminal/disclosure/happened",
            &[("text", long.as_str()), ("action", "save")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(res).await.contains("nod neu lai"));
    let res = k.post("/terminal/disclosure/send", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(res).await.contains("Ysgrifennwch y rhan o"));
    assert!(letter_of(&fx).is_none(), "sending nothing writes nothing");
    write_and_send(&k).await;
    let preview = check_page(
        k.get("/terminal/disclosure/preview").await,
        css,
        "cy preview",
    )
    .await;
    assert!(preview.contains("Annwyl gyflogwr,"));
    assert!(preview.contains("Yn gywir"));
    assert!(preview.contains("class=\"letter\" lang=\"cy\""));
    let page = body(k.get("/terminal/disclosure?sent=1").await).await;
    assert!(page.contains("Mae eich llythyr gan eich swyddog."));
    fx.app.stop().await;
});

/// Four vacancies the person may apply for: three that check for
/// convictions (basic, standard, enhanced) and one that does not.
fn vacancies_by_check(fx: &Fixture) -> (i64, i64, i64, i64) {
    let eligible: Vec<i64> = fx.eligible().into_iter().collect();
    assert!(eligible.len() >= 4, "enough eligible vacancies");
    let mut conn = fx.app.services.store.conn().unwrap();
    for (id, level) in eligible
        .iter()
        .zip(["basic", "standard", "enhanced", "none"])
    {
        fairchance::with_conn!(&mut conn, |c| diesel::update(vacancies::table.find(*id))
            .set((
                vacancies::check_level.eq(level),
                // A check asks about convictions; no check may never ask.
                vacancies::convictions_asked.eq(if level == "none" { "never" } else { "at_offer" }),
                vacancies::regulated_children.eq(false),
                vacancies::regulated_adults.eq(false),
            ))
            .execute(c)
            .unwrap());
    }
    (eligible[0], eligible[1], eligible[2], eligible[3])
}

fn application_of(fx: &Fixture, vacancy: i64) -> Option<i64> {
    let mut conn = fx.app.services.store.conn().unwrap();
    fairchance::with_conn!(&mut conn, |c| applications::table
        .filter(applications::profile_id.eq(fx.profile))
        .filter(applications::vacancy_id.eq(vacancy))
        .select(applications::id)
        .first::<i64>(c)
        .optional()
        .unwrap())
}

fn copies(fx: &Fixture) -> i64 {
    let mut conn = fx.app.services.store.conn().unwrap();
    fairchance::with_conn!(&mut conn, |c| application_disclosures::table
        .count()
        .get_result::<i64>(c)
        .unwrap())
}

fn forward(fx: &Fixture, application: i64) {
    let mut conn = fx.app.services.store.conn().unwrap();
    let now_at = app_store::load(&mut conn, application)
        .unwrap()
        .unwrap()
        .status;
    if now_at == ApplicationStatus::Forwarded {
        return;
    }
    for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
        conn.write(|tx| {
            app_store::change_status(
                tx,
                application,
                &Change::to(to),
                Actor::officer(fx.officer),
                now(),
            )
        })
        .unwrap();
    }
}

const CHOICE: &str = "name=\"disclosure\" value=\"yes\"";

on_both_backends!(
    an_approved_letter_goes_only_when_chosen_and_asked_about,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 24).await;
        let (basic, standard, enhanced, none) = vacancies_by_check(&fx);
        let k = fx.signed_in().await;
        let apply = |v: i64| format!("/terminal/vacancies/{v}/interested");
        let statement = "I have done this kind of work before.";

        // A letter not yet approved is never offered, and a forged choice
        // is refused with nothing stored.
        write_and_send(&k).await;
        let form = body(k.get(&apply(basic)).await).await;
        assert!(!form.contains(CHOICE), "not offered before approval");
        let res = k
            .post(
                &apply(basic),
                &[
                    ("statement", statement),
                    ("action", "send"),
                    ("disclosure", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("id=\"disclosure-error\""));
        assert!(page.contains("You cannot send your letter with this application."));
        assert_eq!(application_of(&fx, basic), None, "nothing stored");

        // Approved by the officer.
        let officer = Staff::of(&fx, fx.officer);
        let path = format!("/officer/profiles/{}/disclosure", fx.profile);
        let version = version_in(&body(officer.get(&path).await).await);
        let res = officer
            .post(&format!("{path}/approve"), &[("version", version.as_str())])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        // Offered, unticked, only where convictions will be asked about.
        for v in [basic, standard, enhanced] {
            let form = body(k.get(&apply(v)).await).await;
            assert!(form.contains(CHOICE), "offered for {v}");
            assert!(!form.contains(&format!("{CHOICE} checked")), "unticked");
            assert!(form.contains("Send my disclosure letter with this application"));
        }
        let form = body(k.get(&apply(none)).await).await;
        assert!(!form.contains(CHOICE), "no check, no letter");
        let res = k
            .post(
                &apply(none),
                &[
                    ("statement", statement),
                    ("action", "send"),
                    ("disclosure", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(application_of(&fx, none), None, "nothing stored");
        // Saving a draft with the box ticked keeps the tick on the page
        // but sends nothing.
        let res = k
            .post(
                &apply(enhanced),
                &[
                    ("statement", statement),
                    ("action", "save"),
                    ("disclosure", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(body(res).await.contains(&format!("{CHOICE} checked")));
        assert_eq!(application_of(&fx, enhanced), None);

        // Not chosen: no letter goes.
        let res = k
            .post(
                &apply(basic),
                &[("statement", statement), ("action", "send")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let without = application_of(&fx, basic).unwrap();
        assert_eq!(copies(&fx), 0);
        // Chosen: a copy of the approved letter goes with it.
        let res = k
            .post(
                &apply(standard),
                &[
                    ("statement", statement),
                    ("action", "send"),
                    ("disclosure", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let with = application_of(&fx, standard).unwrap();
        assert_eq!(copies(&fx), 1);
        let page = body(k.get(&format!("/terminal/applications/{standard}")).await).await;
        assert!(page.contains("Your disclosure letter was sent with this application."));
        let page = body(k.get(&format!("/terminal/applications/{basic}")).await).await;
        assert!(!page.contains("disclosure letter was sent"));
        let sent_version = letter_of(&fx).unwrap().version;

        // Later edits do not change what was sent.
        k.post(
            "/terminal/disclosure/happened",
            &[("text", "Something else entirely."), ("action", "save")],
        )
        .await;
        let mut conn = fx.app.services.store.conn().unwrap();
        let copy = letters::attached(&mut conn, with).unwrap().unwrap();
        assert_eq!(copy.words.part(Part::WhatHappened), HAPPENED);
        assert_eq!(copy.letter_version, sent_version);
        assert_eq!(copy.language, "en");
        assert!(letters::attached(&mut conn, without).unwrap().is_none());
        drop(conn);
        // And an unapproved letter is no longer offered.
        let form = body(k.get(&apply(enhanced)).await).await;
        assert!(!form.contains(CHOICE));

        // The officer sees the copy before forwarding: audited.
        let page = body(officer.get(&format!("/officer/applications/{with}")).await).await;
        assert!(page.contains("Disclosure letter sent with this application"));
        assert!(page.contains(HAPPENED));
        assert_eq!(audits(&fx, "disclosure.viewed", "application", with), 1);
        let page = body(
            officer
                .get(&format!("/officer/applications/{without}"))
                .await,
        )
        .await;
        assert!(!page.contains("Disclosure letter sent"));
        assert_eq!(audits(&fx, "disclosure.viewed", "application", without), 0);

        // Forwarding asks again, saying the letter goes too.
        let res = officer
            .post(&format!("/officer/applications/{with}/review"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let confirm = body(
            officer
                .post(&format!("/officer/applications/{with}/forward"), &[])
                .await,
        )
        .await;
        assert!(confirm.contains("The disclosure letter the person chose to send goes with it"));
        let res = officer
            .post(
                &format!("/officer/applications/{with}/forward"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        // The employer sees it on the card only where it was sent: audited.
        forward(&fx, without);
        let employer_user = {
            let mut conn = fx.app.services.store.conn().unwrap();
            let employer = store::vacancies::load(&mut conn, standard, &fx.app.services.taxonomy)
                .unwrap()
                .employer_id;
            common::staff_user(
                &mut conn,
                "hiring@example.org",
                Membership::Employer(employer),
            )
        };
        let employer = Staff::of(&fx, employer_user);
        let card = body(
            employer
                .get(&format!("/employer/applications/{with}"))
                .await,
        )
        .await;
        assert!(card.contains("Disclosure letter"));
        for text in ["Dear employer,", HAPPENED, CHANGED, OFFER] {
            assert!(card.contains(text), "{text}");
        }
        assert!(!card.contains("Something else entirely."));
        assert_eq!(audits(&fx, "disclosure.viewed", "application", with), 2);
        let card = body(
            employer
                .get(&format!("/employer/applications/{without}"))
                .await,
        )
        .await;
        assert!(!card.contains("Disclosure letter"));
        assert!(!card.contains(HAPPENED));
        let cards = body(
            employer
                .get(&format!("/employer/vacancies/{standard}/applications"))
                .await,
        )
        .await;
        assert!(cards.contains(HAPPENED));
        assert_eq!(audits(&fx, "disclosure.viewed", "application", with), 3);
        let mut conn = fx.app.services.store.conn().unwrap();
        let kinds: Vec<String> = fairchance::with_conn!(&mut conn, |c| audit_log::table
            .filter(audit_log::action.eq("disclosure.viewed"))
            .filter(audit_log::subject_id.eq(with))
            .order(audit_log::id)
            .select(audit_log::actor_kind)
            .load(c)
            .unwrap());
        assert_eq!(kinds, ["officer", "employer", "employer"], "who read it");
        drop(conn);
        fx.app.stop().await;
    }
);

on_both_backends!(
    a_welsh_letter_reaches_the_employer_in_welsh,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 24).await;
        let (basic, ..) = vacancies_by_check(&fx);
        let k = fx.signed_in().await;
        k.post(
            "/terminal/language",
            &[("lang", "cy"), ("back", "/terminal/home")],
        )
        .await;
        write_and_send(&k).await;
        let officer = Staff::of(&fx, fx.officer);
        let path = format!("/officer/profiles/{}/disclosure", fx.profile);
        let page = body(officer.get(&path).await).await;
        assert!(
            page.contains("lang=\"cy\""),
            "the officer reads it marked as Welsh"
        );
        let version = version_in(&page);
        officer
            .post(&format!("{path}/approve"), &[("version", version.as_str())])
            .await;
        let form = body(
            k.get(&format!("/terminal/vacancies/{basic}/interested"))
                .await,
        )
        .await;
        assert!(form.contains("Anfon fy llythyr datgelu gyda"));
        let res = k
            .post(
                &format!("/terminal/vacancies/{basic}/interested"),
                &[
                    ("statement", "Rwyf eisiau'r swydd hon."),
                    ("action", "send"),
                    ("disclosure", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let app = application_of(&fx, basic).unwrap();
        forward(&fx, app);
        let employer_user = {
            let mut conn = fx.app.services.store.conn().unwrap();
            let employer = store::vacancies::load(&mut conn, basic, &fx.app.services.taxonomy)
                .unwrap()
                .employer_id;
            common::staff_user(
                &mut conn,
                "cyflogi@example.org",
                Membership::Employer(employer),
            )
        };
        let card = body(
            Staff::of(&fx, employer_user)
                .get(&format!("/employer/applications/{app}"))
                .await,
        )
        .await;
        assert!(card.contains("lang=\"cy\""));
        assert!(card.contains("Annwyl gyflogwr,"));
        fx.app.stop().await;
    }
);
