package server

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"tawla/web"
	"tawla/workspace"
)

// catalogueRefLang is the reference catalogue: every other language must
// have exactly its keys.
const catalogueRefLang = "fr"

// cldrPluralForms are the CLDR plural categories, in go-i18n's spelling.
var cldrPluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// pluralProbeCounts are the counts every plural message is rendered with:
// together they reach every form that fr, ar and en use for whole numbers
// (ar: 0 zero, 1 one, 2 two, 3 few, 11 many, 100 other; fr: 1000000 many).
var pluralProbeCounts = []int{0, 1, 2, 3, 11, 100, 101, 1000000}

// catalogueSampleData fills every placeholder the catalogue may use.
var catalogueSampleData = map[string]any{"Name": "Amira Ben Salah", "Page": 2, "Count": 7, "Number": 3,
	// A meeting's quorum.
	"Present": 6, "Electorate": 10, "Required": 6,
	// A poll's result (server/poll_result.go) and form.
	"Yes": 5, "No": 2, "Rule": "majorité simple", "Names": "Oui, Non",
	"Min": 1, "Max": 3, "College": "Société civile", "Stand": "favorable", "Date": "2026-12-06 21:09", "Poll": 4,
	// The feed's withdrawals.
	"Identifier": "PROC-2026-002", "Title": "Accueil au guichet unique",
	// A decision offered in an issue's link form; a meeting's cancellation.
	"Outcome": "Adoptée", "Reason": "Salle indisponible",
	// The field an error about direction controls names.
	"Field": "Titre"}

