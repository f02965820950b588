//! The OpenAPI 3.1 document of the REST API (`GET /api/openapi.json`) and
//! its human-readable page (`GET /api/reference`), both built from the
//! wire types themselves (their `utoipa::ToSchema` derives) and the
//! permission table, once per process. `operations` below describes each
//! route; the test `tests/api/openapi.rs` fails when a route the router
//! serves is missing here, or the reverse.

mod bodies;
mod reference;

use crate::domain::audit::{AuditEntry, ChainReport};
use crate::domain::auth::{SessionInfo, TillPairing, TillPerson};
use crate::domain::cache::{CacheStats, Cleared};
use crate::domain::catalog::{Category, Product};
use crate::domain::conflict::{ConflictReport, Resolution, Resolved, StoredConflict};
use crate::domain::credit::{Credit, CreditDetail};
use crate::domain::customer::Customer;
use crate::domain::error::ErrorCode;
use crate::domain::event::SocketMessage;
use crate::domain::health::Health;
use crate::domain::indexes::{IndexStats, Rebuilt, SlowAnalysis};
use crate::domain::mutation::EntityKind;
use crate::domain::note::Note;
use crate::domain::page::Page;
use crate::domain::permissions::{self, Action, Subject};
use crate::domain::report::SalesReport;
use crate::domain::sale_record::Sale;
use crate::domain::shift::{ClockEvent, Shift};
use crate::domain::staff::Employee;
use crate::domain::store::StoreSettings;
use crate::domain::sync::{PullResponse, PushRequest, PushResponse};
use crate::server::http::MAX_BODY_BYTES;
use crate::server::http::extract::{DEVICE_COOKIE, SESSION_COOKIE};
use crate::server::services::audit::AuditQuery;
use crate::server::services::catalog::ProductQuery;
use crate::server::services::credits::CreditQuery;
use crate::server::services::customers::CustomerQuery;
use crate::server::services::reports::ReportQuery;
use crate::server::services::sales::SaleQuery;
use crate::server::services::shifts::ShiftQuery;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use bodies::*;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use utoipa::openapi::path::ParameterIn;
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// `GET /api/openapi.json`.
pub async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        built().json.clone(),
    )
        .into_response()
}

/// `GET /api/reference`: the document as a page, with nothing fetched
/// from anywhere else.
pub async fn reference() -> Html<String> {
    Html(built().html.clone())
}

struct Built {
    json: String,
    html: String,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let doc = openapi();
        Built {
            json: serde_json::to_string(&doc).expect("the document is JSON"),
            html: reference::page(&doc),
        }
    })
}

/// Who may call an operation.
#[derive(Clone, Copy)]
enum Who {
    /// Anyone, signed in or not.
    Public,
    /// A browser a manager paired as a till (its device cookie).
    Till,
    /// Anyone signed in, whatever their role.
    Signed,
    /// Whom the permission table allows this.
    Table(Subject, Action),
    /// Whom the table allows to resolve conflicts over the record's kind.
    Resolver,
}

impl Who {
    fn words(self) -> String {
        let roles = |subject, action| {
            let roles = permissions::roles(subject, action);
            if roles.is_empty() {
                let why = permissions::why_not(subject, action).unwrap_or("nobody may");
                return format!("Nobody: {why}");
            }
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            format!("Roles: {}.", names.join(", "))
        };
        match self {
            Who::Public => "Open to anyone; no session needed.".into(),
            Who::Till => "Needs a browser paired as a till (the device cookie).".into(),
            Who::Signed => "Any signed-in person, whatever their role.".into(),
            Who::Table(subject, action) => roles(subject, action),
            Who::Resolver => {
                "Whoever the permission table lets resolve conflicts over the record's kind (managers and owners for most)."
                    .into()
            }
        }
    }

