//! What every staff page shows around its content.

use super::auth::{Actor, RequestContext};

pub struct Chrome {
    pub csrf: String,
    pub user: Option<String>,
    /// "admin", "officer", "employer", or "" when nobody is signed in.
    pub role: &'static str,
}

impl Chrome {
    pub fn of(ctx: &RequestContext) -> Self {
        let (user, role) = match &ctx.actor {
            Some(Actor::Staff(s)) => (Some(s.name.clone()), s.role.as_str()),
            _ => (None, ""),
        };
        Self {
            csrf: ctx.csrf_token.clone(),
            user,
            role,
        }
    }
}
