-- A consultation is on a frozen version of the procedure: the text the
-- table asks stakeholders to comment on. NULL for one opened before any
-- version was frozen, which is on the draft as it is.

ALTER TABLE consultations ADD COLUMN version_number INTEGER;
