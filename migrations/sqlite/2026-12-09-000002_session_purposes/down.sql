DROP TABLE session_purposes;