// TestCatalogueComplete checks that the three catalogues hold the same
// keys, that every key the templates and the Go code ask for exists, that
// plural messages have every form their language needs, and that ar and en
// are real translations rather than copies of fr.
func TestCatalogueComplete(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	files := parseCatalogueFiles(t)
	ref := cat.keys[catalogueRefLang]
	if len(ref) == 0 {
		t.Fatalf("the %s catalogue is empty", catalogueRefLang)
	}

	t.Run("SameKeys", func(t *testing.T) {
		for _, lang := range workspace.Languages {
			if lang == catalogueRefLang {
				continue
			}
			if missing := keysNotIn(ref, cat.keys[lang]); len(missing) > 0 {
				t.Errorf("%s.toml lacks %d keys of %s.toml: %s", lang, len(missing), catalogueRefLang, strings.Join(missing, ", "))
			}
			if extra := keysNotIn(cat.keys[lang], ref); len(extra) > 0 {
				t.Errorf("%s.toml has %d keys that %s.toml lacks: %s", lang, len(extra), catalogueRefLang, strings.Join(extra, ", "))
			}
		}
	})

	t.Run("TemplateKeys", func(t *testing.T) {
		used, prefixes := templateCatalogueKeys(t)
		if len(used) < 50 {
			t.Fatalf("found only %d keys in the templates; is the pattern still right?", len(used))
		}
		t.Logf("%d keys used in templates", len(used))
		requireCatalogueKeys(t, cat, used)
		// A key built with printf escapes this test: an enumeration's
		// labels come from enumOptions (optionLabel) instead.
		for prefix, where := range prefixes {
			t.Errorf("%s builds keys %q%%s with printf; use optionLabel and enumOptions", where, prefix)
		}
	})

	t.Run("CodeKeys", func(t *testing.T) {
		used := map[string]string{}
		for _, dir := range []string{".", filepath.Join("..", "workspace"), filepath.Join("..", "workspace", "sqlite"), filepath.Join("..", "live"), filepath.Join("..", "collab"), filepath.Join("..", "meeting")} {
			goCatalogueKeys(t, dir, ref, used)
		}
		if len(used) < 30 {
			t.Fatalf("found only %d keys in the Go code; is the scanner still right?", len(used))
		}
		t.Logf("%d keys used in Go code", len(used))
		requireCatalogueKeys(t, cat, used)
	})

	t.Run("OptionKeys", func(t *testing.T) {
		used := map[string]string{}
		for name, list := range enumOptions {
			if len(list) == 0 {
				t.Errorf("enumeration %q has no options", name)
			}
			for _, o := range list {
				used[o.LabelKey] = "enumOptions[" + strconv.Quote(name) + "]"
			}
		}
		requireCatalogueKeys(t, cat, used)
	})

	t.Run("NoticeKeys", func(t *testing.T) {
		used := map[string]string{}
		for notice, key := range notices {
			used[key] = "notices[" + strconv.Quote(notice) + "]"
		}
		requireCatalogueKeys(t, cat, used)
	})

	t.Run("NoEmptyValue", func(t *testing.T) {
		for _, lang := range workspace.Languages {
			for _, m := range files[lang] {
				for form, text := range messageForms(m) {
					if strings.TrimSpace(text) == "" {
						t.Errorf("%s: %q has an empty %s form", lang, m.ID, form)
					}
				}
				if m.Other == "" {
					t.Errorf("%s: %q has no text (other form)", lang, m.ID)
				}
			}
		}
	})

	t.Run("Placeholders", func(t *testing.T) {
		refMessages := messagesByID(files[catalogueRefLang])
		for _, lang := range workspace.Languages {
			for _, m := range files[lang] {
				r, ok := refMessages[m.ID]
				if !ok {
					continue // reported by SameKeys
				}
				want := messagePlaceholders(r.Other)
				delete(want, "Count")
				for form, text := range messageForms(m) {
					got := messagePlaceholders(text)
					delete(got, "Count") // Arabic zero, one and two spell the number out
					if !sameKeySet(got, want) {
						t.Errorf("%s: %q (%s) has placeholders %v, want %v as in %s", lang, m.ID, form, sortedMessageIDs(got), sortedMessageIDs(want), catalogueRefLang)
					}
				}
				if strings.Contains(r.Other, "{{.Count}}") && !strings.Contains(m.Other, "{{.Count}}") {
					t.Errorf("%s: %q (other) lost {{.Count}}", lang, m.ID)
				}
			}
		}
	})

	t.Run("PluralForms", func(t *testing.T) {
		plural := pluralIDs(files[catalogueRefLang])
		if len(plural) == 0 {
			t.Fatalf("no plural message in %s.toml", catalogueRefLang)
		}
		for _, lang := range workspace.Languages {
			need := pluralFormsOf(t, lang)
			for _, m := range files[lang] {
				forms := messageForms(m)
				if !plural[m.ID] {
					if len(forms) > 1 {
						t.Errorf("%s: %q has plural forms but is not plural in %s.toml", lang, m.ID, catalogueRefLang)
					}
					continue
				}
				for _, form := range cldrPluralForms {
					_, has := forms[form]
					switch {
					case need[form] && !has:
						t.Errorf("%s: plural %q lacks the %s form (%s needs %v)", lang, m.ID, form, lang, sortedMessageIDs(need))
					case has && !need[form]:
						t.Errorf("%s: plural %q has a %s form that %s never uses", lang, m.ID, form, lang)
					}
				}
			}
		}
	})

	t.Run("Localize", func(t *testing.T) {
		plural := pluralIDs(files[catalogueRefLang])
		for _, lang := range workspace.Languages {
			l := i18n.NewLocalizer(cat.bundle, lang)
			for _, m := range files[lang] {
				counts := []any{nil}
				if plural[m.ID] {
					counts = counts[:0]
					for _, n := range pluralProbeCounts {
						counts = append(counts, n)
					}
				}
				for _, n := range counts {
					data := map[string]any{}
					for k, v := range catalogueSampleData {
						data[k] = v
					}
					if n != nil {
						data["Count"] = n
					}
					got, tag, err := l.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: m.ID, TemplateData: data, PluralCount: n})
					switch {
					case err != nil:
						t.Errorf("%s: %q count %v: %v", lang, m.ID, n, err)
					case tag != language.MustParse(lang):
						t.Errorf("%s: %q count %v came from %s", lang, m.ID, n, tag)
					case strings.TrimSpace(got) == "":
						t.Errorf("%s: %q count %v is empty", lang, m.ID, n)
					case strings.Contains(got, "<no value>") || strings.Contains(got, "{{"):
						t.Errorf("%s: %q count %v = %q: a placeholder was not filled", lang, m.ID, n, got)
					}
				}
			}
		}
	})

	t.Run("Translated", func(t *testing.T) {
		fr := messagesByID(files[catalogueRefLang])
		var arabic, arTotal int
		for _, m := range files["ar"] {
			for _, text := range messageForms(m) {
				arTotal++
				if hasArabicLetter(text) {
					arabic++
				}
			}
		}
		if arTotal == 0 || arabic*100 < arTotal*90 {
			t.Errorf("only %d of %d Arabic values contain Arabic letters; is ar.toml still a copy?", arabic, arTotal)
		}
		var differ, enTotal int
		var same []string
		for _, m := range files["en"] {
			r, ok := fr[m.ID]
			if !ok {
				continue
			}
			enTotal++
			if m.Other != r.Other {
				differ++
			} else {
				same = append(same, m.ID)
			}
		}
		sort.Strings(same)
		if enTotal == 0 || differ*100 < enTotal*80 {
			t.Errorf("only %d of %d English values differ from French; is en.toml still a copy? Same: %s", differ, enTotal, strings.Join(same, ", "))
		}
	})
}

