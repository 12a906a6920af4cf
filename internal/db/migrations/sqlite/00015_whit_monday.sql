-- +goose Up
-- Lundi de Pentecôte worked as the "journée de solidarité" (Code du travail, article L3133-7):
-- a site with work_whit_monday counts it as a working day in its SLAs. FALSE, the default,
-- keeps it a public holiday as before. A site with the default week that works it gets a row
-- of sla_site_hours holding the default window (9:00–18:00, Monday to Friday).
ALTER TABLE sla_site_hours ADD COLUMN work_whit_monday BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
-- Forward-only.
