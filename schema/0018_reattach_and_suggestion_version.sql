-- Two additions to the threads on a draft's passages.
--
-- A passage deleted whole marks its anchor removed (0003). When an update
-- writes again the text the anchor was placed on (its quote) and it then
-- occurs exactly once in the draft — a paragraph cut and pasted elsewhere, a restore undone —
-- the co-editing authority re-attaches the anchor there, in the
-- transaction of the update that brought the text back: reattached_version
-- is that update's document version, shown on the thread as "re-attached
-- to the same passage"; NULL for an anchor never re-attached.
ALTER TABLE document_anchors ADD COLUMN reattached_version INTEGER;

-- An accepted suggestion's text is written by a server-made update that
-- the member who accepted it asked for (document_updates.account_id is
-- theirs). applied_version is the document version that update made, so
-- that "who wrote what" credits the suggestion's author with its text;
-- NULL for anything not accepted (or accepted before this column).
ALTER TABLE comments ADD COLUMN applied_version INTEGER;
