//! The API on AWS Lambda behind API Gateway, with the same handlers as the local server ([`crate::api::handlers`]).
//!
//! Both integrations are served by one function:
//! - non-proxy (the original's): the event has `params.querystring`; a success returns the envelope itself as
//!   the result (API Gateway makes it the body), a failure is a function error, which API Gateway returns as
//!   `200 {"errorMessage", "errorType"}`, as the original did;
//! - proxy (REST API `queryStringParameters`, HTTP API payload 2.0 `rawQueryString`): the result is
//!   `{statusCode, headers, body}` with the local API's status and body, CORS headers, and
//!   [`crate::api::routes_header`] (the non-proxy integration cannot set headers: it stays the original).

use axum::http::StatusCode;
use lambda_runtime::Diagnostic;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::api::handlers;
use crate::api::response::ApiResponse;
use crate::store::Store;
use tickscope_core::{ROUTES, ROUTES_HEADER};

/// What an event asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiEvent {
    /// Non-proxy: only `GET /bitstamp` is mapped to the function; `query` is the raw query string.
    NonProxy { query: String },
    Proxy {
        method: String,
        path: String,
        query: String,
    },
}

impl ApiEvent {
    /// Reads an API Gateway event of either integration.
    pub fn parse(event: &Value) -> Result<Self, String> {
        if let Some(params) = event.get("params") {
            let query = params
                .get("querystring")
                .map_or(Ok(String::new()), |q| query_string(q, "params.querystring"))?;
            return Ok(Self::NonProxy { query });
        }
        let http = event.pointer("/requestContext/http");
        let method = event
            .get("httpMethod")
            .or_else(|| http.and_then(|h| h.get("method")))
            .and_then(Value::as_str);
        let path = event
            .get("rawPath")
            .or_else(|| event.get("path"))
            .and_then(Value::as_str);
        let (Some(method), Some(path)) = (method, path) else {
            return Err(
                "not an API Gateway event: expected `params.querystring` (non-proxy) or \
                        `httpMethod`/`requestContext.http.method` and `path`/`rawPath` (proxy)"
                    .into(),
            );
        };
        // Payload 2.0 has the query as sent; 1.0 has it parsed, all values of each name in the multi-value map.
        let query = match event.get("rawQueryString").and_then(Value::as_str) {
            Some(raw) => raw.to_owned(),
            None => match event.get("multiValueQueryStringParameters") {
                Some(multi) if !multi.is_null() => {
                    query_string(multi, "multiValueQueryStringParameters")?
                }
                _ => event
                    .get("queryStringParameters")
                    .map_or(Ok(String::new()), |q| {
                        query_string(q, "queryStringParameters")
                    })?,
            },
        };
        Ok(Self::Proxy {
            method: method.to_owned(),
            path: path.to_owned(),
            query,
        })
    }
}

/// A parameter map (`{"name": "value"}` or `{"name": ["value", ...]}`, or null) as a query string.
fn query_string(params: &Value, what: &str) -> Result<String, String> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let params = match params {
        Value::Null => &Map::new(),
        Value::Object(map) => map,
        _ => return Err(format!("`{what}` is not an object")),
    };
    for (name, value) in params {
        match value {
            Value::String(v) => {
                query.append_pair(name, v);
            }
            Value::Array(values) => {
                for v in values {
                    query.append_pair(
                        name,
                        v.as_str()
                            .ok_or(format!("`{what}.{name}` is not strings"))?,
                    );
                }
            }
            _ => return Err(format!("`{what}.{name}` is not a string")),
        }
    }
    Ok(query.finish())
}

/// Handles one invocation. `Err` is a function error (non-proxy failures and events of an unknown shape).
pub async fn handle<S: Store>(store: &S, event: &Value) -> Result<Box<RawValue>, Diagnostic> {
    let event = ApiEvent::parse(event).map_err(|message| Diagnostic {
        error_type: "BadEvent".into(),
        error_message: message,
    })?;
    match event {
        ApiEvent::NonProxy { query } => {
            let answer = handlers::bitstamp(store, &query).await;
            if answer.status == StatusCode::OK {
                Ok(raw(answer.body))
            } else {
                Err(function_error(&answer))
            }
        }
        ApiEvent::Proxy {
            method,
            path,
            query,
        } => Ok(raw(proxy_result(
            &route(store, &method, &path, &query).await,
        ))),
    }
}

async fn route<S: Store>(store: &S, method: &str, path: &str, query: &str) -> ApiResponse {
    let path = path.trim_end_matches('/');
    let route = ["/bitstamp", "/channels", "/gaps"]
        .into_iter()
        .find(|route| path.ends_with(route));
    match (method, route) {
        (_, None) => ApiResponse::error(
            StatusCode::NOT_FOUND,
            &format!(
                "no route {path}; the API has GET /prod/bitstamp, GET /prod/channels and GET /prod/gaps"
            ),
        ),
        ("GET" | "HEAD", Some("/bitstamp")) => handlers::bitstamp(store, query).await,
        ("GET" | "HEAD", Some("/gaps")) => handlers::gaps(store, query).await,
        ("GET" | "HEAD", _) => handlers::channels(store).await,
        // A preflight that reaches the function (API Gateway usually answers it): CORS allows everyone.
        ("OPTIONS", _) => ApiResponse {
            status: StatusCode::NO_CONTENT,
            body: String::new(),
        },
        _ => ApiResponse::error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("method {method} is not allowed here; use GET"),
        ),
    }
}

