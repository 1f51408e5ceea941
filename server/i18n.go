package server

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"tawla/web"
	"tawla/workspace"
)

// langCookie remembers a visitor's language choice.
const langCookie = "tawla_lang"

// catalog holds the translations of every interface string, loaded from
// web/i18n/<lang>.toml. Plural forms follow CLDR rules (Arabic has six).
type catalog struct {
	bundle  *i18n.Bundle
	matcher language.Matcher
	// keys holds the message IDs of each language, for completeness checks.
	keys map[string]map[string]bool
}

func loadCatalog() (*catalog, error) {
	bundle := i18n.NewBundle(language.French)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &catalog{bundle: bundle, keys: map[string]map[string]bool{}}
	var tags []language.Tag
	for _, lang := range workspace.Languages {
		name := "i18n/" + lang + ".toml"
		body, err := fs.ReadFile(web.FS, name)
		if err != nil {
			return nil, fmt.Errorf("server: read catalogue %s: %w", name, err)
		}
		mf, err := bundle.ParseMessageFileBytes(body, name)
		if err != nil {
			return nil, fmt.Errorf("server: parse catalogue %s: %w", name, err)
		}
		c.keys[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			c.keys[lang][m.ID] = true
		}
		tags = append(tags, language.MustParse(lang))
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// localizer returns the translator for lang.
func (c *catalog) localizer(lang string) *localizer {
	return &localizer{lang: lang, l: i18n.NewLocalizer(c.bundle, lang), missing: func(string) {}}
}

// match returns the interface language that best fits an Accept-Language
// header, or the default.
func (c *catalog) match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return workspace.Languages[0]
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return workspace.Languages[0]
	}
	return workspace.Languages[i]
}

// localizer translates interface strings into one language.
type localizer struct {
	lang    string
	l       *i18n.Localizer
	missing func(key string)
}

// T returns the message key, filled with args given as name/value pairs
// ("Name", "Amira"). A key missing from the catalogue shows as the key
// itself, so a gap is visible instead of an empty label; the completeness
// test keeps that from reaching main.
func (l *localizer) T(key string, args ...any) string {
	return l.translate(key, nil, args)
}

// N is T for a message with plural forms chosen by count, which templates
// get as {{.Count}}.
func (l *localizer) N(key string, count int, args ...any) string {
	return l.translate(key, count, args)
}

// ErrorText returns the message of err for the reader: the catalogue's
// text for the error's key (naming its field for those of
// fieldErrorText), or its Message when the key is missing from the
// catalogue (or there is none); a generic message for an internal
// error, whose detail is only for the log; "" for nil.
func (l *localizer) ErrorText(err error) string {
	if err == nil {
		return ""
	}
	if workspace.ErrorCode(err) == workspace.EINTERNAL {
		return l.T("error.internal")
	}
	if msg, ok := l.fieldErrorText(err); ok {
		return msg
	}
	if key := workspace.ErrorKey(err); key != "" {
		if msg, ok := l.localize(key, nil, nil); ok {
			return msg
		}
		l.missing(key)
	}
	return workspace.ErrorMessage(err)
}

func (l *localizer) translate(key string, count any, args []any) string {
	msg, ok := l.localize(key, count, args)
	if !ok {
		l.missing(key)
		return key
	}
	return msg
}

// localize returns the message key filled with args and count, and false
// when the catalogue of l's language lacks it.
func (l *localizer) localize(key string, count any, args []any) (string, bool) {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		if name, ok := args[i].(string); ok {
			data[name] = args[i+1]
		}
	}
	if count != nil {
		data["Count"] = count
	}
	msg, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data, PluralCount: count})
	if err != nil || msg == "" {
		return "", false
	}
	return msg, true
}

// localizer returns the translator for lang; a key missing from its
// catalogue is logged as a warning.
func (s *Server) localizer(lang string) *localizer {
	l := s.catalog.localizer(lang)
	l.missing = func(key string) { s.logger.Warn("missing translation", "lang", lang, "key", key) }
	return l
}

// localizerOf returns the translator for the language decided for the
// request ctx belongs to (see languageOf), for output that has no page: a
// CSV or ICS file, a feed, a websocket message.
func (s *Server) localizerOf(ctx context.Context) *localizer {
	return s.localizer(languageOf(ctx))
}

