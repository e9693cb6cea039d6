DROP TABLE application_cvs;
DROP TABLE profile_cvs;
