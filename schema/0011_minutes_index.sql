-- The meeting whose minutes a document are. The co-editing authority asks
-- it at every message on minutes, to know whether a later meeting approved
-- them (workspace.Document.Sealed), and each meeting has minutes of its
-- own: unique, NULL (no minutes yet) as often as need be.
CREATE UNIQUE INDEX meetings_minutes_document ON meetings (minutes_document_id);