    fn role_list(self) -> Option<Vec<&'static str>> {
        match self {
            Who::Table(subject, action) => Some(
                permissions::roles(subject, action)
                    .iter()
                    .map(|r| r.as_str())
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// One operation, as it is being described.
struct Op {
    method: &'static str,
    path: String,
    tag: &'static str,
    summary: String,
    description: Option<String>,
    who: Who,
    params: Vec<Value>,
    body: Option<Value>,
    /// Whether the body may be left out altogether.
    body_optional: bool,
    answers: Vec<(u16, String, Option<Value>)>,
    errors: Vec<u16>,
}

impl Op {
    fn describe(mut self, text: &str) -> Self {
        self.description = Some(text.into());
        self
    }

    fn query<Q: IntoParams>(mut self) -> Self {
        for p in Q::into_params(|| Some(ParameterIn::Query)) {
            self.params
                .push(serde_json::to_value(p).expect("a parameter is JSON"));
        }
        self
    }

    fn body(mut self, schema: Value) -> Self {
        self.body = Some(schema);
        self
    }

    fn optional_body(mut self, schema: Value) -> Self {
        self.body_optional = true;
        self.body(schema)
    }

    fn param(mut self, param: Value) -> Self {
        self.params.push(param);
        self
    }

    fn answer(mut self, status: u16, what: &str, schema: Option<Value>) -> Self {
        self.answers.push((status, what.into(), schema));
        self
    }

    fn ok(self, schema: Value) -> Self {
        self.answer(200, "OK", Some(schema))
    }

    fn created(self, schema: Value) -> Self {
        self.answer(201, "Created", Some(schema))
    }

    /// Error statuses beyond the ones every operation of its kind has.
    fn errors(mut self, statuses: &[u16]) -> Self {
        self.errors.extend_from_slice(statuses);
        self
    }
}

/// The document being written: its paths and the named schemas they use.
struct Doc {
    paths: Map<String, Value>,
    schemas: BTreeMap<String, Value>,
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

impl Doc {
    /// A reference to `T`'s schema, adding it (and what it uses) to the
    /// components.
    fn named<T: ToSchema>(&mut self) -> Value {
        let name = T::name().to_string();
        if !self.schemas.contains_key(&name) {
            self.add_schema(name.clone(), T::schema());
            let mut used = Vec::new();
            T::schemas(&mut used);
            for (name, schema) in used {
                self.add_schema(name, schema);
            }
        }
        schema_ref(&name)
    }

    fn add_schema(&mut self, name: String, schema: impl serde::Serialize) {
        let schema = serde_json::to_value(schema).expect("a schema is JSON");
        self.schemas.entry(name).or_insert(schema);
    }

    fn list<T: ToSchema>(&mut self) -> Value {
        json!({ "type": "array", "items": self.named::<T>() })
    }

    /// A page of `T`: `Page<T>` inline (a generic has no one name).
    fn page<T: ToSchema>(&mut self) -> Value {
        self.named::<T>();
        serde_json::to_value(<Page<T> as PartialSchema>::schema()).expect("a schema is JSON")
    }

    fn op(
        &self,
        method: &'static str,
        path: &str,
        tag: &'static str,
        summary: &str,
        who: Who,
    ) -> Op {
        Op {
            method,
            path: format!("/api{path}"),
            tag,
            summary: summary.into(),
            description: None,
            who,
            params: Vec::new(),
            body: None,
            body_optional: false,
            answers: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn add(&mut self, op: Op) {
        let mut errors = op.errors.clone();
        match op.who {
            Who::Public => {}
            Who::Till => errors.extend([401, 403]),
            Who::Signed => errors.push(401),
            Who::Table(..) | Who::Resolver => errors.extend([401, 403]),
        }
        let mut params = op.params.clone();
        for name in path_names(&op.path) {
            params.push(path_param(&name, &op.path));
            errors.push(404);
        }
        if !params.is_empty() || op.body.is_some() {
            errors.push(400);
        }
        if op.body.is_some() {
            errors.push(413);
        }
        errors.push(503);
        errors.sort_unstable();
        errors.dedup();

        let mut responses = Map::new();
        for (status, what, schema) in &op.answers {
            let mut answer = json!({ "description": what });
            if let Some(schema) = schema {
                answer["content"] = json!({ "application/json": { "schema": schema } });
            }
            responses.insert(status.to_string(), answer);
        }
        for status in errors {
            // An operation's own answer for a status wins (health's 503).
            responses
                .entry(status.to_string())
                .or_insert_with(|| error_answer(status));
        }

        let who = op.who.words();
        let description = match &op.description {
            Some(text) => format!("{text}\n\n{who}"),
            None => who,
        };
        let mut operation = json!({
            "tags": [op.tag],
            "summary": op.summary,
            "description": description,
            "operationId": operation_id(op.method, &op.path),
            "responses": responses,
        });
        if !params.is_empty() {
            operation["parameters"] = Value::Array(params);
        }
        if let Some(schema) = &op.body {
            operation["requestBody"] = json!({
                "required": !op.body_optional,
                "content": { "application/json": { "schema": schema } },
            });
        }
        match op.who {
            Who::Public => operation["security"] = json!([]),
            Who::Till => operation["security"] = json!([{ "till": [] }]),
            _ => {}
        }
        if let Some(roles) = op.who.role_list() {
            operation["x-roles"] = json!(roles);
        }
        let item = self
            .paths
            .entry(op.path.clone())
            .or_insert_with(|| json!({}));
        item[op.method] = operation;
    }
}

fn path_names(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_string)
        .collect()
}

fn path_param(name: &str, path: &str) -> Value {
    let (schema, what) = match name {
        "id" => (
            json!({ "type": "string", "format": "uuid" }),
            "The record's id (a UUIDv7).",
        ),
        "entity_type" if path.starts_with("/api/cache") => (
            json!({ "type": "string" }),
            "A cached read: `products`, `customers`, `sales`, `categories`, `reports` or `settings`.",
        ),
        "entity_type" => (
            json!({ "type": "string" }),
            "A kind of record by its wire name: `product`, `customer`, `employee`, …",
        ),
        "table" => (json!({ "type": "string" }), "A table of the database."),
        "code" => (json!({ "type": "string" }), "A barcode as scanned."),
        _ => (json!({ "type": "string" }), ""),
    };
    json!({ "name": name, "in": "path", "required": true, "schema": schema, "description": what })
}

fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<String> = path
        .trim_start_matches("/api/")
        .split(['/', '-'])
        .map(|s| s.trim_matches(|c| c == '{' || c == '}').to_string())
        .collect();
    format!("{method}_{}", words.join("_"))
}

fn error_answer(status: u16) -> Value {
    let what = match status {
        400 => "Bad input: `details.fields` names each wrong field.",
        401 => "Not signed in, or the session ended.",
        403 => "Not allowed for this role (or device); the message says why.",
        404 => "No such record in this store (another store's is not found either).",
        409 => {
            "A stale edit that could not be merged: stored as a conflict for a person to resolve."
        }
        413 => "The body is over the server's size limit (`details.limit_bytes`).",
        429 => "Too many tries: wait `Retry-After` seconds.",
        503 => "The database is busy or unreachable: try again.",
        _ => "An error.",
    };
    let schema = if status == 409 {
        schema_ref("ConflictError")
    } else {
        schema_ref("Error")
    };
    let mut answer = json!({
        "description": what,
        "content": { "application/json": { "schema": schema } },
    });
    if status == 429 {
        answer["headers"] = json!({
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": { "type": "integer" },
            }
        });
    }
    answer
}

/// The error body every failure has, and the 409's.
fn error_schemas(doc: &mut Doc) {
    let codes: Vec<Value> = [
        ErrorCode::Validation,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ]
    .iter()
    .map(|c| serde_json::to_value(c).expect("a code is JSON"))
    .collect();
    doc.schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "Every error: a code, a sentence for the person, details (field errors for `validation`: `{fields: {name: problem}}`), and the request id to find it in the logs.",
            "required": ["code", "message"],
            "properties": {
                "code": { "type": "string", "enum": codes },
                "message": { "type": "string" },
                "details": {},
                "request_id": { "type": "string" },
            },
        }),
    );
    // A 409 over a stale edit carries the stored conflict beside the code;
    // one over the state of things ("already clocked in") does not.
    let mut report = serde_json::to_value(<ConflictReport as PartialSchema>::schema())
        .expect("a schema is JSON");
    if let Some(fields) = report.as_object_mut() {
        fields.remove("required");
        fields.remove("description");
    }
    doc.schemas.insert(
        "ConflictError".into(),
        json!({
            "description": "A 409. Over a stale edit that could not be merged: the error body with the stored conflict beside it (its id, the fields in conflict, and the base, server and client versions). Over the state of things (\"already clocked in\"): the error body alone.",
            "allOf": [schema_ref("Error"), report],
        }),
    );
}

