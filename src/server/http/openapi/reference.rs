//! The API reference page: the OpenAPI document rendered to one HTML page
//! on the server, styles inline, no script, nothing fetched from anywhere
//! else, so it reads the same with no internet at all.

use serde_json::Value;
use std::fmt::Write;

/// `&`, `<`, `>` and `"` made safe for HTML text and attributes.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escaped text with `code spans` shown as code, for inside a `<p>`.
fn prose(text: &str) -> String {
    words(text, "</p><p>")
}

/// The same for a table cell or a list item, where a paragraph may not go.
fn inline(text: &str) -> String {
    words(text, "<br>")
}

fn words(text: &str, paragraph: &str) -> String {
    let mut out = String::new();
    for (i, part) in esc(text).split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(&part.replace("\n\n", paragraph));
        }
    }
    out
}

fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A schema in a few words: a link to a named one, or its type.
fn type_of(schema: &Value) -> String {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.rsplit('/').next().unwrap_or(target);
        return format!("<a href=\"#schema-{}\">{}</a>", anchor(name), esc(name));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            let joiner = if key == "allOf" { " &amp; " } else { " | " };
            let parts: Vec<String> = parts.iter().map(type_of).collect();
            return parts.join(joiner);
        }
    }
    // A page of a list (`Page<T>`, inline): say of what.
    if let Some(items) = schema.pointer("/properties/items/items")
        && schema.pointer("/properties/total").is_some()
    {
        return format!("page of {}", type_of(items));
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".into(),
    };
    let mut said = esc(&kind);
    if let Some(items) = schema.get("items").filter(|_| kind.starts_with("array")) {
        let or_null = if kind.contains("null") { " | null" } else { "" };
        said = format!("array of {}{or_null}", type_of(items));
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        let _ = write!(said, " ({})", esc(format));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", esc(&v.to_string())))
            .collect();
        let _ = write!(said, ": {}", values.join(", "));
    }
    said
}

/// A table of an object schema's fields; for one made of parts
/// (`allOf`), each part's.
fn fields(out: &mut String, schema: &Value) {
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            if part.get("$ref").is_some() {
                let _ = write!(out, "<p>With the fields of {}:</p>", type_of(part));
            } else {
                fields(out, part);
            }
        }
        return;
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        let _ = write!(out, "<p>{}</p>", type_of(schema));
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("<table><thead><tr><th>Field</th><th>Type</th><th>About</th></tr></thead><tbody>");
    for (name, field) in props {
        let needed = if required.contains(&name.as_str()) {
            " <small>required</small>"
        } else {
            ""
        };
        let about = field
            .get("description")
            .and_then(Value::as_str)
            .map(inline)
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{needed}</td><td>{}</td><td>{about}</td></tr>",
            esc(name),
            type_of(field)
        );
    }
    out.push_str("</tbody></table>");
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let text = |key: &str| op.get(key).and_then(Value::as_str).unwrap_or_default();
    let id = text("operationId");
    let _ = write!(
        out,
        "<section class=\"op\" id=\"{}\"><h3><span class=\"method {}\">{}</span> <code>{}</code></h3><p class=\"summary\">{}</p><p>{}</p>",
        anchor(id),
        anchor(method),
        esc(&method.to_uppercase()),
        esc(path),
        esc(text("summary")),
        prose(text("description")),
    );
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        out.push_str("<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>About</th></tr></thead><tbody>");
        for p in params {
            let field = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(field("name")),
                esc(field("in")),
                p.get("schema").map(type_of).unwrap_or_default(),
                inline(field("description")),
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
        let _ = write!(out, "<h4>Body</h4><p>{}</p>", type_of(schema));
    }
    out.push_str("<h4>Answers</h4><ul class=\"answers\">");
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, answer) in responses {
            let what = answer
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let body = answer
                .pointer("/content/application~1json/schema")
                .map(|s| format!(" → {}", type_of(s)))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<li><strong>{}</strong> {}{body}</li>",
                esc(status),
                inline(what)
            );
        }
    }
    out.push_str("</ul></section>");
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d232a;background:#f7f8fa}\
main{max-width:60rem;margin:0 auto;padding:1.5rem}\
h1{margin-top:0}h2{border-bottom:2px solid #d0d5dc;padding-bottom:.25rem;margin-top:2.5rem}\
.op,.schema{background:#fff;border:1px solid #d0d5dc;border-radius:8px;padding:1rem;margin:1rem 0}\
.op h3{margin:0;font-size:1.1rem}.summary{font-weight:600;margin:.25rem 0}\
.method{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;color:#fff;padding:0 .4rem;font-size:.9rem}\
.get{background:#1f6f43}.post{background:#1f4f8f}.put{background:#8a5a00}.delete{background:#a12828}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d5dc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
code{background:#eef1f4;padding:0 .2rem;border-radius:3px}nav ul{columns:2}a{color:#1f4f8f}";

/// An operation as the page lists it: its path, method and description.
type Operation = (String, String, Value);

/// The page for `doc`.
pub fn page(doc: &Value) -> String {
    let mut out = String::new();
    let info = |k: &str| {
        doc.pointer(&format!("/info/{k}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Tillwise API reference</title><style>{STYLE}</style></head><body><main><h1>Tillwise API reference <small>{}</small></h1><p>{}</p><p>The same as a machine reads it: <a href=\"/api/openapi.json\">/api/openapi.json</a> (OpenAPI 3.1).</p>",
        esc(info("version")),
        prose(info("description")),
    );
    // Operations grouped by tag, in the document's order of tags.
    let mut tags: Vec<(String, Vec<Operation>)> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| Some((t.get("name")?.as_str()?.to_string(), Vec::new())))
                .collect()
        })
        .unwrap_or_default();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let tag = op
                    .pointer("/tags/0")
                    .and_then(Value::as_str)
                    .unwrap_or("Other")
                    .to_string();
                let entry = (path.clone(), method.clone(), op.clone());
                match tags.iter_mut().find(|(t, _)| *t == tag) {
                    Some((_, ops)) => ops.push(entry),
                    None => tags.push((tag, vec![entry])),
                }
            }
        }
    }
    out.push_str("<nav aria-label=\"Contents\"><ul>");
    for (tag, ops) in &tags {
        let _ = write!(
            out,
            "<li><a href=\"#tag-{}\">{}</a> ({})</li>",
            anchor(tag),
            esc(tag),
            ops.len()
        );
    }
    out.push_str("<li><a href=\"#schemas\">Schemas</a></li></ul></nav>");
    let about = |tag: &str| {
        doc.get("tags")
            .and_then(Value::as_array)
            .and_then(|tags| tags.iter().find(|t| t["name"] == tag))
            .and_then(|t| t["description"].as_str())
            .map(prose)
            .unwrap_or_default()
    };
    for (tag, ops) in &tags {
        let _ = write!(
            out,
            "<h2 id=\"tag-{}\">{}</h2><p>{}</p>",
            anchor(tag),
            esc(tag),
            about(tag)
        );
        for (path, method, op) in ops {
            operation(&mut out, method, path, op);
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let _ = write!(
                out,
                "<section class=\"schema\" id=\"schema-{}\"><h3>{}</h3>",
                anchor(name),
                esc(name)
            );
            if let Some(about) = schema.get("description").and_then(Value::as_str) {
                let _ = write!(out, "<p>{}</p>", prose(about));
            }
            fields(&mut out, schema);
            out.push_str("</section>");
        }
    }
    out.push_str("</main></body></html>");
    out
}
