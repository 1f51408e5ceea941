-- The edition of the original text that a translation follows. An entry's
-- original is the language of its first publication; a publication in the
-- other language records the original's latest edition when it was
-- published, so that the public page of a translation can say when the
-- original has a newer edition in force since. NULL for the original's own
-- editions.
ALTER TABLE publications ADD COLUMN source_edition INTEGER CHECK (source_edition > 0);

-- The translations published before this migration: publications are
-- numbered in the order they were published, so the original's latest
-- edition then is its latest with a smaller id.
UPDATE publications SET source_edition = (
    SELECT MAX(o.edition) FROM publications o
    WHERE o.entry_id = publications.entry_id AND o.language <> publications.language AND o.id < publications.id)
WHERE language <> (
    SELECT f.language FROM publications f WHERE f.entry_id = publications.entry_id ORDER BY f.id LIMIT 1);