// TestLocalizerPlural checks that counts pick the right plural form,
// including the Arabic dual, through the localizer the pages use.
func TestLocalizerPlural(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang  string
		key   string
		count int
		want  string
	}{
		{"ar", "audit.count", 0, "لا يوجد أي قيد"},
		{"ar", "audit.count", 1, "قيد واحد"},
		{"ar", "audit.count", 2, "قيدان"},
		{"ar", "audit.count", 3, "3 قيود"},
		{"ar", "audit.count", 11, "11 قيدًا"},
		{"ar", "audit.count", 100, "100 قيد"},
		{"ar", "home.people_count", 2, "شخصان"},
		{"ar", "home.organisations_count", 2, "هيكلان عضوان"},
		{"ar", "home.organisations_count", 5, "5 هياكل أعضاء"},
		{"fr", "audit.count", 0, "0 entrée"},
		{"fr", "audit.count", 1, "1 entrée"},
		{"fr", "audit.count", 2, "2 entrées"},
		{"fr", "audit.count", 1000000, "1000000 entrées"},
		{"en", "audit.count", 0, "0 entries"},
		{"en", "audit.count", 1, "1 entry"},
		{"en", "home.people_count", 2, "2 people"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%d", tt.lang, tt.key, tt.count), func(t *testing.T) {
			l := cat.localizer(tt.lang)
			l.missing = func(key string) { t.Errorf("missing translation %q", key) }
			if got := l.N(tt.key, tt.count); got != tt.want {
				t.Errorf("N(%q, %d) = %q, want %q", tt.key, tt.count, got, tt.want)
			}
		})
	}
}

