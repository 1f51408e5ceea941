package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RegisterEntry is one procedure of the table's official register, under a
// stable identifier (PROC-2026-003) that outlives its editions: its French
// text and its Arabic translation, when both exist, are one entry, each
// language published in numbered editions (Publication.Edition).
type RegisterEntry struct {
	ID int64
	// Year and Seq make the identifier: the year of the entry's first
	// publication in the table's time zone, and its rank among that
	// year's entries, from 1.
	Year     int
	Seq      int
	Category ProcedureCategory
	// Procedures maps a language ("fr", "ar") to the procedure whose
	// versions the entry publishes in it.
	Procedures map[string]int64
	CreatedAt  time.Time
	CreatedBy  *int64

	// WithdrawnAt is when the secretariat withdrew the entry, with its
	// reason; nil while it is in force.
	WithdrawnAt      *time.Time
	WithdrawalReason string
	// ReplacedBy is the entry that replaces this one: named when it was
	// withdrawn, or by a later publication that supersedes it. The store
	// fills ReplacedByIdentifier beside it, and ReplacedFrom: the day that
	// publication applies from ("" when the entry was replaced at its
	// withdrawal), before which the entry is still in force.
	ReplacedBy           *int64
	ReplacedByIdentifier string
	ReplacedFrom         string

	// AsOf is the day, in the table's time zone, for which the store read
	// the entry ("2006-01-02"): Status and Current are those of that day.
	AsOf string
	// Current holds, French first, the edition of each language in force
	// on AsOf: the latest whose effective day has come, or the first when
	// none has yet. The store fills it when reading entries.
	Current []*Publication
	// Next holds, French first, the edition that follows Current in its
	// language, published to apply from a later day, when there is one;
	// its Content is left empty.
	Next []*Publication
}

// Identifier returns the entry's register identifier, such as
// "PROC-2026-003".
func (e *RegisterEntry) Identifier() string { return FormatIdentifier(e.Year, e.Seq) }

// Status says whether the entry is in force, superseded by another, or
// withdrawn, on AsOf: an entry superseded by a publication that applies
// from a later day is in force until then.
func (e *RegisterEntry) Status() RegisterStatus {
	switch {
	case e.WithdrawnAt != nil:
		return RegisterWithdrawn
	case e.ReplacedBy != nil && (e.ReplacedFrom == "" || e.ReplacedFrom <= e.AsOf):
		return RegisterSuperseded
	default:
		return RegisterInForce
	}
}

// ReplacedLater reports whether the entry is in force on AsOf but replaced
// by another from ReplacedFrom, a later day.
func (e *RegisterEntry) ReplacedLater() bool {
	return e.Status() == RegisterInForce && e.ReplacedBy != nil
}

// NotYetInForce reports whether the entry has editions but none that
// applies on AsOf: all are published to apply from a later day.
func (e *RegisterEntry) NotYetInForce() bool {
	for _, c := range e.Current {
		if c.EffectiveOn <= e.AsOf {
			return false
		}
	}
	return len(e.Current) > 0
}

// CurrentIn returns the edition in lang in force on AsOf (or the first,
// when none applies yet), or nil when the entry has none in that language.
func (e *RegisterEntry) CurrentIn(lang string) *Publication {
	return publicationIn(e.Current, lang)
}

// NextIn returns the edition in lang that follows the current one and
// applies from a later day, or nil.
func (e *RegisterEntry) NextIn(lang string) *Publication {
	return publicationIn(e.Next, lang)
}

// TranslationBehind returns the current edition of the text p translates
// when it is newer than the edition p was translated from
// (p.SourceEdition), or nil: the reader of a translation must learn that
// the original has changed since.
func (e *RegisterEntry) TranslationBehind(p *Publication) *Publication {
	if p.SourceEdition == 0 {
		return nil
	}
	for _, c := range e.Current {
		if c.Language != p.Language && c.Edition > p.SourceEdition && c.EffectiveOn <= e.AsOf {
			return c
		}
	}
	return nil
}

// publicationIn returns the publication in lang among ps, or nil.
func publicationIn(ps []*Publication, lang string) *Publication {
	for _, p := range ps {
		if p.Language == lang {
			return p
		}
	}
	return nil
}

// RegisterStatus is where a register entry stands.
type RegisterStatus string

// The statuses of a register entry.
const (
	// RegisterInForce is an entry whose latest editions apply.
	RegisterInForce RegisterStatus = "in_force"
	// RegisterSuperseded is an entry that a publication of another entry
	// replaced; it stays readable.
	RegisterSuperseded RegisterStatus = "superseded"
	// RegisterWithdrawn is an entry the secretariat withdrew; it stays
	// readable, with its reason.
	RegisterWithdrawn RegisterStatus = "withdrawn"
)