fn proxy_result(answer: &ApiResponse) -> String {
    json!({
        "statusCode": answer.status.as_u16(),
        "headers": {
            "Content-Type": "application/json",
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": "*",
            "Access-Control-Expose-Headers": ROUTES_HEADER,
            "Timing-Allow-Origin": "*",
            ROUTES_HEADER: ROUTES,
        },
        "body": answer.body,
        "isBase64Encoded": false,
    })
    .to_string()
}

/// A failed answer as a function error: the local API's message, and its status as the type.
pub fn function_error(answer: &ApiResponse) -> Diagnostic {
    let message = serde_json::from_str::<Value>(&answer.body)
        .ok()
        .and_then(|body| Some(body.get("message")?.as_str()?.to_owned()))
        .unwrap_or_else(|| answer.body.clone());
    let error_type = match answer.status {
        StatusCode::BAD_REQUEST => "BadRequest",
        StatusCode::SERVICE_UNAVAILABLE => "ServiceUnavailable",
        _ => "Error",
    };
    Diagnostic {
        error_type: error_type.into(),
        error_message: message,
    }
}

fn raw(json: String) -> Box<RawValue> {
    RawValue::from_string(json).expect("the API's bodies are JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(event: &str) -> Result<ApiEvent, String> {
        ApiEvent::parse(&serde_json::from_str(event).unwrap())
    }

    #[test]
    fn non_proxy_events_carry_the_query_in_params() {
        let event = r#"{"body-json":{},"params":{"path":{},"querystring":{"channel":"live_trades_btcusd","from":"1","to":"2 3"},"header":{}},"stage-variables":{},"context":{"http-method":"GET","stage":"prod","resource-path":"/bitstamp"}}"#;
        assert_eq!(
            parse(event),
            Ok(ApiEvent::NonProxy {
                query: "channel=live_trades_btcusd&from=1&to=2+3".into()
            })
        );
        assert_eq!(
            parse(r#"{"params":{}}"#),
            Ok(ApiEvent::NonProxy {
                query: String::new()
            })
        );
    }

    #[test]
    fn proxy_events_of_both_payload_versions_parse() {
        let v1 = r#"{"resource":"/bitstamp","path":"/bitstamp","httpMethod":"GET","queryStringParameters":{"channel":"c","from":"1"},"multiValueQueryStringParameters":{"channel":["c"],"from":["1","2"]},"requestContext":{"stage":"prod"}}"#;
        assert_eq!(
            parse(v1),
            Ok(ApiEvent::Proxy {
                method: "GET".into(),
                path: "/bitstamp".into(),
                query: "channel=c&from=1&from=2".into()
            })
        );
        let v1_no_query = r#"{"path":"/prod/channels","httpMethod":"GET","queryStringParameters":null,"multiValueQueryStringParameters":null}"#;
        assert_eq!(
            parse(v1_no_query),
            Ok(ApiEvent::Proxy {
                method: "GET".into(),
                path: "/prod/channels".into(),
                query: String::new()
            })
        );
        let v2 = r#"{"version":"2.0","routeKey":"GET /prod/bitstamp","rawPath":"/prod/bitstamp","rawQueryString":"channel=c&cursor=a%2Bb","queryStringParameters":{"channel":"c","cursor":"a+b"},"requestContext":{"http":{"method":"GET","path":"/prod/bitstamp"},"stage":"$default"}}"#;
        assert_eq!(
            parse(v2),
            Ok(ApiEvent::Proxy {
                method: "GET".into(),
                path: "/prod/bitstamp".into(),
                query: "channel=c&cursor=a%2Bb".into()
            })
        );
    }

    #[test]
    fn other_events_are_refused_with_a_reason() {
        assert!(
            parse(r#"{"Records":[]}"#)
                .unwrap_err()
                .contains("not an API Gateway event")
        );
        assert!(
            parse(r#"{"params":{"querystring":[1]}}"#)
                .unwrap_err()
                .contains("not an object")
        );
        assert!(
            parse(r#"{"params":{"querystring":{"from":1}}}"#)
                .unwrap_err()
                .contains("`params.querystring.from`")
        );
    }

    #[test]
    fn failures_become_function_errors_with_the_local_message() {
        let e = function_error(&ApiResponse::error(StatusCode::BAD_REQUEST, "missing `to`"));
        assert_eq!(
            (e.error_type.as_str(), e.error_message.as_str()),
            ("BadRequest", "missing `to`")
        );
        let proxied: Value = serde_json::from_str(&proxy_result(&ApiResponse::error(
            StatusCode::BAD_REQUEST,
            "x",
        )))
        .unwrap();
        assert_eq!(proxied["statusCode"], 400);
        assert_eq!(proxied["body"], r#"{"message":"x"}"#);
        assert_eq!(proxied["headers"]["Access-Control-Allow-Origin"], "*");
        assert_eq!(
            proxied["headers"]["X-Tickscope-Routes"],
            "bitstamp,channels,gaps"
        );
        assert_eq!(
            proxied["headers"]["Access-Control-Expose-Headers"],
            "X-Tickscope-Routes"
        );
        assert_eq!(proxied["headers"]["Timing-Allow-Origin"], "*");
    }
}
