//! Extractors that gather what most handlers about one record start with,
//! so a handler's head says what it needs in one line.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::app::AppState;

/// A request about one record (`.../{id}/...`): the service's state, who
/// asks (an extractor such as `Officer` or `EmployerMember`, checked first)
/// and the record's id from the path.
pub struct On<Who> {
    pub state: web::Data<AppState>,
    pub actor: Who,
    pub id: i64,
}

impl<Who> FromRequest for On<Who>
where
    Who: FromRequest + 'static,
    Who::Error: Into<actix_web::Error>,
{
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parts = <(web::Data<AppState>, Who, web::Path<i64>)>::from_request(req, payload);
        Box::pin(async move {
            let (state, actor, path) = parts.await?;
            Ok(On {
                state,
                actor,
                id: path.into_inner(),
            })
        })
    }
}