// FormatIdentifier returns the register identifier of the seq-th entry of
// year: "PROC-2026-003" (four digits when a year has more than 999).
func FormatIdentifier(year, seq int) string {
	return fmt.Sprintf("PROC-%04d-%03d", year, seq)
}

// ParseIdentifier reads a register identifier as FormatIdentifier writes
// it, case aside; ok is false for anything else.
func ParseIdentifier(s string) (year, seq int, ok bool) {
	rest, found := strings.CutPrefix(strings.ToUpper(s), "PROC-")
	if !found {
		return 0, 0, false
	}
	y, n, found := strings.Cut(rest, "-")
	if !found || len(y) != 4 || len(n) < 3 || len(n) > 6 {
		return 0, 0, false
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < 1000 {
		return 0, 0, false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return 0, 0, false
		}
	}
	seq, err = strconv.Atoi(n)
	if err != nil || seq < 1 || FormatIdentifier(year, seq) != "PROC-"+y+"-"+n {
		return 0, 0, false
	}
	return year, seq, true
}

// Publication is one adopted version of a procedure entered in the
// register: the Edition-th edition of its entry in its Language. Its
// title, summary, category and text are copied when it is published, so
// that later changes to the procedure's details or draft change nothing
// the public reads.
type Publication struct {
	ID      int64
	EntryID int64
	// Identifier is the entry's register identifier; the store fills it.
	Identifier    string
	ProcedureID   int64
	VersionID     int64
	VersionNumber int
	// Edition numbers the publications of the entry in one language, from
	// 1: "PROC-2026-003 v2" is the second.
	Edition  int
	Language string
	Category ProcedureCategory
	Title    string
	Summary  string
	Content  string
	// ContentSHA256 is the hexadecimal SHA-256 of Content's UTF-8 bytes,
	// which are exactly the Markdown download's: anyone can check it.
	ContentSHA256 string
	// EffectiveOn is the day the edition applies from, "2006-01-02".
	EffectiveOn string
	// Note is the secretariat's word on what the edition changes; it may
	// be empty, as the changelog is computed from the texts.
	Note string
	// SourceEdition, for a translation, is the edition of the entry's
	// original text (the language of its first publication) that it
	// follows: the one the secretariat named when publishing it, else the
	// latest then; 0 for the original.
	SourceEdition int
	// Supersedes is another entry this publication replaces (not the
	// earlier editions of its own entry, which every new edition
	// replaces); the store fills SupersedesIdentifier beside it.
	Supersedes           *int64
	SupersedesIdentifier string
	PublishedAt          time.Time
	PublishedBy          *int64
}

// Label returns the publication's name as the register writes it:
// "PROC-2026-003 v2".
func (p *Publication) Label() string { return p.Identifier + " v" + strconv.Itoa(p.Edition) }

