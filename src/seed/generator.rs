//! Believable, clearly fictional vacancies and profiles from a seeded random
//! generator: the demo data set and the benchmark data set share it, so the
//! benchmark measures the same shapes a person sees in the demo.

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::domain::geo::{ExclusionZoneInput, PlaceInput};
use crate::domain::offence::{OffenceCategory, OffenceExclusionInput};
use crate::domain::profile::{
    CertificateInput, ProfileInput, ProfileSkillInput, TodoInput, WorkHistoryInput,
};
use crate::domain::schedule::TimeWindowInput;
use crate::domain::vacancy::{StartKind, VacancyInput};

/// A town the generator places people and work in.
#[derive(Clone, Debug)]
pub struct Town {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// A kind of job: the words and requirements a real advert of it would carry.
pub struct Template {
    pub sector: &'static str,
    pub title: &'static str,
    pub duties: &'static str,
    pub required: &'static [&'static str],
    pub desirable: &'static [&'static str],
    pub certificates: &'static [&'static str],
    pub driving: bool,
    /// Pay in pounds per hour, low and high.
    pub pay: (f64, f64),
    pub hours: f64,
    pub shifts: &'static [(&'static [&'static str], &'static str, &'static str)],
}

const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri"];
const EVERY_DAY: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKEND: &[&str] = &["sat", "sun"];
const NIGHTS: &[&str] = &["sun", "mon", "tue", "wed", "thu"];