/// What creates, what edits, and the record, for each kind with a REST
/// collection. Every kind is named, so a new one makes its author decide.
fn record_schemas(doc: &mut Doc, kind: EntityKind) -> [Value; 3] {
    fn same(body: Value, record: Value) -> [Value; 3] {
        [body.clone(), body, record]
    }
    match kind {
        EntityKind::Product => same(doc.named::<ProductBody>(), doc.named::<Product>()),
        EntityKind::Category => same(doc.named::<CategoryBody>(), doc.named::<Category>()),
        EntityKind::Employee => same(doc.named::<EmployeeBody>(), doc.named::<Employee>()),
        EntityKind::Customer => same(doc.named::<CustomerBody>(), doc.named::<Customer>()),
        EntityKind::Credit => [
            doc.named::<CreditBody>(),
            doc.named::<CreditDueBody>(),
            doc.named::<Credit>(),
        ],
        EntityKind::Shift => same(doc.named::<ShiftBody>(), doc.named::<Shift>()),
        EntityKind::Note => same(doc.named::<NoteBody>(), doc.named::<Note>()),
        EntityKind::StockMove
        | EntityKind::Sale
        | EntityKind::CreditPayment
        | EntityKind::ClockEvent
        | EntityKind::StoreSettings => {
            same(json!({ "type": "object" }), json!({ "type": "object" }))
        }
    }
}

