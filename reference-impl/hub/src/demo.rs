//! The demo catalog: Riverbend Community College's Diesel Technology (A.A.S.) program, one
//! achievement per program learning outcome (DT.1–DT.4) of the CASE demo framework
//! (`reference-impl/case-server/demo/diesel-technology.json`). Each achievement requires the
//! course outcomes under its program outcome and is aligned (`targetType: CFItem`) to the
//! program outcome and those course outcomes; the ATS maps them to the employer's job skills
//! through the framework's `exactMatchOf` associations.

use serde_json::{json, Value};

/// The CASE framework the catalog is built from (shared with the CASE server's demo).
pub const FRAMEWORK: &str = include_str!("../../case-server/demo/diesel-technology.json");

/// The demo learner and the documented default admin token of `--demo`.
pub const DEMO_EMAIL: &str = "learner@example.org";
pub const DEMO_PASSWORD: &str = "wellspring-demo";
pub const DEMO_ADMIN_TOKEN: &str = "wellspring-demo-admin";

pub const PROGRAM_SLUG: &str = "diesel-technology-aas";

/// (slug, program outcome code, achievement name, criteria)
const OUTCOMES: &[(&str, &str, &str, &str)] = &[
    ("dt1-engine-repair", "DT.1", "Diesel Engine Repair", "Passed the practical assessments DT.1.1–DT.1.3 (compression and leak-down testing; liners, pistons and rings; valve lash and injector height) in the engine lab."),
    ("dt2-fuel-emissions", "DT.2", "Diesel Fuel and Emissions Systems", "Passed the practical assessments DT.2.1–DT.2.2 (common-rail injector testing; DPF and SCR fault diagnosis) in the fuel systems lab."),
    ("dt3-electrical", "DT.3", "Heavy-Vehicle Electrical Systems", "Passed the practical assessments DT.3.1–DT.3.2 (voltage drop and resistance measurement; J1939 trouble codes) in the electrical lab."),
    ("dt4-brakes", "DT.4", "Air and Hydraulic Brake Systems", "Passed the practical assessments DT.4.1–DT.4.2 (slack adjuster inspection; air brake leak-down and governor test) in the brake lab."),
];

/// The catalog: (slug, definition) in order, and the program definition.
pub fn catalog() -> Result<(Vec<(String, Value)>, Value), String> {
    let fw: Value = serde_json::from_str(FRAMEWORK).map_err(|e| format!("demo framework: {e}"))?;
    let framework = fw
        .pointer("/CFDocument/title")
        .and_then(Value::as_str)
        .unwrap_or("Diesel Technology")
        .to_owned();
    let items = fw
        .get("CFItems")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let code = |i: &Value| {
        i.get("humanCodingScheme")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let entry = |i: &Value| {
        json!({
            "id": i.get("identifier").and_then(Value::as_str).unwrap_or_default(),
            "name": i.get("fullStatement").and_then(Value::as_str).unwrap_or_default(),
            "code": code(i),
            "framework": framework,
        })
    };
    let mut out = Vec::new();
    for (slug, pcode, name, criteria) in OUTCOMES {
        let program = items
            .iter()
            .find(|i| code(i) == *pcode)
            .ok_or(format!("demo framework has no item {pcode}"))?;
        let courses: Vec<&Value> = items
            .iter()
            .filter(|i| code(i).starts_with(&format!("{pcode}.")))
            .collect();
        if courses.is_empty() {
            return Err(format!(
                "demo framework has no course outcomes under {pcode}"
            ));
        }
        let requires: Vec<Value> = courses
            .iter()
            .map(|i| i.get("identifier").cloned().unwrap_or(Value::Null))
            .collect();
        let mut aligned = vec![entry(program)];
        aligned.extend(courses.iter().map(|i| entry(i)));
        out.push((
            slug.to_string(),
            json!({
                "name": name,
                "humanCode": pcode,
                "achievementType": "Competency",
                "description": program.get("fullStatement").and_then(Value::as_str).unwrap_or_default(),
                "criteria": criteria,
                "requires": requires,
                "aligned": aligned,
                "program": PROGRAM_SLUG,
            }),
        ));
    }
    let program = json!({
        "slug": PROGRAM_SLUG,
        "name": "Diesel Technology (A.A.S.)",
        "achievementType": "LearningProgram",
        "description": fw.pointer("/CFDocument/description").and_then(Value::as_str).unwrap_or_default(),
        "criteria": "Earned every program learning outcome achievement DT.1–DT.4.",
        "achievements": OUTCOMES.iter().map(|o| o.0).collect::<Vec<_>>(),
        "aligned": [],
    });
    Ok((out, program))
}

/// What the demo learner has already done at first start: DT.1 as JSON, DT.2 as a VC-JWT.
pub fn seed_results() -> Vec<(Vec<String>, crate::issue::Format)> {
    let (cat, _) = catalog().unwrap_or_default();
    let req = |slug: &str| -> Vec<String> {
        cat.iter()
            .find(|(s, _)| s == slug)
            .and_then(|(_, d)| d.get("requires").and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    vec![
        (req("dt1-engine-repair"), crate::issue::Format::Json),
        (req("dt2-fuel-emissions"), crate::issue::Format::Jwt),
    ]
}