pub const TEMPLATES: &[Template] = &[
    Template { sector: "warehousing", title: "Warehouse operative", duties: "picking and packing customer orders, loading and unloading deliveries and keeping the warehouse tidy and safe", required: &["pick-and-pack", "order-picking-scanner", "loading-unloading"], desirable: &["stock-control", "hand-pallet-truck"], certificates: &[], driving: false, pay: (11.5, 12.6), hours: 40.0, shifts: &[(WEEKDAYS, "06:00", "14:00")] },
    Template { sector: "warehousing", title: "Forklift driver (counterbalance)", duties: "moving pallets between goods in, racking and despatch with a counterbalance truck and checking loads against paperwork", required: &["loading-unloading", "stock-rotation"], desirable: &["warehouse-management-systems", "goods-in"], certificates: &["forklift-counterbalance"], driving: false, pay: (12.5, 14.0), hours: 40.0, shifts: &[(WEEKDAYS, "14:00", "22:00")] },
    Template { sector: "warehousing", title: "Night shift order picker", duties: "picking chilled and ambient orders with a voice headset for supermarket deliveries", required: &["order-picking", "voice-picking"], desirable: &["cold-store-work", "powered-pallet-truck"], certificates: &[], driving: false, pay: (12.2, 13.5), hours: 37.5, shifts: &[(NIGHTS, "22:00", "06:00")] },
    Template { sector: "warehousing", title: "Goods in assistant", duties: "checking deliveries, booking stock onto the system and putting it away in the right place", required: &["goods-in", "delivery-checking"], desirable: &["put-away", "labelling-barcoding"], certificates: &[], driving: false, pay: (11.6, 12.4), hours: 30.0, shifts: &[(WEEKDAYS, "07:00", "13:00")] },
    Template { sector: "construction", title: "Site labourer", duties: "keeping the site clear, moving materials, helping trades and setting out safety barriers", required: &["site-labouring", "power-tools"], desirable: &["groundworks", "concreting"], certificates: &["cscs-labourer"], driving: false, pay: (12.0, 14.5), hours: 45.0, shifts: &[(WEEKDAYS, "07:30", "16:30")] },
    Template { sector: "construction", title: "Trainee dry liner", duties: "fixing metal stud partitions and plasterboard under the supervision of an experienced fixer", required: &["dry-lining"], desirable: &["reading-drawings", "power-tools"], certificates: &["cscs-trainee"], driving: false, pay: (12.0, 13.0), hours: 40.0, shifts: &[(WEEKDAYS, "08:00", "16:30")] },
    Template { sector: "construction", title: "Bricklayer", duties: "laying bricks and blocks on new-build housing to line and level", required: &["bricklaying", "reading-drawings"], desirable: &["setting-out"], certificates: &["cscs-skilled-worker"], driving: false, pay: (16.0, 22.0), hours: 42.5, shifts: &[(WEEKDAYS, "07:30", "16:00")] },
    Template { sector: "construction", title: "Painter and decorator", duties: "preparing and painting walls, ceilings and woodwork in occupied homes", required: &["painting-decorating"], desirable: &["property-maintenance"], certificates: &[], driving: false, pay: (13.0, 16.0), hours: 39.0, shifts: &[(WEEKDAYS, "08:00", "16:30")] },
    Template { sector: "construction", title: "Groundworker", duties: "digging, laying drainage and kerbs, and pouring concrete on commercial sites", required: &["groundworks", "drainage"], desirable: &["kerbing-paving", "concreting"], certificates: &["cscs-labourer", "plant-forward-tipping-dumper"], driving: false, pay: (14.0, 17.5), hours: 45.0, shifts: &[(WEEKDAYS, "07:00", "16:00")] },
    Template { sector: "hospitality", title: "Kitchen porter", duties: "washing up, keeping the kitchen clean and helping the chefs with simple food preparation", required: &["kitchen-porter"], desirable: &["food-preparation"], certificates: &["food-hygiene-level-1"], driving: false, pay: (11.5, 12.0), hours: 35.0, shifts: &[(&["wed", "thu", "fri", "sat", "sun"], "15:00", "23:30")] },
    Template { sector: "hospitality", title: "Commis chef", duties: "preparing vegetables, sauces and garnishes and cooking on a busy section", required: &["food-preparation", "commis-chef"], desirable: &["grill-cooking", "food-temperature-checks"], certificates: &["food-hygiene-level-2"], driving: false, pay: (12.0, 13.2), hours: 40.0, shifts: &[(&["tue", "wed", "thu", "fri", "sat"], "10:00", "19:00")] },
    Template { sector: "hospitality", title: "Barista", duties: "making coffee, serving customers and keeping the counter clean in a busy café", required: &["barista", "counter-service"], desirable: &["cash-handling"], certificates: &[], driving: false, pay: (11.5, 12.2), hours: 30.0, shifts: &[(EVERY_DAY, "07:00", "13:00")] },
    Template { sector: "hospitality", title: "Breakfast cook", duties: "cooking breakfasts for hotel guests and large groups and keeping food safety records", required: &["cooking-large-numbers", "food-temperature-checks"], desirable: &["dietary-needs-cooking"], certificates: &["food-hygiene-level-2"], driving: false, pay: (12.0, 12.8), hours: 30.0, shifts: &[(EVERY_DAY, "05:30", "11:30")] },
    Template { sector: "cleaning", title: "Commercial cleaner", duties: "cleaning offices and washrooms to a schedule, using colour-coded equipment and the right chemicals", required: &["commercial-cleaning", "washroom-cleaning"], desirable: &["colour-coded-cleaning", "chemical-dilution"], certificates: &[], driving: false, pay: (11.5, 12.0), hours: 20.0, shifts: &[(WEEKDAYS, "17:00", "21:00")] },
    Template { sector: "cleaning", title: "Deep clean operative", duties: "deep cleaning kitchens and public buildings, often overnight, with floor machines", required: &["deep-cleaning", "scrubber-dryer"], desirable: &["kitchen-deep-cleaning", "pressure-washing"], certificates: &["coshh"], driving: false, pay: (12.0, 13.5), hours: 37.5, shifts: &[(NIGHTS, "21:00", "05:30")] },
    Template { sector: "cleaning", title: "Window cleaner", duties: "cleaning windows on homes and shops using water-fed poles from a van", required: &["window-cleaning", "water-fed-pole"], desirable: &["gutter-cleaning"], certificates: &[], driving: true, pay: (11.8, 13.0), hours: 40.0, shifts: &[(WEEKDAYS, "08:00", "16:30")] },
    Template { sector: "driving", title: "Multi-drop van driver", duties: "delivering parcels on a local route, loading the van in the morning and getting proof of delivery", required: &["multi-drop-delivery", "van-driving"], desirable: &["route-planning", "proof-of-delivery"], certificates: &["licence-b"], driving: true, pay: (12.2, 13.8), hours: 45.0, shifts: &[(&["mon", "tue", "wed", "thu", "fri", "sat"], "07:00", "16:00")] },
    Template { sector: "driving", title: "HGV class 2 driver", duties: "delivering building materials to sites and merchants and doing daily vehicle checks", required: &["hgv-driving", "vehicle-daily-checks", "load-securing"], desirable: &["tail-lift"], certificates: &["licence-c", "driver-cpc", "tachograph-card"], driving: true, pay: (15.0, 18.0), hours: 45.0, shifts: &[(WEEKDAYS, "06:00", "15:30")] },
    Template { sector: "driving", title: "Two-person delivery crew", duties: "delivering and setting up furniture and appliances in customers' homes", required: &["two-person-delivery"], desirable: &["van-driving", "customer-service"], certificates: &[], driving: false, pay: (11.8, 12.9), hours: 40.0, shifts: &[(&["tue", "wed", "thu", "fri", "sat"], "07:00", "17:00")] },
    Template { sector: "manufacturing", title: "Production operative", duties: "running a packing line, doing quality checks and keeping the area clean", required: &["machine-operation", "packing"], desirable: &["quality-checks", "lean-5s"], certificates: &[], driving: false, pay: (11.7, 12.9), hours: 37.5, shifts: &[(WEEKDAYS, "06:00", "14:00"), (WEEKDAYS, "14:00", "22:00")] },
    Template { sector: "manufacturing", title: "MIG welder", duties: "welding steel frames and brackets to drawings and checking your own work", required: &["welding-mig", "metal-fabrication"], desirable: &["reading-drawings", "precision-measuring"], certificates: &[], driving: false, pay: (14.0, 17.0), hours: 39.0, shifts: &[(WEEKDAYS, "07:00", "15:30")] },
    Template { sector: "manufacturing", title: "Food production operative", duties: "preparing and packing sandwiches and salads to strict hygiene standards", required: &["food-production", "packing"], desirable: &["quality-checks"], certificates: &["food-hygiene-level-2"], driving: false, pay: (11.6, 12.3), hours: 36.0, shifts: &[(&["mon", "tue", "wed", "thu"], "05:00", "14:00")] },
    Template { sector: "retail", title: "Retail assistant", duties: "serving customers on the tills, filling shelves and keeping the shop floor tidy", required: &["customer-service", "till-operation"], desirable: &["merchandising", "cash-handling"], certificates: &[], driving: false, pay: (11.5, 12.0), hours: 24.0, shifts: &[(&["thu", "fri", "sat", "sun"], "09:00", "15:00")] },
    Template { sector: "retail", title: "Night shelf stacker", duties: "filling shelves overnight, rotating stock and getting the store ready for opening", required: &["shelf-stacking", "stock-rotation"], desirable: &["price-labelling"], certificates: &[], driving: false, pay: (12.0, 13.0), hours: 30.0, shifts: &[(NIGHTS, "22:00", "04:00")] },
    Template { sector: "retail", title: "Charity shop donations sorter", duties: "sorting, pricing and displaying donated goods and helping customers", required: &["donation-sorting"], desirable: &["price-labelling", "customer-service"], certificates: &[], driving: false, pay: (11.5, 11.9), hours: 25.0, shifts: &[(WEEKDAYS, "09:30", "14:30")] },
    Template { sector: "care", title: "Support worker", duties: "helping adults with learning disabilities to live independently, cook and get out in the community", required: &["learning-disability-support", "personal-care"], desirable: &["medication-support", "care-records"], certificates: &["care-certificate"], driving: false, pay: (12.0, 13.0), hours: 37.5, shifts: &[(EVERY_DAY, "08:00", "20:00")] },
    Template { sector: "care", title: "Hospital porter", duties: "moving patients, equipment and samples around the hospital safely and kindly", required: &["hospital-portering", "moving-handling-people"], desirable: &["communication"], certificates: &[], driving: false, pay: (12.0, 12.6), hours: 37.5, shifts: &[(EVERY_DAY, "07:00", "15:00")] },
    Template { sector: "waste", title: "Recycling operative", duties: "sorting recycling on a picking line and keeping the yard clear and safe", required: &["recycling-sorting", "waste-segregation"], desirable: &["baler-operation"], certificates: &[], driving: false, pay: (11.6, 12.5), hours: 40.0, shifts: &[(WEEKDAYS, "06:00", "14:30")] },
    Template { sector: "waste", title: "Refuse loader", duties: "collecting household bins on a set round as part of a three-person crew", required: &["refuse-collection"], desirable: &["street-cleansing"], certificates: &[], driving: false, pay: (11.8, 12.6), hours: 37.0, shifts: &[(WEEKDAYS, "06:00", "14:00")] },
    Template { sector: "waste", title: "House clearance operative", duties: "clearing furniture and goods from homes, loading the van and sorting items for reuse", required: &["house-clearance", "loading-unloading"], desirable: &["furniture-reuse"], certificates: &[], driving: false, pay: (11.5, 12.5), hours: 35.0, shifts: &[(WEEKDAYS, "08:30", "16:30")] },
    Template { sector: "grounds", title: "Grounds maintenance operative", duties: "mowing, strimming, hedge cutting and litter picking on parks and housing estates", required: &["grounds-maintenance", "mowing", "strimming"], desirable: &["hedge-cutting", "leaf-clearance"], certificates: &[], driving: false, pay: (11.8, 12.8), hours: 39.0, shifts: &[(WEEKDAYS, "07:30", "16:00")] },
    Template { sector: "grounds", title: "Landscaper", duties: "building patios, fences and planting schemes for private gardens", required: &["landscaping", "hard-landscaping"], desirable: &["fencing", "soft-landscaping"], certificates: &[], driving: false, pay: (12.5, 15.0), hours: 40.0, shifts: &[(WEEKDAYS, "08:00", "16:30")] },
    Template { sector: "grounds", title: "Nursery assistant", duties: "potting on, watering and propagating plants for a wholesale plant nursery", required: &["horticulture", "plant-propagation"], desirable: &["weed-control"], certificates: &[], driving: false, pay: (11.5, 12.2), hours: 37.5, shifts: &[(WEEKDAYS, "07:30", "15:30")] },
    Template { sector: "it", title: "IT refurbishment technician", duties: "testing, repairing, wiping and reinstalling donated laptops for community projects", required: &["pc-repair", "it-support"], desirable: &["data-protection"], certificates: &["comptia-a-plus"], driving: false, pay: (12.5, 14.5), hours: 37.5, shifts: &[(WEEKDAYS, "09:00", "17:00")] },
    Template { sector: "it", title: "Data entry clerk", duties: "entering orders and customer details accurately and answering simple email queries", required: &["data-entry", "keyboard-skills"], desirable: &["spreadsheets", "microsoft-office"], certificates: &[], driving: false, pay: (11.6, 12.4), hours: 30.0, shifts: &[(WEEKDAYS, "09:00", "15:00")] },
    Template { sector: "it", title: "Network cabling installer", duties: "running and terminating data cables in offices and schools", required: &["network-cabling"], desirable: &["power-tools", "working-alone"], certificates: &["ipaf"], driving: false, pay: (13.0, 16.0), hours: 40.0, shifts: &[(WEEKDAYS, "08:00", "16:30")] },
    Template { sector: "security", title: "Event steward", duties: "guiding crowds, checking tickets and helping keep people safe at stadium events", required: &["event-stewarding"], desirable: &["conflict-management"], certificates: &["spectator-safety-level-2"], driving: false, pay: (11.5, 12.5), hours: 16.0, shifts: &[(WEEKEND, "12:00", "20:00")] },
];