fn record_kinds(doc: &mut Doc) {
    for kind in EntityKind::ALL {
        let Some(collection) = kind.collection() else {
            continue;
        };
        let [create_fields, edit_fields, record] = record_schemas(doc, kind);
        let own_id = doc.named::<OwnId>();
        let at_version = doc.named::<AtVersion>();
        let noun = kind.noun();
        let on = |action| Who::Table(Subject::Record(kind), action);
        let create = doc
            .op(
                "post",
                &format!("/{collection}"),
                tag_of(kind),
                &format!("Create a {noun}"),
                on(Action::Create),
            )
            .describe("409 when a record with the `id` brought exists already.")
            .body(json!({ "allOf": [create_fields, own_id] }))
            .created(record.clone())
            .errors(&[409]);
        doc.add(create);
        let update = doc
            .op("put", &format!("/{collection}/{{id}}"), tag_of(kind), &format!("Edit a {noun}"), on(Action::Update))
            .describe("Names the `sync_version` the edit started from. A stale edit is merged field by field where the fields differ; otherwise it is stored as a conflict and answered with 409.")
            .body(json!({ "allOf": [edit_fields, at_version] }))
            .ok(record)
            .errors(&[409]);
        doc.add(update);
        let delete = doc
            .op("delete", &format!("/{collection}/{{id}}"), tag_of(kind), &format!("Remove a {noun}"), on(Action::Delete))
            .describe("`?sync_version=N` names the version being removed; a stale one is answered with 409.")
            .param(json!({
                "name": "sync_version",
                "in": "query",
                "required": true,
                "description": "The version being removed.",
                "schema": { "type": "integer", "format": "int64", "minimum": 1 },
            }))
            .answer(204, "Removed", None)
            .errors(&[409]);
        doc.add(delete);
    }
}

fn tag_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Product | EntityKind::Category | EntityKind::StockMove => "Catalog",
        EntityKind::Customer | EntityKind::Credit | EntityKind::CreditPayment => "Customers",
        EntityKind::Employee | EntityKind::Shift | EntityKind::ClockEvent => "Staff",
        EntityKind::Sale => "Sales",
        EntityKind::StoreSettings => "Store",
        EntityKind::Note => "Notes",
    }
}

fn on(kind: EntityKind, action: Action) -> Who {
    Who::Table(Subject::Record(kind), action)
}