// ContentHash returns the hexadecimal SHA-256 of content's UTF-8 bytes.
func ContentHash(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// MaxPublicationNote is the longest note of a publication, in characters.
const MaxPublicationNote = 2000

// PublishRequest is what the secretariat decides when it publishes a
// version: which one, from when, into which entry, replacing what.
type PublishRequest struct {
	ProcedureID   int64
	VersionNumber int
	// TranslationOf, for a procedure not yet in the register, is the entry
	// whose translation it is: the version is published into that entry,
	// which must have nothing in the procedure's language yet. Zero
	// publishes into the procedure's own entry, created at its first
	// publication.
	TranslationOf int64
	// SourceEdition, for a translation, is the edition of the entry's
	// original text (the language of its first publication) that the
	// translation follows, when the secretariat names one: a translation
	// may have been made from an edition the original has since replaced.
	// Zero takes the original's latest edition; the store refuses it for
	// the original itself, and an edition the original does not have
	// (error.publication.source_edition).
	SourceEdition int
	// Supersedes is another entry this publication replaces, or zero.
	Supersedes int64
	// EffectiveOn is the day the edition applies from, "2006-01-02".
	EffectiveOn string
	Note        string
	// Year is the current year in the table's time zone: the year of a new
	// entry's identifier. The server sets it.
	Year int
}

// Validate trims the request's texts and reports the first problem as an
// EINVALID *Error, or nil.
func (r *PublishRequest) Validate() error {
	r.Note = strings.TrimSpace(r.Note)
	r.EffectiveOn = strings.TrimSpace(r.EffectiveOn)
	if r.VersionNumber < 1 {
		return Invalid("version", "error.publication.version_invalid", "Choose a version to publish.")
	}
	if _, ok := parseDay(r.EffectiveOn); !ok {
		return Invalid("effective_on", "error.publication.effective_on_invalid", "Give the day the procedure applies from.")
	}
	if r.Year < 1000 || r.Year > 9999 {
		return Errorf(EINVALID, "The year %d cannot make a register identifier.", r.Year)
	}
	if r.SourceEdition < 0 {
		return errSourceEdition()
	}
	if r.TranslationOf != 0 && r.TranslationOf == r.Supersedes {
		return Invalid("supersedes", "error.publication.supersedes_itself", "A procedure cannot replace the entry it is published into.")
	}
	return checkText("note", r.Note, MaxPublicationNote)
}

// errSourceEdition is the refusal of a source edition the original text
// does not have.
func errSourceEdition() *Error {
	return Invalid("source_edition", "error.publication.source_edition", "Choose an edition of the original text that this translation follows.")
}

// CheckSourceEdition reports whether a publication can follow edition
// chosen of its entry's original text, whose latest edition is latest (0
// when the publication is of the original itself): chosen is 0 (the
// latest), or an edition the original has.
func CheckSourceEdition(chosen, latest int) error {
	if chosen != 0 && (latest == 0 || chosen < 1 || chosen > latest) {
		return errSourceEdition()
	}
	return nil
}

// CheckPublishable reports why v cannot be published, or nil: only a
// version adopted by a vote enters the register, only once, and only when
// it is newer than latestPublished, the number of the procedure's latest
// version already in the register (0 for none). A procedure publishes its
// editions in one language of one entry, so an older version published
// after a newer one would become the edition in force with the older text.
func CheckPublishable(v *Version, alreadyPublished bool, latestPublished int) error {
	if v.AdoptedAt == nil {
		return &Error{Code: ECONFLICT, Key: "error.publication.not_adopted", Message: "Only a version adopted by a vote can be published."}
	}
	if alreadyPublished {
		return &Error{Code: ECONFLICT, Key: "error.publication.already_published", Message: "This version is already published."}
	}
	if v.Number <= latestPublished {
		return &Error{Code: ECONFLICT, Key: "error.publication.older_version",
			Message: "A newer version of this procedure is already published: an older one cannot follow it."}
	}
	return nil
}

// CheckEntryOpen reports why nothing more may be published into e, or
// nil: a withdrawn entry takes no edition — its procedures' next versions
// go into new entries —, nor does an entry that another replaces (or is
// recorded to replace from a later day), whose page tells the public it
// no longer applies.
func CheckEntryOpen(e *RegisterEntry) error {
	switch {
	case e.WithdrawnAt != nil:
		return &Error{Code: ECONFLICT, Key: "error.publication.entry_withdrawn",
			Message: "This register entry is withdrawn: nothing more is published in it."}
	case e.ReplacedBy != nil:
		return &Error{Code: ECONFLICT, Key: "error.publication.entry_superseded",
			Message: "This register entry is replaced by another: nothing more is published in it."}
	}
	return nil
}

// CheckEffectiveOrder reports an EINVALID *Error on "effective_on" when
// effectiveOn is before previous, the day the entry's latest edition in
// the same language applies from ("" for none): the editions of a language
// apply in their order, so that the one in force on a day is the latest
// whose day has come.
func CheckEffectiveOrder(previous, effectiveOn string) error {
	if previous != "" && effectiveOn < previous {
		return Invalid("effective_on", "error.publication.effective_on_before_previous",
			"The new edition cannot apply before the previous one.")
	}
	return nil
}

// CanPublish reports whether actor may publish adopted versions into the
// register and withdraw entries from it: the secretariat.
func CanPublish(actor Actor) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("Only the secretariat publishes procedures.")
	}
	return nil
}

// MaxWithdrawalReason is the longest reason for withdrawing an entry, in
// characters.
const MaxWithdrawalReason = 2000

// ValidateWithdrawalReason trims reason and reports a missing or too long
// one as an EINVALID *Error on the field "reason": the public must read why
// a procedure no longer applies.
func ValidateWithdrawalReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", Invalid("reason", "error.publication.reason_required", "Say why the procedure is withdrawn.")
	}
	return reason, checkText("reason", reason, MaxWithdrawalReason)
}

// Audit actions of the register.
const (
	AuditPublicationPublish = "publication.publish"
	AuditRegisterWithdraw   = "register.withdraw"
)
