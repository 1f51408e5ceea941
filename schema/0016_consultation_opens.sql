-- A consultation may be announced before it opens: stakeholders see when
-- it opens and comment only from then. NULL for a consultation open from
-- its creation, as every one made before this migration is.
--
-- Closing a consultation before its date sets its closes_at to the moment
-- it was closed; the audit log keeps the date it was meant to close.

ALTER TABLE consultations ADD COLUMN opens_at TIMESTAMP;
