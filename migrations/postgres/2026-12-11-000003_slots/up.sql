-- Interview and trial slots an employer offers on one of its vacancies,
-- and the bookings officers make in them for forwarded applications.
-- `booked` counts the live bookings; the booking transaction raises it only
-- while it is below `capacity` (a conditional update), so two officers
-- racing for the last place cannot both get it.
CREATE TABLE vacancy_slots (
    id BIGSERIAL PRIMARY KEY,
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('interview', 'trial')),
    starts_at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 480),
    place_kind TEXT NOT NULL CHECK (place_kind IN ('in_prison', 'video_from_prison', 'at_workplace')),
    place TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    cancelled_at TIMESTAMP,
    cancel_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (cancelled_at IS NULL OR booked = 0)
);
CREATE INDEX vacancy_slots_vacancy ON vacancy_slots (vacancy_id, starts_at);
CREATE INDEX vacancy_slots_employer ON vacancy_slots (employer_id, starts_at);

-- One booking ties one slot to one forwarded application. `purpose` repeats
-- the slot's so that the partial unique index can hold one live booking per
-- application and purpose. `booked_by` is the officer who booked: the one
-- the employer's answers and the reminder go to.
CREATE TABLE slot_bookings (
    id BIGSERIAL PRIMARY KEY,
    slot_id BIGINT NOT NULL REFERENCES vacancy_slots (id),
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('interview', 'trial')),
    status TEXT NOT NULL CHECK (status IN ('booked', 'confirmed', 'cancelled', 'attended', 'did_not_attend')),
    booked_by BIGINT NOT NULL REFERENCES users (id),
    cancel_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL)
);
CREATE UNIQUE INDEX slot_bookings_live ON slot_bookings (application_id, purpose) WHERE status IN ('booked', 'confirmed');
CREATE INDEX slot_bookings_slot ON slot_bookings (slot_id, status);
CREATE INDEX slot_bookings_officer ON slot_bookings (booked_by, status);

-- Every change to a booking: who, when, and the slot it was in afterwards.
CREATE TABLE slot_booking_events (
    id BIGSERIAL PRIMARY KEY,
    booking_id BIGINT NOT NULL REFERENCES slot_bookings (id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('booked', 'confirmed', 'moved', 'cancelled', 'attended', 'did_not_attend')),
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('officer', 'employer', 'seeker', 'system')),
    actor_user_id BIGINT REFERENCES users (id),
    slot_id BIGINT NOT NULL REFERENCES vacancy_slots (id),
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX slot_booking_events_booking ON slot_booking_events (booking_id, at);
CREATE INDEX slot_booking_events_held ON slot_booking_events (action, at);