pub const GIVEN_NAMES: &[&str] = &[
    "Aaron", "Abdul", "Adam", "Aisha", "Alfie", "Amara", "Andre", "Bethan", "Callum", "Carys",
    "Ciaran", "Connor", "Dafydd", "Daniel", "Darnell", "Dean", "Declan", "Elin", "Emeka", "Ethan",
    "Faisal", "Gareth", "Grace", "Hamza", "Harvey", "Imran", "Jade", "Jamal", "Jordan", "Kai",
    "Kayleigh", "Kieran", "Leon", "Liam", "Luke", "Marcus", "Mason", "Mohammed", "Nathan", "Niamh",
    "Owain", "Priya", "Reece", "Rhys", "Ryan", "Sadia", "Shane", "Tariq", "Tomasz", "Tyler",
    "Wayne", "Zainab",
];

pub const FAMILY_NAMES: &[&str] = &[
    "Ahmed",
    "Bailey",
    "Barker",
    "Bennett",
    "Brennan",
    "Clarke",
    "Cooper",
    "Davies",
    "Doyle",
    "Edwards",
    "Evans",
    "Fletcher",
    "Griffiths",
    "Hall",
    "Hughes",
    "Hussain",
    "Jenkins",
    "Kaur",
    "Kowalski",
    "Lewis",
    "Lloyd",
    "Marsh",
    "Morgan",
    "Murphy",
    "Nowak",
    "Okafor",
    "Owen",
    "Parry",
    "Patel",
    "Price",
    "Quinn",
    "Rees",
    "Roberts",
    "Shaw",
    "Singh",
    "Taylor",
    "Thomas",
    "Walsh",
    "Ward",
    "Watkins",
    "Webb",
    "Williams",
    "Wright",
    "Yates",
];