/// Every route but the record kinds' writes (`record_kinds`).
fn operations(d: &mut Doc) {
    use EntityKind as K;
    use Who::{Public, Signed, Table, Till};
    let ops = vec![
        d.op("get", "/health", "Platform", "How the server is doing", Public)
            .describe("The tills' heartbeat. Redis down only degrades.")
            .ok(d.named::<Health>())
            .answer(503, "The database does not answer", Some(d.named::<Health>())),
        d.op("get", "/openapi.json", "Platform", "This document", Public)
            .ok(json!({ "type": "object" })),
        d.op("get", "/reference", "Platform", "This document as a page", Public)
            .answer(200, "An HTML page", None),
        d.op("post", "/auth/login", "Sign-in", "Sign in with e-mail and password", Public)
            .describe("Sets the session cookie.")
            .body(d.named::<SignIn>())
            .ok(d.named::<crate::server::http::auth::SignedInAnswer>())
            .errors(&[401, 429]),
        d.op("post", "/auth/pin", "Sign-in", "Switch in with a PIN on a paired till", Till)
            .describe("Sets the session cookie.")
            .body(d.named::<PinSwitch>())
            .ok(d.named::<crate::server::http::auth::SignedInAnswer>())
            .errors(&[429]),
        d.op("post", "/auth/logout", "Sign-in", "Sign out", Public)
            .describe("Ends the session and clears its cookie.")
            .answer(204, "Signed out", None),
        d.op("get", "/auth/me", "Sign-in", "Who is signed in", Signed)
            .ok(d.named::<SessionInfo>()),
        d.op("post", "/devices/pair", "Sign-in", "Pair this browser as a till", Table(Subject::Tills, Action::Pair))
            .describe("Sets the device cookie.")
            .body(d.named::<PairTill>())
            .created(d.named::<crate::server::http::auth::PairedTill>()),
        d.op("get", "/devices/people", "Sign-in", "Who can switch in on this till", Till)
            .ok(d.list::<TillPerson>()),
        d.op("get", "/devices", "Sign-in", "The store's tills, paired or unpaired", Table(Subject::Tills, Action::Read))
            .ok(d.list::<TillPairing>()),
        d.op("delete", "/devices/{id}", "Sign-in", "Unpair a till", Table(Subject::Tills, Action::Delete))
            .describe("Its device cookie opens nothing any more, and everyone switched in on it is signed out.")
            .answer(204, "Unpaired (or already was)", None)
            .errors(&[404]),
        d.op("get", "/products", "Catalog", "List or search products", on(K::Product, Action::Read))
            .describe("Cached per store until a write touches products.")
            .query::<ProductQuery>()
            .ok(d.page::<Product>()),
        d.op("get", "/products/barcode/{code}", "Catalog", "Find a product by barcode", on(K::Product, Action::Read))
            .ok(d.named::<Product>()),
        d.op("get", "/products/{id}", "Catalog", "One product", on(K::Product, Action::Read))
            .ok(d.named::<Product>()),
        d.op("post", "/products/{id}/stock", "Catalog", "Adjust a product's stock", on(K::StockMove, Action::Create))
            .body(d.named::<StockBody>())
            .created(d.named::<Product>()),
        d.op("get", "/categories", "Catalog", "All categories", on(K::Category, Action::Read))
            .ok(d.list::<Category>()),
        d.op("get", "/categories/{id}", "Catalog", "One category", on(K::Category, Action::Read))
            .ok(d.named::<Category>()),
        d.op("get", "/customers", "Customers", "List or search customers", on(K::Customer, Action::Read))
            .query::<CustomerQuery>()
            .ok(d.page::<Customer>()),
        d.op("get", "/customers/{id}", "Customers", "One customer", on(K::Customer, Action::Read))
            .ok(d.named::<Customer>()),
        d.op("get", "/credits", "Customers", "Store credits", on(K::Credit, Action::Read))
            .query::<CreditQuery>()
            .ok(d.page::<Credit>()),
        d.op("get", "/credits/{id}", "Customers", "One store credit with its payments", on(K::Credit, Action::Read))
            .ok(d.named::<CreditDetail>()),
        d.op("post", "/credits/{id}/payments", "Customers", "Record a payment on a store credit", on(K::CreditPayment, Action::Create))
            .describe("409 when a payment with the `id` brought is recorded already.")
            .body(d.named::<CreditPaymentBody>())
            .created(d.named::<CreditDetail>())
            .errors(&[409]),
        d.op("get", "/employees", "Staff", "The store's people", on(K::Employee, Action::Read))
            .ok(d.list::<Employee>()),
        d.op("get", "/employees/{id}", "Staff", "One person", on(K::Employee, Action::Read))
            .ok(d.named::<Employee>()),
        d.op("get", "/shifts", "Staff", "Shifts", on(K::Shift, Action::Read))
            .describe("A person without the right to read others' shifts sees their own.")
            .query::<ShiftQuery>()
            .ok(d.page::<Shift>()),
        d.op("get", "/shifts/{id}", "Staff", "One shift", on(K::Shift, Action::Read))
            .ok(d.named::<Shift>()),
        d.op("get", "/clock", "Staff", "The signed-in person's clock-in and recent clock events", on(K::ClockEvent, Action::Read))
            .ok(d.named::<crate::server::http::staff::ClockState>()),
        d.op("post", "/clock/in", "Staff", "Clock in", on(K::ClockEvent, Action::Create))
            .describe("The body is optional; a till that makes its own id sends `{id}`. 409 when the person is clocked in already.")
            .optional_body(d.named::<OwnId>())
            .created(d.named::<ClockEvent>())
            .errors(&[409]),
        d.op("post", "/clock/out", "Staff", "Clock out", on(K::ClockEvent, Action::Update))
            .describe("Closes the person's open clock-in (400 when there is none; 409 when it was closed meanwhile).")
            .ok(d.named::<ClockEvent>())
            .errors(&[400, 409]),
        d.op("get", "/notes", "Notes", "The store's notes", on(K::Note, Action::Read))
            .ok(d.list::<Note>()),
        d.op("get", "/notes/{id}", "Notes", "One note", on(K::Note, Action::Read))
            .ok(d.named::<Note>()),
        d.op("get", "/sales", "Sales", "List sales", on(K::Sale, Action::Read))
            .query::<SaleQuery>()
            .ok(d.page::<Sale>()),
        d.op("post", "/sales", "Sales", "Record a sale", on(K::Sale, Action::Create))
            .describe("Exactly once per `id`: 201 the first time, 200 with the stored sale when the id was recorded before; 409 when the id is another store's.")
            .body(d.named::<SaleBody>())
            .created(d.named::<Sale>())
            .answer(200, "Recorded before: the stored sale", Some(d.named::<Sale>()))
            .errors(&[409]),
        d.op("get", "/sales/{id}", "Sales", "One sale", on(K::Sale, Action::Read))
            .ok(d.named::<Sale>()),
        d.op("post", "/sales/{id}/refund", "Sales", "Refund (part of) a sale", on(K::Sale, Action::Refund))
            .body(d.named::<RefundBody>())
            .created(d.named::<Sale>())
            .answer(200, "Recorded before: the stored refund", Some(d.named::<Sale>()))
            .errors(&[409]),
        d.op("post", "/sales/{id}/void", "Sales", "Void a sale", on(K::Sale, Action::Void))
            .body(d.named::<VoidBody>())
            .created(d.named::<Sale>())
            .answer(200, "Recorded before: the stored void", Some(d.named::<Sale>()))
            .errors(&[409]),
        d.op("get", "/audit", "Audit", "The audit log", Table(Subject::AuditLog, Action::Read))
            .query::<AuditQuery>()
            .ok(d.page::<AuditEntry>()),
        d.op("get", "/audit/verify", "Audit", "Check the audit log's hash chain", Table(Subject::AuditLog, Action::Read))
            .ok(d.named::<ChainReport>()),
        d.op("get", "/audit/entity/{entity_type}/{id}", "Audit", "A record's history", Table(Subject::AuditLog, Action::Read))
            .ok(d.list::<AuditEntry>()),
        d.op("get", "/audit/{id}", "Audit", "One audit entry", Table(Subject::AuditLog, Action::Read))
            .ok(d.named::<AuditEntry>()),
        d.op("get", "/conflicts", "Conflicts", "The store's open conflicts", Table(Subject::ConflictList, Action::Read))
            .query::<crate::server::http::conflicts::OpenQuery>()
            .ok(d.page::<StoredConflict>()),
        d.op("post", "/conflicts/resolve", "Conflicts", "Resolve a conflict", Who::Resolver)
            .body(d.named::<Resolution>())
            .ok(d.named::<Resolved>())
            .errors(&[404, 409]),
        d.op("get", "/conflicts/{entity_type}/{id}", "Conflicts", "A record's open conflicts", Who::Resolver)
            .ok(d.list::<StoredConflict>()),
        d.op("post", "/sync/push", "Sync", "Push a till's queued changes", Signed)
            .describe("Each mutation is applied once (by client id and mutation id); the answer says what became of each.")
            .body(d.named::<PushRequest>())
            .ok(d.named::<PushResponse>()),
        d.op("get", "/sync/pull", "Sync", "Pull the store's changes after a cursor", Signed)
            .query::<crate::server::http::sync::PullQuery>()
            .ok(d.named::<PullResponse>()),
        d.op("get", "/ws", "Sync", "The store's live events (WebSocket)", Signed)
            .describe("Upgrade to a WebSocket; then each text message is a `SocketMessage`: a notice (`hello`, `ping`, `resync`) or a store event.")
            .answer(101, "Switching protocols: messages follow as SocketMessage", Some(d.named::<SocketMessage>())),
        d.op("get", "/reports/sales", "Reports", "Takings by day, cashier and payment method", Table(Subject::Reports, Action::Read))
            .query::<ReportQuery>()
            .ok(d.named::<SalesReport>()),
        d.op("get", "/store", "Store", "The store and its settings", on(K::StoreSettings, Action::Read))
            .ok(d.named::<StoreSettings>()),
        d.op("put", "/store", "Store", "Change the store's settings", on(K::StoreSettings, Action::Update))
            .body(d.named::<SettingsBody>())
            .ok(d.named::<StoreSettings>())
            .errors(&[409]),
        d.op("get", "/cache/stats", "Operations", "The cache's figures", Table(Subject::Cache, Action::Read))
            .ok(d.named::<CacheStats>()),
        d.op("delete", "/cache/store", "Operations", "Clear the store's cached reads", Table(Subject::Cache, Action::Delete))
            .ok(d.named::<Cleared>()),
        d.op("delete", "/cache/{entity_type}", "Operations", "Clear one kind of cached read", Table(Subject::Cache, Action::Delete))
            .ok(d.named::<Cleared>()),
        d.op("get", "/indexes/stats", "Operations", "Every index with its size and use", Table(Subject::Indexes, Action::Read))
            .ok(d.named::<IndexStats>()),
        d.op("get", "/indexes/slow-queries/analysis", "Operations", "Slow statements with their plans, and hints", Table(Subject::Indexes, Action::Read))
            .ok(d.named::<SlowAnalysis>()),
        d.op("get", "/indexes/{table}", "Operations", "One table's indexes", Table(Subject::Indexes, Action::Read))
            .ok(d.named::<IndexStats>()),
        d.op("post", "/indexes/rebuild/{table}", "Operations", "Rebuild one table's indexes", Table(Subject::Indexes, Action::Update))
            .ok(d.named::<Rebuilt>()),
    ];
    for op in ops {
        d.add(op);
    }
}

