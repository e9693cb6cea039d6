//! The HTTP client every request to Meilisearch goes through.
//!
//! `meilisearch-sdk`'s own reqwest client sends each request body as a
//! stream read through a fresh 8 MiB buffer that it zeroes first
//! (`ReaderStream::new` in its `reqwest` module), chunked. A narrowing
//! query is a few hundred bytes of filter: on the full synthetic set that
//! buffer was about a millisecond of each vacancy's matching (a profile of
//! the matching bench spent 17% of its time zeroing it) and 8 MiB of memory
//! per request in flight. This client serializes the body once and sends
//! it whole, with its length; everything else (query strings, errors,
//! parsing the answer) is the SDK's.

use async_trait::async_trait;
use futures_util::io::AsyncReadExt;
use meilisearch_sdk::errors::Error;
use meilisearch_sdk::request::{parse_response, HttpClient, Method};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use serde::{de::DeserializeOwned, Serialize};

/// Sends the SDK's requests with their bodies in one piece.
#[derive(Clone, Debug)]
pub struct WholeBodyClient {
    client: reqwest::Client,
}

impl WholeBodyClient {
    /// A client that sends `api_key` (when there is one) as the bearer
    /// token of every request.
    pub fn new(api_key: Option<&str>) -> Result<Self, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("fairchance/", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(key) = api_key {
            let mut value = HeaderValue::from_str(&format!("Bearer {key}"))
                .map_err(|e| Error::Other(Box::new(e)))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        Ok(Self {
            client: reqwest::Client::builder()
                .default_headers(headers)
                .build()?,
        })
    }

    /// One request to `url` (its query string included) with `body`
    /// (already serialized) sent whole.
    async fn send<Output: DeserializeOwned>(
        &self,
        url: String,
        method: reqwest::Method,
        body: Option<(Vec<u8>, &str)>,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let mut request = self.client.request(method, &url);
        if let Some((bytes, content_type)) = body {
            request = request.header(CONTENT_TYPE, content_type).body(bytes);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        let text = if text.is_empty() { "null" } else { &text };
        parse_response(status, expected_status_code, text, url)
    }
}

/// `url` with the request's query string, as the SDK writes it.
fn with_query<Q: Serialize, B>(url: &str, method: &Method<Q, B>) -> Result<String, Error> {
    Ok(format!("{url}{}", yaup::to_string(method.query())?))
}

fn verb<Q, B>(method: &Method<Q, B>) -> reqwest::Method {
    match method {
        Method::Get { .. } => reqwest::Method::GET,
        Method::Post { .. } => reqwest::Method::POST,
        Method::Patch { .. } => reqwest::Method::PATCH,
        Method::Put { .. } => reqwest::Method::PUT,
        Method::Delete { .. } => reqwest::Method::DELETE,
    }
}

#[async_trait]
impl HttpClient for WholeBodyClient {
    async fn request<Query, Body, Output>(
        &self,
        url: &str,
        method: Method<Query, Body>,
        expected_status_code: u16,
    ) -> Result<Output, Error>
    where
        Query: Serialize + Send + Sync,
        Body: Serialize + Send + Sync,
        Output: DeserializeOwned + 'static + Send,
    {
        let url = with_query(url, &method)?;
        let body = match method.body() {
            Some(body) => Some((serde_json::to_vec(body)?, "application/json")),
            None => None,
        };
        self.send(url, verb(&method), body, expected_status_code)
            .await
    }

    async fn stream_request<
        Query: Serialize + Send + Sync,
        Body: futures_util::io::AsyncRead + Send + Sync + 'static,
        Output: DeserializeOwned + 'static,
    >(
        &self,
        url: &str,
        method: Method<Query, Body>,
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let (url, verb) = (with_query(url, &method)?, verb(&method));
        let body = match method.into_body() {
            Some(reader) => {
                let mut bytes = Vec::new();
                Box::pin(reader)
                    .read_to_end(&mut bytes)
                    .await
                    .map_err(|e| Error::Other(Box::new(e)))?;
                Some((bytes, content_type))
            }
            None => None,
        };
        self.send(url, verb, body, expected_status_code).await
    }
}
