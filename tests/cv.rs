//! The CV over HTTP, on both database backends, with no JavaScript: the
//! person's steps in English and Welsh (drafts kept between sessions,
//! lengths checked beside the field), the officer's suggestions and what
//! the person sees of them, another service's officer kept out, the CV
//! sent with an application only when chosen (as it was then), what the
//! officer and the employer see of it, and the one-page PDF.

mod common;
#[path = "support/terminal.rs"]
mod support;

use common::{staff_user, TestApp};
use fairchance::domain::application::ApplicationStatus;
use fairchance::store::applications::{self as app_store, Actor, Change};
use fairchance::store::people::Membership;
use fairchance::store::{self, now};
use support::*;

const ABOUT_ME: &str = "I like working with my hands and I want a steady job.";
const STRENGTHS: &str = "I am on time every day.";

/// An officer's GET or POST with a fresh session: status, Location, body.
async fn staff(
    app: &TestApp,
    user: i64,
    method: reqwest::Method,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let (cookie, csrf) = app.staff_session(user);
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &csrf));
    let mut req = app
        .client
        .request(method.clone(), app.url(path))
        .header("cookie", cookie);
    if method == reqwest::Method::POST {
        req = req.form(&form);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location, res.text().await.unwrap())
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn cv_of(fx: &Fixture) -> fairchance::domain::cv::Cv {
    let mut conn = fx.app.services.store.conn().unwrap();
    store::cvs::load(&mut conn, fx.profile).unwrap()
}

/// An officer of another service.
fn stranger(fx: &Fixture) -> i64 {
    let mut conn = fx.app.services.store.conn().unwrap();
    let other = common::service(&mut conn, "HMP Elsewhere");
    staff_user(&mut conn, "other@example.org", Membership::Service(other))
}