const PSEUDONYM_WORDS: &[&str] = &[
    "Amber", "Birch", "Cedar", "Coral", "Ember", "Fern", "Flint", "Hazel", "Indigo", "Juniper",
    "Lark", "Maple", "Marlin", "Onyx", "Otter", "Pebble", "Quartz", "Raven", "Rowan", "Sage",
    "Slate", "Sparrow", "Willow", "Wren",
];

/// A pseudonym an employer sees instead of a name: two words and a number,
/// unique because the number is the profile's position in the data set.
pub fn pseudonym(rng: &mut ChaCha8Rng, n: u64) -> String {
    let a = PSEUDONYM_WORDS.choose(rng).copied().unwrap_or("Candidate");
    let b = PSEUDONYM_WORDS.choose(rng).copied().unwrap_or("Candidate");
    format!("{a} {b} {n:04}")
}

fn jitter(rng: &mut ChaCha8Rng, town: &Town, km: f64) -> (f64, f64) {
    // About 111 km per degree of latitude; longitude degrees shrink with latitude.
    let dlat = rng.gen_range(-km..=km) / 111.0;
    let dlon = rng.gen_range(-km..=km) / (111.0 * town.lat.to_radians().cos().max(0.1));
    (
        (town.lat + dlat).clamp(-90.0, 90.0),
        (town.lon + dlon).clamp(-180.0, 180.0),
    )
}

