DROP TABLE application_disclosures;
DROP TABLE disclosure_reviews;
DROP TABLE disclosure_letters;