on_both_backends!(
    the_cv_is_written_step_by_step_kept_and_reviewed,
    |backend| async move {
        let fx = Fixture::new(backend, 21, 6).await;
        let css = fx
            .app
            .get("/static/terminal.css")
            .await
            .text()
            .await
            .unwrap()
            .len();
        let k = fx.signed_in().await;
        let home = k.get("/terminal/home").await.text().await.unwrap();
        assert!(home.contains("href=\"/terminal/cv\""), "linked from home");

        // The overview before anything is written.
        let res = k.get("/terminal/cv").await;
        assert_eq!(res.status(), 200);
        let body = check_page(res, css, "/terminal/cv").await;
        assert_idle_refresh(&body, "/terminal/cv");
        assert!(body.contains("From your record"));
        assert!(body.contains("You have not written this yet."));
        assert!(body.contains("href=\"/terminal/cv/about-me\""));

        // Too long: 422, the message beside the field, nothing kept.
        let long = "x".repeat(601);
        let res = k
            .post("/terminal/cv/about-me", &[("about_me", &long)])
            .await;
        assert_eq!(res.status(), 422);
        let body = check_page(res, css, "about me errors").await;
        assert!(body.contains("id=\"about_me-error\""));
        assert!(body.contains("Write 600 characters or fewer"));
        assert!(body.contains(&long), "what was typed is shown again");
        assert_eq!(cv_of(&fx).words.about_me, "");
        assert!(cv_of(&fx).changed_at.is_none());

        // Each step saves at once and leads to the next.
        for (path, fields, next) in [
            (
                "/terminal/cv/about-me",
                vec![("about_me", ABOUT_ME)],
                "/terminal/cv/strengths?saved=1",
            ),
            (
                "/terminal/cv/strengths",
                vec![("strengths", STRENGTHS)],
                "/terminal/cv/references?saved=1",
            ),
        ] {
            let res = k.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            check_page(res, css, path).await;
            let res = k.post(path, &fields).await;
            assert_eq!(res.status(), 303, "{path}");
            assert_eq!(location(&res), next);
        }
        let res = k
            .post("/terminal/cv/references", &[("references_note", "A tutor")])
            .await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("id=\"references-error\"") && body.contains("Choose yes or no"));
        assert_eq!(
            cv_of(&fx).words.references_available,
            None,
            "nothing half-written"
        );
        let res = k
            .post(
                "/terminal/cv/references",
                &[("references", "yes"), ("references_note", "A tutor")],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/terminal/cv?saved=1");
        // A value that is not on the form is refused, never a 500.
        let res = k
            .post("/terminal/cv/references", &[("references", "maybe")])
            .await;
        assert_eq!(res.status(), 422);

        // Kept: a new session on the terminal finds it all.
        let k2 = fx.signed_in().await;
        let body = k2.get("/terminal/cv").await.text().await.unwrap();
        for text in [
            ABOUT_ME,
            STRENGTHS,
            "I can give references. A tutor",
            "You last changed your CV on",
        ] {
            assert!(body.contains(text), "the overview shows {text:?}");
        }
        let body = k2.get("/terminal/cv/about-me").await.text().await.unwrap();
        assert!(body.contains(ABOUT_ME), "the step shows the draft");

        // The print view: no forms, no suggestions, the printing date.
        let res = k2.get("/terminal/cv?print=1").await;
        assert_eq!(res.status(), 200);
        let body = check_page(res, css, "print").await;
        assert!(!body.contains("<form") && body.contains("Printed from Fair Chance Jobs on"));

        // The officer sees it on the profile page and writes suggestions.
        let path = format!("/officer/profiles/{}", fx.profile);
        let (status, _, body) = staff(&fx.app, fx.officer, reqwest::Method::GET, &path, &[]).await;
        assert_eq!(status, 200);
        assert!(body.contains("id=\"cv\"") && body.contains(ABOUT_ME));
        assert!(body.contains("The person last changed their CV on"));
        assert!(body.contains(&format!("/officer/profiles/{}/cv.pdf", fx.profile)));
        let suggest = format!("/officer/profiles/{}/cv/suggestions", fx.profile);
        let long = "y".repeat(501);
        let (status, _, body) = staff(
            &fx.app,
            fx.officer,
            reqwest::Method::POST,
            &suggest,
            &[
                ("suggestion_strengths", &long),
                ("suggestion_general", "Good start"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("id=\"suggestion_strengths-error\"") && body.contains(&long));
        assert!(cv_of(&fx).suggestions.is_empty(), "nothing half-written");
        let (status, to, _) = staff(
            &fx.app,
            fx.officer,
            reqwest::Method::POST,
            &suggest,
            &[
                ("suggestion_strengths", "Say which course you finished."),
                ("suggestion_general", "A good start. Keep it short."),
            ],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (303, format!("{path}?saved=cv#cv").as_str())
        );
        let (_, _, body) = staff(&fx.app, fx.officer, reqwest::Method::GET, &path, &[]).await;
        assert!(body.contains("Suggestions last saved by"));

        // The person sees each suggestion beside its part.
        let body = k2.get("/terminal/cv").await.text().await.unwrap();
        assert!(
            body.contains("Your officer says:") && body.contains("Say which course you finished.")
        );
        assert!(body.contains("A good start. Keep it short."));
        let body = k2.get("/terminal/cv/strengths").await.text().await.unwrap();
        assert!(body.contains("Say which course you finished."));
        let body = k2.get("/terminal/cv/about-me").await.text().await.unwrap();
        assert!(
            !body.contains("Say which course you finished."),
            "only beside its own part"
        );
        let body = k2.get("/terminal/cv?print=1").await.text().await.unwrap();
        assert!(
            !body.contains("Say which course you finished."),
            "not printed"
        );

        // Another service's officer finds nothing.
        let other = stranger(&fx);
        let (status, _, _) = staff(&fx.app, other, reqwest::Method::GET, &path, &[]).await;
        assert_eq!(status, 404);
        let (status, _, _) = staff(
            &fx.app,
            other,
            reqwest::Method::POST,
            &suggest,
            &[("suggestion_general", "Not mine")],
        )
        .await;
        assert_eq!(status, 404);
        let pdf = format!("/officer/profiles/{}/cv.pdf", fx.profile);
        let (status, _, _) = staff(&fx.app, other, reqwest::Method::GET, &pdf, &[]).await;
        assert_eq!(status, 404);
        assert_eq!(
            cv_of(&fx).suggestions.general,
            "A good start. Keep it short."
        );

        // In Welsh.
        let res = k2
            .post(
                "/terminal/language",
                &[("lang", "cy"), ("back", "/terminal/cv")],
            )
            .await;
        assert_eq!(res.status(), 303);
        let res = k2.get("/terminal/cv").await;
        let body = check_page(res, css, "Welsh overview").await;
        assert!(body.contains("<html lang=\"cy\">") && body.contains("Fy CV"));
        assert!(body.contains("O&#39;ch cofnod") || body.contains("O'ch cofnod"));
        assert!(body.contains("Mae eich swyddog yn dweud:"));
        let res = k2.post("/terminal/cv/references", &[]).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("Dewiswch gall neu na all"));
        let res = k2
            .post("/terminal/cv/strengths", &[("strengths", &"z".repeat(601))])
            .await;
        assert_eq!(res.status(), 422);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Ysgrifennwch 600 nod neu lai"));
        assert_eq!(cv_of(&fx).words.strengths, STRENGTHS);
        fx.app.stop().await;
    }
);

on_both_backends!(
    the_cv_goes_with_an_application_only_when_chosen,
    |backend| async move {
        let fx = Fixture::new(backend, 31, 16).await;
        let eligible: Vec<i64> = fx.eligible().into_iter().collect();
        assert!(eligible.len() >= 3, "three jobs to apply for");
        let (without, with, refused) = (eligible[0], eligible[1], eligible[2]);
        let k = fx.signed_in().await;

        // No CV yet: no choice on the form, and ticking it anyway is refused.
        let form = k
            .get(&format!("/terminal/vacancies/{refused}/interested"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!form.contains("name=\"send_cv\""));
        let res = k
            .post(
                &format!("/terminal/vacancies/{refused}/interested"),
                &[
                    ("statement", "I want it."),
                    ("action", "send"),
                    ("send_cv", "yes"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("id=\"send_cv-error\""));
        {
            let mut conn = fx.app.services.store.conn().unwrap();
            assert!(app_store::find(&mut conn, fx.profile, refused)
                .unwrap()
                .is_none());
        }

        // With a CV the choice shows, not ticked.
        let res = k
            .post("/terminal/cv/about-me", &[("about_me", ABOUT_ME)])
            .await;
        assert_eq!(res.status(), 303);
        let form = k
            .get(&format!("/terminal/vacancies/{without}/interested"))
            .await
            .text()
            .await
            .unwrap();
        assert!(form.contains("name=\"send_cv\" value=\"yes\""));
        assert!(
            !form.contains("value=\"yes\" checked"),
            "not ticked at first"
        );
        for (vacancy, tick) in [(without, false), (with, true)] {
            let mut fields = vec![("statement", "I would like this job."), ("action", "send")];
            if tick {
                fields.push(("send_cv", "yes"));
            }
            let res = k
                .post(
                    &format!("/terminal/vacancies/{vacancy}/interested"),
                    &fields,
                )
                .await;
            assert_eq!(res.status(), 303, "{vacancy}");
        }
        let (app_without, app_with) = {
            let mut conn = fx.app.services.store.conn().unwrap();
            (
                app_store::find(&mut conn, fx.profile, without)
                    .unwrap()
                    .unwrap()
                    .id,
                app_store::find(&mut conn, fx.profile, with)
                    .unwrap()
                    .unwrap()
                    .id,
            )
        };
        {
            let mut conn = fx.app.services.store.conn().unwrap();
            assert!(store::cvs::attached(&mut conn, app_without)
                .unwrap()
                .is_none());
            let sent = store::cvs::attached(&mut conn, app_with).unwrap().unwrap();
            assert_eq!(sent.words.about_me, ABOUT_ME);
        }
        // A later change does not change what was sent.
        let res = k
            .post("/terminal/cv/about-me", &[("about_me", "Changed later.")])
            .await;
        assert_eq!(res.status(), 303);

        // The officer sees it before forwarding.
        let (_, _, body) = staff(
            &fx.app,
            fx.officer,
            reqwest::Method::GET,
            &format!("/officer/applications/{app_with}"),
            &[],
        )
        .await;
        assert!(body.contains("The person chose to send their CV") && body.contains(ABOUT_ME));
        assert!(!body.contains("Changed later."));
        let (_, _, body) = staff(
            &fx.app,
            fx.officer,
            reqwest::Method::GET,
            &format!("/officer/applications/{app_without}"),
            &[],
        )
        .await;
        assert!(body.contains("did not send their CV"));

        // Forwarded, the employer's card shows the CV only where it was sent.
        let employer = {
            let mut conn = fx.app.services.store.conn().unwrap();
            for id in [app_with, app_without] {
                for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
                    conn.write(|tx| {
                        app_store::change_status(
                            tx,
                            id,
                            &Change::to(to),
                            Actor::officer(fx.officer),
                            now(),
                        )
                    })
                    .unwrap();
                }
            }
            let taxonomy = fx.app.services.taxonomy.clone();
            let employer_id = store::vacancies::load(&mut conn, with, &taxonomy)
                .unwrap()
                .employer_id;
            staff_user(
                &mut conn,
                "hiring@example.org",
                Membership::Employer(employer_id),
            )
        };
        let name = {
            let mut conn = fx.app.services.store.conn().unwrap();
            let p =
                store::profiles::load(&mut conn, fx.profile, &fx.app.services.taxonomy).unwrap();
            (p.details.family_name().to_string(), p.pseudonym)
        };
        let (status, _, body) = staff(
            &fx.app,
            employer,
            reqwest::Method::GET,
            &format!("/employer/applications/{app_with}"),
            &[],
        )
        .await;
        assert_eq!(status, 200);
        assert!(body.contains("Their CV") && body.contains(ABOUT_ME));
        assert!(!body.contains("Changed later."));
        assert!(
            body.contains(&format!("Sent by {}", name.1)),
            "under the pseudonym"
        );
        assert!(!body.contains(&name.0), "never the name without consent");
        let (status, _, body) = staff(
            &fx.app,
            employer,
            reqwest::Method::GET,
            &format!("/employer/applications/{app_without}"),
            &[],
        )
        .await;
        assert_eq!(status, 200);
        assert!(!body.contains("Their CV") && !body.contains(ABOUT_ME));
        let (_, _, body) = staff(
            &fx.app,
            employer,
            reqwest::Method::GET,
            &format!("/employer/vacancies/{with}/applications"),
            &[],
        )
        .await;
        assert_eq!(body.matches("Their CV").count(), 1);
        fx.app.stop().await;
    }
);

on_both_backends!(
    the_cv_pdf_is_one_a4_page_under_200_kb,
    |backend| async move {
        let fx = Fixture::new(backend, 41, 4).await;
        // A full CV: every part at its longest.
        let k = fx.signed_in().await;
        let long = "I work hard and I learn quickly. ".repeat(20);
        for (path, field, text) in [
            ("/terminal/cv/about-me", "about_me", &long[..600]),
            ("/terminal/cv/strengths", "strengths", &long[..600]),
        ] {
            assert_eq!(k.post(path, &[(field, text)]).await.status(), 303);
        }
        let note = "n".repeat(200);
        let res = k
            .post(
                "/terminal/cv/references",
                &[("references", "yes"), ("references_note", &note)],
            )
            .await;
        assert_eq!(res.status(), 303);
        let (skills, family_name) = {
            let mut conn = fx.app.services.store.conn().unwrap();
            let taxonomy = &fx.app.services.taxonomy;
            let p = store::profiles::load(&mut conn, fx.profile, taxonomy).unwrap();
            let skills: Vec<String> = p
                .details
                .skills()
                .iter()
                .map(|s| taxonomy.label(s.slug()).to_string())
                .collect();
            (skills, p.details.family_name().to_string())
        };
        assert!(!skills.is_empty(), "the profile has skills");

        let path = format!("/officer/profiles/{}/cv.pdf", fx.profile);
        let (cookie, _) = fx.app.staff_session(fx.officer);
        let res = fx
            .app
            .client
            .get(fx.app.url(&path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let bytes = res.bytes().await.unwrap();
        // CV_PDF_OUT=path keeps the file for a look.
        if let Ok(out) = std::env::var("CV_PDF_OUT") {
            std::fs::write(out, &bytes).unwrap();
        }
        assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());
        let doc = lopdf::Document::load_mem(&bytes).expect("a valid PDF");
        let pages = doc.get_pages();
        assert_eq!(pages.len(), 1, "exactly one page");
        let (_, page) = pages.iter().next().unwrap();
        let media = doc
            .get_dictionary(*page)
            .unwrap()
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_float().unwrap())
            .collect::<Vec<f32>>();
        assert!(
            (media[2] - 595.28).abs() < 1.0 && (media[3] - 841.89).abs() < 1.0,
            "A4"
        );
        let content = doc.get_page_content(*page);
        let text = String::from_utf8_lossy(&content);
        for skill in &skills {
            assert!(text.contains(skill.as_str()), "the PDF shows {skill}");
        }
        assert!(
            text.contains(&family_name),
            "the PDF carries the person's name"
        );
        assert!(text.contains("About me") && text.contains("References"));

        // An administrator may print it too; the print is audited.
        let admin = {
            let mut conn = fx.app.services.store.conn().unwrap();
            staff_user(&mut conn, "admin@example.org", Membership::Admin)
        };
        let (status, _, _) = staff(&fx.app, admin, reqwest::Method::GET, &path, &[]).await;
        assert_eq!(status, 200);
        let mut conn = fx.app.services.store.conn().unwrap();
        let printed = fairchance::with_conn!(&mut conn, |c| {
            use diesel::prelude::*;
            use fairchance::store::schema::audit_log;
            audit_log::table
                .filter(audit_log::subject_id.eq(fx.profile))
                .filter(audit_log::detail.eq("CV PDF"))
                .count()
                .get_result::<i64>(c)
                .unwrap()
        });
        assert_eq!(printed, 2);
        drop(conn);
        fx.app.stop().await;
    }
);