fn pounds(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// One vacancy: a template, placed in a town, with dates around `today`.
pub fn vacancy(
    rng: &mut ChaCha8Rng,
    template: &Template,
    town: &Town,
    employer: &str,
    today: NaiveDate,
) -> VacancyInput {
    let remote = template.sector == "it" && rng.gen_bool(0.15);
    let (lat, lon) = jitter(rng, town, 4.0);
    // About one in ten starts as soon as possible (the 11 earliest of the
    // 105 offsets), without a draw of its own, so the rest of the data set
    // stays as it was.
    let start_offset = rng.gen_range(-14..=90);
    let (start, start_date) = if start_offset < -3 {
        (StartKind::Asap, None)
    } else {
        (
            StartKind::OnDate,
            Some(today + Duration::days(start_offset)),
        )
    };
    let closing_date = if rng.gen_bool(0.2) {
        None
    } else {
        Some(today + Duration::days(rng.gen_range(3..=60)))
    };
    let exclusions = vacancy_exclusions(rng);
    let regulated_adults =
        template.sector == "care" && template.required.contains(&"personal-care");
    let input = VacancyInput {
        title: template.title.to_string(),
        description: format!(
            "{employer} is looking for a {} in {}. The work is {}. Full training and safety equipment are provided, \
             and we welcome applications from people with convictions.",
            template.title.to_lowercase(),
            town.name,
            template.duties
        ),
        sector: template.sector.to_string(),
        remote,
        workplace: (!remote).then(|| PlaceInput {
            name: town.name.clone(),
            lat: (lat * 10_000.0).round() / 10_000.0,
            lon: (lon * 10_000.0).round() / 10_000.0,
        }),
        hours_per_week: template.hours,
        shifts: template_shifts(template),
        contract: ["permanent", "permanent", "permanent", "fixed_term", "temporary", "apprenticeship"]
            .choose(rng)
            .copied()
            .unwrap_or("permanent")
            .to_string(),
        pay_min: pounds(template.pay.0),
        pay_max: pounds(template.pay.1),
        pay_period: "hour".to_string(),
        positions: rng.gen_range(1..=4),
        start: Some(start.as_str().to_string()),
        start_date,
        closing_date,
        required_skills: template.required.iter().map(|s| s.to_string()).collect(),
        desirable_skills: template.desirable.iter().map(|s| s.to_string()).collect(),
        required_certificates: template.certificates.iter().map(|s| s.to_string()).collect(),
        needs_driving_licence: template.driving,
        check_level: if regulated_adults { "enhanced_barred" } else if rng.gen_bool(0.3) { "basic" } else { "none" }.to_string(),
        // Care roles with regulated activity ask with the application; the
        // rest take the default for their check (never with no check, else
        // after the offer). No draw of its own, so the data set stays as it was.
        convictions_asked: regulated_adults.then(|| "at_application".to_string()),
        regulated_children: false,
        regulated_adults,
        offence_exclusions: exclusions,
        rotl_suitable: rng.gen_bool(0.3),
        ring_fenced: rng.gen_bool(0.1),
        how_to_apply: "Your case officer sends your application to us. We will ask you to a short informal interview.".to_string(),
        documents_needed: vec!["Proof of right to work".to_string(), "Bank details for pay".to_string()],
        ..VacancyInput::default()
    };
    input
}

/// Makes about one in ten generated vacancies each a guaranteed
/// interview, a work trial (1 to 7 days, before release when the role suits
/// day release) and a day release placement (on site, on a set date, with
/// shifts), and about one in seven not open until `today` + 2 days; the
/// rest stay jobs. Decided by `n` (such as the vacancy's number) with no
/// draw, so the rest of a data set stays as it was; `vacancy` itself
/// always makes jobs, which tests rely on.
pub fn vary_kind(input: &mut VacancyInput, n: u64, today: NaiveDate) {
    let kind = match (n % 10, input.start_date) {
        (0, _) => "guaranteed_interview",
        (1, Some(start)) => {
            input.trial_ends_on =
                Some(start + Duration::days(i64::from(input.positions.max(1) - 1) * 2));
            input.trial_paid = Some(input.positions.is_multiple_of(2));
            input.trial_timing = Some(
                if input.rotl_suitable {
                    "before_release"
                } else {
                    "after_release"
                }
                .to_string(),
            );
            "work_trial"
        }
        (2, Some(_)) if !input.remote && !input.shifts.is_empty() => "rotl_placement",
        _ => "job",
    };
    input.kind = Some(kind.to_string());
    let opens = today + Duration::days(2);
    if n % 7 == 3
        && input.start_date.is_some_and(|start| start >= opens)
        && input.closing_date.is_none_or(|closing| closing >= opens)
    {
        input.opens_on = Some(opens);
    }
}

/// Maybe one offence exclusion, with the employer's reason.
fn vacancy_exclusions(rng: &mut ChaCha8Rng) -> Vec<OffenceExclusionInput> {
    let mut exclusions = Vec::new();
    if rng.gen_bool(0.35) {
        let (category, stance, reason) = match rng.gen_range(0..4) {
            0 => (OffenceCategory::Arson, "excluded", "The role works in a site storing flammable materials and our insurer requires this."),
            1 => (OffenceCategory::Dishonesty, "case_by_case", "The role handles cash and customer property; we will talk it through with the officer."),
            2 => (OffenceCategory::Driving, "case_by_case", "Driving is part of some days; we will look at each person's licence history."),
            _ => (OffenceCategory::Sexual, "excluded", "The role works unsupervised in people's homes, including homes with children."),
        };
        exclusions.push(OffenceExclusionInput {
            category: category.as_str().to_string(),
            stance: stance.to_string(),
            reason: reason.to_string(),
        });
    }
    exclusions
}

fn template_shifts(template: &Template) -> Vec<TimeWindowInput> {
    template
        .shifts
        .iter()
        .map(|(days, start, end)| TimeWindowInput {
            days: days.iter().map(|d| d.to_string()).collect(),
            start: start.to_string(),
            end: end.to_string(),
        })
        .collect()
}

/// Skills a person might have from one sector's templates, with sources.
fn skills_for(rng: &mut ChaCha8Rng, sector: &str) -> Vec<&'static str> {
    let mut pool: Vec<&'static str> = TEMPLATES
        .iter()
        .filter(|t| t.sector == sector)
        .flat_map(|t| t.required.iter().chain(t.desirable.iter()).copied())
        .collect();
    pool.sort_unstable();
    pool.dedup();
    pool.shuffle(rng);
    let take = rng.gen_range(1..=pool.len().clamp(1, 5));
    pool.into_iter().take(take).collect()
}

