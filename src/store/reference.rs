//! Reference data: sectors and the skills/certificates taxonomy, mirrored
//! from `search-config/taxonomy.json` so rows can hold foreign keys to them.

use diesel::prelude::*;

use super::schema::{sectors, skills};
use super::{Conn, StoreResult};
use crate::domain::skills::{EntryKind, Taxonomy};
use crate::with_conn;

/// Upserts every sector and entry. Entries are never deleted: slugs are
/// stable, and rows may still refer to one that a later taxonomy retires.
pub fn sync_taxonomy(conn: &mut Conn, taxonomy: &Taxonomy) -> StoreResult<usize> {
    conn.write(|tx| {
        with_conn!(tx, |c| {
            for sector in taxonomy.sectors() {
                diesel::insert_into(sectors::table)
                    .values((
                        sectors::slug.eq(sector.slug()),
                        sectors::label.eq(sector.label()),
                    ))
                    .on_conflict(sectors::slug)
                    .do_update()
                    .set(sectors::label.eq(sector.label()))
                    .execute(c)?;
            }
            let mut count = 0;
            for entry in taxonomy.entries() {
                let kind = match entry.kind() {
                    EntryKind::Skill => "skill",
                    EntryKind::Certificate => "certificate",
                };
                count += diesel::insert_into(skills::table)
                    .values((
                        skills::slug.eq(entry.slug()),
                        skills::label.eq(entry.label()),
                        skills::kind.eq(kind),
                        skills::sector_slug.eq(entry.sector()),
                    ))
                    .on_conflict(skills::slug)
                    .do_update()
                    .set((
                        skills::label.eq(entry.label()),
                        skills::kind.eq(kind),
                        skills::sector_slug.eq(entry.sector()),
                    ))
                    .execute(c)?;
            }
            Ok::<usize, super::StoreError>(count)
        })
    })
}