// parseCatalogueFiles returns the messages of each language's catalogue,
// with their plural forms.
func parseCatalogueFiles(t *testing.T) map[string][]*i18n.Message {
	t.Helper()
	files := map[string][]*i18n.Message{}
	for _, lang := range workspace.Languages {
		name := "i18n/" + lang + ".toml"
		body, err := fs.ReadFile(web.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := i18n.ParseMessageFileBytes(body, name, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		files[lang] = mf.Messages
	}
	return files
}

// messageForms returns the plural forms a message defines, by CLDR name.
func messageForms(m *i18n.Message) map[string]string {
	forms := map[string]string{}
	for form, text := range map[string]string{
		"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other,
	} {
		if text != "" {
			forms[form] = text
		}
	}
	return forms
}

// pluralIDs returns the IDs of the messages that have plural forms.
func pluralIDs(messages []*i18n.Message) map[string]bool {
	ids := map[string]bool{}
	for _, m := range messages {
		if len(messageForms(m)) > 1 || m.One != "" {
			ids[m.ID] = true
		}
	}
	return ids
}

// pluralFormsOf returns the plural forms that go-i18n picks for lang over
// whole numbers, by rendering a probe message that names each form.
func pluralFormsOf(t *testing.T, lang string) map[string]bool {
	t.Helper()
	bundle := i18n.NewBundle(language.MustParse(lang))
	probe := &i18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	if err := bundle.AddMessages(language.MustParse(lang), probe); err != nil {
		t.Fatal(err)
	}
	l := i18n.NewLocalizer(bundle, lang)
	counts := []int{1000000, 2000000, 1000000000}
	for n := 0; n <= 1000; n++ {
		counts = append(counts, n)
	}
	used := map[string]bool{}
	for _, n := range counts {
		form, err := l.Localize(&i18n.LocalizeConfig{MessageID: "probe", PluralCount: n})
		if err != nil {
			t.Fatalf("%s: probe count %d: %v", lang, n, err)
		}
		used[form] = true
	}
	return used
}

var (
	// templateKeyPattern matches {{.T "key"}}, {{$.T "key" …}} and {{.N "key" …}}.
	templateKeyPattern = regexp.MustCompile(`\.[TN]\s+"([^"]+)"`)
	// templatePrintfPattern matches keys built as (printf "college.%s" .).
	templatePrintfPattern     = regexp.MustCompile(`\.[TN]\s+\(printf\s+"([^"%]*)%[sdv]"`)
	catalogPlaceholderPattern = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
)

// templateCatalogueKeys returns the literal keys the templates translate
// or hand to a partial, each with the file that uses it, and the prefixes
// of the keys they build with printf.
func templateCatalogueKeys(t *testing.T) (keys, prefixes map[string]string) {
	t.Helper()
	var names []string
	for _, pattern := range []string{pagesGlob, partialsGlob} {
		found, err := fs.Glob(web.FS, pattern)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, found...)
	}
	if len(names) == 0 {
		t.Fatal("no templates")
	}
	keys, prefixes = map[string]string{}, map[string]string{}
	// Keys handed to a partial ("Empty" "accounts.empty") are not behind
	// .T: every literal shaped like a key must be one.
	for text, file := range templateStrings(t) {
		if catalogueKeyShape.MatchString(text) {
			keys[text] = file
		}
	}
	for _, name := range names {
		body, err := fs.ReadFile(web.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKeyPattern.FindAllStringSubmatch(string(body), -1) {
			keys[m[1]] = name
		}
		for _, m := range templatePrintfPattern.FindAllStringSubmatch(string(body), -1) {
			prefixes[m[1]] = name
		}
	}
	return keys, prefixes
}

// goCatalogueKeys adds to used the catalogue keys that the non-test Go files
// under dir name as string literals: Key fields of errors, the key argument
// of Invalid, T, N and newPage (directly or through a local variable), and
// the values of maps of keys (see isKeyMap). It also adds
// audit.entity.<type> for the entity types recordAudit is called with.
func goCatalogueKeys(t *testing.T, dir string, ref map[string]bool, used map[string]string) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		add := func(e ast.Expr, prefix string) {
			if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && s != "" {
					used[prefix+s] = fset.Position(lit.Pos()).String()
				}
			}
		}
		// keyVars holds, per function, the local variables passed as a key;
		// literals assigned to them are keys too.
		var keyVars map[string]bool
		var assigned map[string][]ast.Expr
		flush := func() {
			for name := range keyVars {
				for _, e := range assigned[name] {
					add(e, "")
				}
			}
		}
		keyArg := func(e ast.Expr) {
			if id, ok := e.(*ast.Ident); ok {
				keyVars[id.Name] = true
				return
			}
			add(e, "")
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				flush()
				keyVars, assigned = map[string]bool{}, map[string][]ast.Expr{}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Key" {
					add(n.Value, "")
				}
			case *ast.CompositeLit:
				// A map whose values are catalogue keys (notices,
				// auditFieldLabels…): every value must be a key.
				if _, ok := n.Type.(*ast.MapType); ok && isKeyMap(n, ref) {
					for _, elt := range n.Elts {
						if kv, ok := elt.(*ast.KeyValueExpr); ok {
							add(kv.Value, "")
						}
					}
				}
			case *ast.AssignStmt:
				if assigned != nil && len(n.Lhs) == len(n.Rhs) {
					for i, lhs := range n.Lhs {
						if id, ok := lhs.(*ast.Ident); ok {
							assigned[id.Name] = append(assigned[id.Name], n.Rhs[i])
						}
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fun := n.Fun.(type) {
				case *ast.Ident:
					name = fun.Name
				case *ast.SelectorExpr:
					name = fun.Sel.Name
				}
				switch {
				case (name == "T" || name == "N") && len(n.Args) >= 1 && keyVars != nil:
					keyArg(n.Args[0])
				case name == "Invalid" && len(n.Args) >= 2:
					add(n.Args[1], "")
				case name == "newPage" && len(n.Args) >= 2 && keyVars != nil:
					keyArg(n.Args[1])
				case name == "recordAudit" && len(n.Args) >= 5:
					add(n.Args[4], "audit.entity.")
				}
			}
			return true
		})
		flush()
		keyVars, assigned = nil, nil
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// catalogueKeyShape matches what a catalogue key looks like: dotted
// lower-case words.
var catalogueKeyShape = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// isKeyMap reports whether a map literal maps to catalogue keys: its values
// are all string literals shaped like keys, and at least one of them is in
// the reference catalogue. The rest must then be in it too.
func isKeyMap(lit *ast.CompositeLit, ref map[string]bool) bool {
	known := false
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return false
		}
		v, ok := kv.Value.(*ast.BasicLit)
		if !ok || v.Kind != token.STRING {
			return false
		}
		s, err := strconv.Unquote(v.Value)
		if err != nil || !catalogueKeyShape.MatchString(s) {
			return false
		}
		known = known || ref[s]
	}
	return known
}

// requireCatalogueKeys reports every used key that a language lacks.
func requireCatalogueKeys(t *testing.T, cat *catalog, used map[string]string) {
	t.Helper()
	for _, key := range sortedMessageIDs(used) {
		for _, lang := range workspace.Languages {
			if !cat.keys[lang][key] {
				t.Errorf("%s.toml lacks %q, used at %s", lang, key, used[key])
			}
		}
	}
}

// keysNotIn returns the keys of a that b lacks, sorted.
func keysNotIn(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func messagesByID(messages []*i18n.Message) map[string]*i18n.Message {
	out := map[string]*i18n.Message{}
	for _, m := range messages {
		out[m.ID] = m
	}
	return out
}

// messagePlaceholders returns the names of the {{.Name}} fields of text.
func messagePlaceholders(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range catalogPlaceholderPattern.FindAllStringSubmatch(text, -1) {
		out[m[1]] = true
	}
	return out
}

func sameKeySet(a, b map[string]bool) bool {
	return slices.Equal(sortedMessageIDs(a), sortedMessageIDs(b))
}

func sortedMessageIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// hasArabicLetter reports whether text holds at least one Arabic letter.
func hasArabicLetter(text string) bool {
	for _, r := range text {
		if unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