const SOURCES: &[&str] = &["prison_course", "prison_work", "past_job", "self_declared"];

/// One profile for a person released to `town` around `today`.
pub fn profile(rng: &mut ChaCha8Rng, n: u64, town: &Town, today: NaiveDate) -> ProfileInput {
    let (first, second, skill_slugs, certificates) = profile_skills(rng);
    let release_date = today + Duration::days(rng.gen_range(-56..=182));
    let nfa = rng.gen_bool(0.06);
    let (lat, lon) = jitter(rng, town, 3.0);
    let right_to_work = !rng.gen_bool(0.03);
    let driving_licence = rng.gen_bool(0.45);
    let offences = offences(rng);
    let curfews = curfews(rng);
    let exclusion_zones = exclusion_zones(rng, town);
    let readiness = readiness(rng, right_to_work);
    let todos = todos(rng);
    let rotl_eligible_from = rng
        .gen_bool(0.25)
        .then(|| release_date - Duration::days(rng.gen_range(30..=120)));
    let preferred_hours = rng.gen_bool(0.5).then(|| {
        *[(16.0, 30.0), (30.0, 45.0), (20.0, 40.0)]
            .choose(rng)
            .unwrap_or(&(16.0, 45.0))
    });
    let given = GIVEN_NAMES.choose(rng).copied().unwrap_or("Sam");
    let family = FAMILY_NAMES.choose(rng).copied().unwrap_or("Smith");
    let travel_radius_km = [5.0, 10.0, 15.0, 20.0, 25.0, 40.0]
        .choose(rng)
        .copied()
        .unwrap_or(15.0);
    let (skills, certificates, work_history) =
        work_record(rng, &skill_slugs, &certificates, first, today);
    // Half the people on day release have a day release travel limit (no
    // draw of its own).
    let rotl_travel_km = (rotl_eligible_from.is_some() && n.is_multiple_of(2))
        .then_some(f64::min(travel_radius_km, 20.0));
    ProfileInput {
        rotl_travel_km,
        given_name: given.to_string(),
        family_name: family.to_string(),
        reference: format!("D{n:06}"),
        release_date: Some(release_date),
        no_fixed_abode: nfa,
        release_area: (!nfa).then(|| PlaceInput {
            name: town.name.clone(),
            lat: (lat * 10_000.0).round() / 10_000.0,
            lon: (lon * 10_000.0).round() / 10_000.0,
        }),
        travel_radius_km,
        skills,
        certificates,
        work_history,
        sectors_of_interest: {
            let mut s = vec![first.to_string()];
            if second != first {
                s.push(second.to_string());
            }
            s
        },
        preferred_hours_min: preferred_hours.map(|(min, _)| min),
        preferred_hours_max: preferred_hours.map(|(_, max)| max),
        right_to_work,
        driving_licence,
        rotl_eligible_from,
        // Demo people have no licence end dates (no random draws here).
        licence_ends_on: None,
        curfews: curfews.into_iter().map(Into::into).collect(),
        exclusion_zones,
        no_driving: driving_licence && rng.gen_bool(0.05),
        no_driving_until: None,
        other_conditions: String::new(),
        offence_categories: offences.iter().map(|c| c.as_str().to_string()).collect(),
        barred_children: rng.gen_bool(0.05),
        barred_adults: rng.gen_bool(0.03),
        readiness: readiness.to_string(),
        todos,
        consent_to_share_name: rng.gen_bool(0.4),
        gender: ["male", "male", "male", "female", "prefer_not_to_say", ""]
            .choose(rng)
            .copied()
            .unwrap_or("")
            .to_string(),
        languages: if rng.gen_bool(0.15) {
            vec!["cy".to_string()]
        } else {
            Vec::new()
        },
    }
}

