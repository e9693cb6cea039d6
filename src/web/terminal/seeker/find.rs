//! "Find jobs": keyword search with filters (the terminal API searches
//! the same way).

use super::*;

/// What the person asked "Find jobs" for, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub words: String,
    pub sector: Option<String>,
    /// "part" or "full".
    pub hours: Option<String>,
    pub miles: Option<u32>,
    pub page: usize,
}

/// Raw search fields as typed.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub distance: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub print: String,
}

impl Search {
    pub fn parse(
        raw: &SearchQuery,
        taxonomy: &Taxonomy,
        t: Messages,
    ) -> Result<Search, (Search, FieldErrors)> {
        let mut errors = FieldErrors::new();
        let words = raw.q.trim().to_string();
        if words.chars().count() > WORDS_MAX {
            errors.add("q", t.get("find.error.words_long"));
        }
        let sector = Some(raw.sector.trim().to_string()).filter(|s| !s.is_empty());
        if let Some(s) = &sector {
            if !taxonomy.is_known_sector(s) {
                errors.add("sector", t.get("find.error.sector"));
            }
        }
        let hours = match raw.hours.trim() {
            "" | "any" => None,
            h @ ("part" | "full") => Some(h.to_string()),
            _ => {
                errors.add("hours", t.get("find.error.hours"));
                None
            }
        };
        let miles = match raw.distance.trim() {
            "" | "any" => None,
            d => match d.parse::<u32>() {
                Ok(m) if DISTANCES_MILES.contains(&m) => Some(m),
                _ => {
                    errors.add("distance", t.get("find.error.distance"));
                    None
                }
            },
        };
        let page = page_number(&raw.page);
        let search = Search {
            words,
            sector,
            hours,
            miles,
            page,
        };
        if errors.is_empty() {
            Ok(search)
        } else {
            Err((search, errors))
        }
    }

    /// The query string for another page of the same search.
    /// Whether any choice beyond the words narrows the search.
    pub fn has_choices(&self) -> bool {
        self.sector.is_some() || self.hours.is_some() || self.miles.is_some()
    }

    pub fn link(&self, page: usize) -> String {
        let pairs = [
            ("q", self.words.clone()),
            ("sector", self.sector.clone().unwrap_or_default()),
            ("hours", self.hours.clone().unwrap_or_default()),
            (
                "distance",
                self.miles.map(|m| m.to_string()).unwrap_or_default(),
            ),
            ("page", page.to_string()),
        ];
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        format!("/terminal/find?{query}")
    }
}

/// Runs a search and returns one page of it (ten results) with the number
/// of results in all: every vacancy the person is eligible for that meets
/// their choices, never cut short (see `Matcher::search_page`). A distance
/// they choose counts from their release area, and their own travel radius
/// still applies, so the smaller of the two wins; remote work is always in
/// reach. Everything else is left out without a word.
pub async fn search(
    state: &AppState,
    profile: &Profile,
    search: &Search,
) -> Result<Page<Vacancy>, SeekerError> {
    let near = match (search.miles, profile.details.release_area().place()) {
        (Some(miles), Some(place)) => Some(Near {
            point: place.point(),
            km: f64::from(miles) * KM_PER_MILE,
            include_remote: true,
        }),
        _ => None,
    };
    let query = VacancySearch {
        text: search.words.clone(),
        sector: search.sector.clone(),
        min_hours: (search.hours.as_deref() == Some("full")).then_some(FULL_TIME_HOURS),
        max_hours: (search.hours.as_deref() == Some("part")).then_some(PART_TIME_MAX_HOURS),
        near,
        limit: None,
    };
    let paging = Paging {
        page: search.page,
        per_page: PAGE_SIZE,
    };
    Ok(state
        .matcher
        .search_page(profile, &query, today(), paging)
        .await?)
}

pub struct SectorOption {
    pub slug: String,
    pub label: String,
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "terminal/find.html")]
pub(super) struct FindPage {
    f: Frame,
    errors: FieldErrors,
    search: Search,
    sectors: Vec<SectorOption>,
    distances: Vec<SelectOption>,
    results: Vec<Listing>,
    count_text: String,
    pager: Option<Pager>,
    /// The choices made, in words, for the closed "More choices" box.
    chosen: String,
    /// When nothing was found: where to go instead (address, words).
    instead: Option<(String, String)>,
}

