DROP TABLE slot_booking_events;
DROP TABLE slot_bookings;
DROP TABLE vacancy_slots;