/// Two sectors a person knows, their skills in them and the certificates
/// they hold.
fn profile_skills(
    rng: &mut ChaCha8Rng,
) -> (
    &'static str,
    &'static str,
    Vec<&'static str>,
    Vec<&'static str>,
) {
    let sectors: Vec<&str> = TEMPLATES.iter().map(|t| t.sector).collect();
    let first = *sectors.choose(rng).unwrap_or(&"warehousing");
    let second = *sectors.choose(rng).unwrap_or(&"cleaning");
    let mut skill_slugs = skills_for(rng, first);
    if rng.gen_bool(0.6) {
        skill_slugs.extend(skills_for(rng, second));
    }
    if rng.gen_bool(0.5) {
        skill_slugs.push("teamwork");
    }
    skill_slugs.sort_unstable();
    skill_slugs.dedup();
    let mut certificates: Vec<&str> = TEMPLATES
        .iter()
        .filter(|t| t.sector == first || t.sector == second)
        .flat_map(|t| t.certificates.iter().copied())
        .filter(|_| rng.gen_bool(0.4))
        .collect();
    certificates.sort_unstable();
    certificates.dedup();

    (first, second, skill_slugs, certificates)
}

/// Skills with where each was shown, certificates with expiry dates, and
/// maybe a past job in the first sector.
fn work_record(
    rng: &mut ChaCha8Rng,
    skill_slugs: &[&str],
    certificates: &[&str],
    first: &str,
    today: NaiveDate,
) -> (
    Vec<ProfileSkillInput>,
    Vec<CertificateInput>,
    Vec<WorkHistoryInput>,
) {
    let skills = skill_slugs
        .iter()
        .map(|slug| ProfileSkillInput {
            slug: slug.to_string(),
            source: SOURCES
                .choose(rng)
                .copied()
                .unwrap_or("self_declared")
                .to_string(),
        })
        .collect();
    let certificates = certificates
        .iter()
        .map(|slug| CertificateInput {
            slug: slug.to_string(),
            expires_on: rng
                .gen_bool(0.5)
                .then(|| today + Duration::days(rng.gen_range(-30..=1000))),
            expected_on: None,
        })
        .collect();
    let history = if rng.gen_bool(0.6) {
        vec![WorkHistoryInput {
            role: TEMPLATES
                .iter()
                .find(|t| t.sector == first)
                .map(|t| t.title)
                .unwrap_or("Labourer")
                .to_string(),
            employer_name: "A previous employer".to_string(),
            sector: first.to_string(),
            from_year: rng.gen_range(2008..=2018),
            to_year: Some(rng.gen_range(2019..=2023)),
        }]
    } else {
        Vec::new()
    };
    (skills, certificates, history)
}