pub async fn find(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let sectors = sector_options(t, &state.taxonomy);
    let parsed = Search::parse(&query, &state.taxonomy, t);
    let (search_terms, errors) = match parsed {
        Ok(s) => (s, FieldErrors::new()),
        Err((s, errors)) => (s, errors),
    };
    let distances: Vec<SelectOption> = DISTANCES_MILES
        .iter()
        .map(|m| SelectOption {
            value: m.to_string(),
            label: t.with("find.distance_miles", "miles", m),
            selected: search_terms.miles == Some(*m),
        })
        .collect();
    let chosen = chosen_text(t, &search_terms, &sectors, &distances);
    let mut view = FindPage {
        f,
        errors,
        search: search_terms,
        sectors,
        distances,
        results: Vec::new(),
        count_text: String::new(),
        pager: None,
        chosen,
        instead: None,
    };
    if !view.errors.is_empty() {
        return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &view));
    }
    let profile = load_profile(&state, seeker.seeker.profile_id).await?;
    let mut found = search(&state, &profile, &view.search).await?;
    // A page past the end (an old link after jobs closed) shows the last.
    if found.items.is_empty() && found.total > 0 {
        view.search.page = found.pages();
        found = search(&state, &profile, &view.search).await?;
    }
    view.results = found
        .items
        .iter()
        .map(|r| listing(t, &r.item, &r.assessment))
        .collect();
    name_employers(&state, &mut view.results).await?;
    view.count_text = count_text(t, found.total, "find.count_one", "find.count");
    if found.total == 0 {
        nothing_found(&state, &profile, &mut view).await?;
    }
    let search_terms = view.search.clone();
    view.pager = Pager::of(t, view.search.page, found.pages(), |p| search_terms.link(p));
    Ok(page(StatusCode::OK, &view))
}

/// The sectors to choose from, in the person's language.
pub(super) fn sector_options(t: Messages, taxonomy: &Taxonomy) -> Vec<SectorOption> {
    taxonomy
        .sectors()
        .iter()
        .map(|s| SectorOption {
            slug: s.slug().to_string(),
            label: t
                .lookup(&format!("sector.{}", s.slug()))
                .unwrap_or(s.label())
                .to_string(),
        })
        .collect()
}

/// Says what is true when a search finds nothing: nothing for these words
/// and choices, or nothing that fits the person at all today.
pub(super) async fn nothing_found(
    state: &AppState,
    profile: &Profile,
    view: &mut FindPage,
) -> Result<(), AppError> {
    let t = view.f.t;
    let narrowed = !view.search.words.trim().is_empty() || view.search.has_choices();
    let everything = if narrowed {
        let all = Search {
            page: 1,
            ..Search::default()
        };
        search(state, profile, &all).await?.total
    } else {
        0
    };
    if everything > 0 {
        view.count_text = t.get("find.none_for_choices").to_string();
        view.instead = Some((
            "/terminal/find".to_string(),
            count_text(t, everything, "find.see_all_one", "find.see_all"),
        ));
    } else {
        view.count_text = t.get("find.none_at_all").to_string();
        view.instead = Some((
            "/terminal/jobs-for-you".to_string(),
            t.get("find.see_jobs_for_you").to_string(),
        ));
    }
    Ok(())
}

/// The choices made, in words ("Shops, part time, up to 10 miles"), or
/// empty when none.
pub(super) fn chosen_text(
    t: Messages,
    search: &Search,
    sectors: &[SectorOption],
    distances: &[SelectOption],
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(sector) = &search.sector {
        if let Some(option) = sectors.iter().find(|o| &o.slug == sector) {
            parts.push(option.label.clone());
        }
    }
    match search.hours.as_deref() {
        Some("part") => parts.push(t.get("find.hours_part").to_string()),
        Some("full") => parts.push(t.get("find.hours_full").to_string()),
        _ => {}
    }
    if let Some(option) = distances.iter().find(|d| d.selected) {
        parts.push(option.label.clone());
    }
    parts.join("; ")
}