/// The groups of operations, in the order a newcomer reads them.
const TAGS: [(&str, &str); 13] = [
    ("Platform", "Health, and this document."),
    (
        "Sign-in",
        "Sessions (a cookie), PIN switching on a paired till, pairing a till.",
    ),
    ("Catalog", "Products, categories, stock adjustments."),
    ("Customers", "Customers, store credit and payments on it."),
    (
        "Sales",
        "Sales, recorded exactly once per id; refunds and voids.",
    ),
    ("Staff", "People, shifts, the clock."),
    ("Notes", "The store's notes."),
    (
        "Sync",
        "A till's outbox (push), its copy of the store (pull), and the live socket.",
    ),
    ("Conflicts", "Edits that clashed, waiting for a person."),
    ("Audit", "The hash-chained audit log."),
    ("Reports", "Takings."),
    ("Store", "The store's settings."),
    (
        "Operations",
        "The cache, the database's indexes and slow statements.",
    ),
];

/// The whole document.
pub fn openapi() -> Value {
    let mut doc = Doc {
        paths: Map::new(),
        schemas: BTreeMap::new(),
    };
    error_schemas(&mut doc);
    operations(&mut doc);
    record_kinds(&mut doc);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Tillwise",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "The REST API of Tillwise, an offline-first point of sale. Money is integer cents, time is UTC (RFC 3339), ids are UUIDv7. Every read and write is scoped to the signed-in person's store. Errors share one body (`Error`); a stale edit that cannot be merged is a 409 with the conflict (`ConflictError`). Bodies over {MAX_BODY_BYTES} bytes are refused with 413."
            ),
        },
        "servers": [{ "url": "/" }],
        "tags": TAGS
            .iter()
            .map(|(name, about)| json!({ "name": name, "description": about }))
            .collect::<Vec<_>>(),
        "security": [{ "session": [] }],
        "paths": doc.paths,
        "components": {
            "schemas": doc.schemas,
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "Set by `POST /api/auth/login` or `POST /api/auth/pin`.",
                },
                "till": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": DEVICE_COOKIE,
                    "description": "Set by `POST /api/devices/pair` on the browser a manager pairs as a till.",
                },
            },
        },
    })
}