fn offences(rng: &mut ChaCha8Rng) -> Vec<OffenceCategory> {
    let mut offences: Vec<OffenceCategory> = Vec::new();
    for category in OffenceCategory::ALL {
        let likelihood = match category {
            OffenceCategory::Dishonesty => 0.3,
            OffenceCategory::Violence => 0.25,
            OffenceCategory::DrugsSupply => 0.2,
            OffenceCategory::Driving => 0.1,
            OffenceCategory::Arson | OffenceCategory::Sexual => 0.04,
            OffenceCategory::Terrorism => 0.005,
            OffenceCategory::Other => 0.08,
        };
        if rng.gen_bool(likelihood) {
            offences.push(*category);
        }
    }
    offences
}

fn curfews(rng: &mut ChaCha8Rng) -> Vec<TimeWindowInput> {
    if rng.gen_bool(0.3) {
        let (start, end) = *[("19:00", "07:00"), ("20:00", "06:00"), ("21:00", "07:00")]
            .choose(rng)
            .unwrap_or(&("19:00", "07:00"));
        vec![TimeWindowInput {
            days: EVERY_DAY.iter().map(|d| d.to_string()).collect(),
            start: start.to_string(),
            end: end.to_string(),
        }]
    } else {
        Vec::new()
    }
}

fn exclusion_zones(rng: &mut ChaCha8Rng, town: &Town) -> Vec<ExclusionZoneInput> {
    if rng.gen_bool(0.15) {
        let (zlat, zlon) = jitter(rng, town, 6.0);
        vec![ExclusionZoneInput {
            name: format!("Area around an address in {}", town.name),
            lat: (zlat * 10_000.0).round() / 10_000.0,
            lon: (zlon * 10_000.0).round() / 10_000.0,
            radius_km: [0.5, 1.0, 2.0].choose(rng).copied().unwrap_or(1.0),
            ends_on: None,
        }]
    } else {
        Vec::new()
    }
}

fn readiness(rng: &mut ChaCha8Rng, right_to_work: bool) -> &'static str {
    if !right_to_work {
        "no_right_to_work"
    } else {
        [
            "not_started",
            "support_needed",
            "ready_to_work",
            "ready_to_work",
            "support_declined",
        ]
        .choose(rng)
        .copied()
        .unwrap_or("not_started")
    }
}

fn todos(rng: &mut ChaCha8Rng) -> Vec<TodoInput> {
    let mut todos = Vec::new();
    for kind in ["id", "bank_account", "cv", "disclosure_letter", "housing"] {
        if rng.gen_bool(0.35) {
            todos.push(TodoInput {
                kind: kind.to_string(),
                note: String::new(),
                done: rng.gen_bool(0.4),
            });
        }
    }
    todos
}