// localizeError returns the message of err for a person who reads lang, as
// an error page shows it (see localizer.ErrorText), for code that has no
// page, such as the websocket's error messages.
func (s *Server) localizeError(lang string, err error) string {
	return s.localizer(lang).ErrorText(err)
}

// requestLanguage returns the interface language of a request: a valid
// ?lang= first, then the account's profile, then the visitor's cookie, then
// Accept-Language, then French.
func (s *Server) requestLanguage(r *http.Request) string {
	if lang := r.URL.Query().Get("lang"); workspace.ValidLanguage(lang) {
		return lang
	}
	if acc := currentAccount(r); acc != nil && workspace.ValidLanguage(acc.Language) {
		return acc.Language
	}
	if c, err := r.Cookie(langCookie); err == nil && workspace.ValidLanguage(c.Value) {
		return c.Value
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		return s.catalog.match(h)
	}
	return workspace.Languages[0]
}

// languageContextKey is the context key of the decidedLanguage of a
// request.
type languageContextKey struct{}

// decidedLanguage is the interface language of one request and its writing
// direction, decided once by withLanguage.
type decidedLanguage struct {
	lang string
	dir  string
}

// contextWithLanguage returns a copy of ctx that carries lang as the
// decided language of its request.
func contextWithLanguage(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, languageContextKey{}, decidedLanguage{lang: lang, dir: workspace.Direction(lang)})
}

// languageOf returns the interface language decided for the request that
// ctx belongs to. A context that did not go through withLanguage (work not
// started by a request) gets the default language.
func languageOf(ctx context.Context) string {
	if d, ok := ctx.Value(languageContextKey{}).(decidedLanguage); ok {
		return d.lang
	}
	return workspace.Languages[0]
}

// directionOf returns the writing direction ("rtl" or "ltr") of
// languageOf(ctx).
func directionOf(ctx context.Context) string {
	if d, ok := ctx.Value(languageContextKey{}).(decidedLanguage); ok {
		return d.dir
	}
	return workspace.Direction(workspace.Languages[0])
}

// pageLanguage returns the language decided for r. A request refused before
// withLanguage ran (by cross-origin protection, or a panic recovered
// outside it) has none in its context: its error page is still shown in
// the visitor's language, decided from what the request carries.
func (s *Server) pageLanguage(r *http.Request) string {
	if d, ok := r.Context().Value(languageContextKey{}).(decidedLanguage); ok {
		return d.lang
	}
	return s.requestLanguage(r)
}

// withLanguage decides the request's interface language once (see
// requestLanguage) and keeps it in the request's context for every handler
// (languageOf, localizerOf). A ?lang= shows the page in that language; for
// a visitor who is not logged in, it is also remembered in a cookie. A
// logged-in account's saved language never changes on a GET: a link from
// anywhere may carry ?lang=, and only the person's own choice, posted by
// the language switcher (handleLanguageChoice), changes their profile.
func (s *Server) withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lang := r.URL.Query().Get("lang"); workspace.ValidLanguage(lang) && currentAccount(r) == nil && choosesLanguage(r) {
			s.setLanguageCookie(w, r, lang)
		}
		r = r.WithContext(contextWithLanguage(r.Context(), s.requestLanguage(r)))
		next.ServeHTTP(w, r)
	})
}

// choosesLanguage reports whether r's ?lang= is the person's own choice,
// to be remembered: a page they asked for (GET or HEAD) from one of ours,
// typed, opened from a bookmark or followed from a link elsewhere (a
// top-level navigation). A request another site makes on its own (an
// image, a frame, a script's fetch) or a form sent with ?lang= is
// answered in that language but changes nothing: a request with side
// effects is a POST, checked as such, and a refused one changes nothing.
// A client that sends no Sec-Fetch-Site (not a browser, or an old one) is
// taken at its word.
func choosesLanguage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return r.Header.Get("Sec-Fetch-Mode") == "navigate" && r.Header.Get("Sec-Fetch-Dest") == "document"
}

// setLanguageCookie remembers lang as the visitor's language, for the
// pages seen while logged out; the login adopts it (adoptVisitorLanguage).
func (s *Server) setLanguageCookie(w http.ResponseWriter, r *http.Request, lang string) {
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}
