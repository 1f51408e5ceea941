package search

import (
	"testing"
	"unicode/utf8"
)

// normalizeCases are the texts Normalize is checked on, with their
// normalised form; TestNormalizeIdempotent and TestNormalizeKeepsWords
// reuse them.
var normalizeCases = []struct {
	name, text, want string
}{
	// French
	{"FrenchAccent", "élève", "eleve"},
	{"FrenchCapitals", "ÉLÈVE Élève", "eleve eleve"},
	{"FrenchCedilla", "Garçon reçu", "garcon recu"},
	{"FrenchOE", "Œuvre, cœur", "oeuvre, coeur"},
	{"FrenchAE", "Lætitia Cæsar", "laetitia caesar"},
	{"FrenchDiaeresisCircumflex", "Noël naïve où âge être île hôte sûr ÿ", "noel naive ou age etre ile hote sur y"},
	{"FrenchDecomposed", "e\u0301le\u0300ve", "eleve"},
	{"FrenchApostrophe", "l'État civil d’Mahdia", "l'etat civil d’mahdia"},
	{"LatinLigature", "ﬁche ĳssel", "fiche ijssel"},
	{"SharpS", "Straße", "strasse"},
	{"DottedCapitalI", "İzmir", "izmir"},
	{"FullWidth", "ＰＲＯＣ２０２６", "proc2026"},
	{"SoftHyphenJoins", "ré\u00ADgion", "region"},
	{"ASCII", "Hello, World-2026!", "hello, world-2026!"},

	// Arabic
	{"ArabicHarakat", "مُهَاجِر", "مهاجر"},
	{"ArabicShaddaTanwin", "مُتَعَدِّدٌ كِتَابًا", "متعدد كتابا"},
	{"ArabicSukun", "مَكْتَب", "مكتب"},
	{"ArabicSuperscriptAlef", "هٰذا", "هذا"},
	{"ArabicHamzaAbove", "أحمد", "احمد"},
	{"ArabicHamzaBelow", "إسلام", "اسلام"},
	{"ArabicMadda", "آمن", "امن"},
	{"ArabicAlefWasla", "ٱلرحمن", "الرحمن"},
	{"ArabicHamzaOnWaw", "مسؤول", "مسوول"},
	{"ArabicHamzaOnYa", "رئيس", "رييس"},
	{"ArabicBareHamzaKept", "ماء", "ماء"},
	{"ArabicAlefMaqsura", "مصطفى على", "مصطفي علي"},
	{"ArabicPersianYeh", "علی", "علي"},
	{"ArabicTaMarbuta", "الهجرة", "الهجره"},
	{"ArabicTatweel", "الهـــجـرة", "الهجره"},
	{"ArabicPresentationForms", "\uFEE3\uFEEC\uFE8E\uFE9F\uFEAE", "مهاجر"},
	{"ArabicLamAlefLigature", "\uFEFB", "لا"},
	{"ArabicLigatureExpands", "\uFDFA", "صلي الله عليه وسلم"},
	{"ArabicIndicDigits", "٢٠٢٦", "2026"},
	{"ExtendedArabicIndicDigits", "۱۴۰۵", "1405"},
	{"ArabicPunctuationKept", "نعم، لا؛ لماذا؟", "نعم، لا؛ لماذا؟"},
	{"ArabicFullyVowelled", "الإِجْرَاءُ المُشْتَرَكُ لِلْمُهَاجِرِينَ العَائِدِينَ", "الاجراء المشترك للمهاجرين العايدين"},

	// Mixed scripts
	{"Mixed", "Procédure PROC-2026-003 : الإجراء المشترك رقم ٣", "procedure proc-2026-003 : الاجراء المشترك رقم 3"},
	{"MixedBidiMarks", "\u200Fمرحبا\u200E Élève \u2067نعم\u2069", "مرحبا eleve نعم"},
	{"InvalidUTF8", "a\xffb é", "a\uFFFDb e"},
	{"Empty", "", ""},
}

func TestNormalize(t *testing.T) {
	for _, tc := range normalizeCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize(tc.text); got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

// TestNormalizeIdempotent checks that normalising twice changes nothing,
// so that a term of Terms (already normalised) is the same word for
// Snippet, which normalises terms again.
func TestNormalizeIdempotent(t *testing.T) {
	for _, tc := range normalizeCases {
		t.Run(tc.name, func(t *testing.T) {
			once := Normalize(tc.text)
			if twice := Normalize(once); twice != once {
				t.Errorf("Normalize(Normalize(%q)) = %q, want %q", tc.text, twice, once)
			}
			if !utf8.ValidString(once) {
				t.Errorf("Normalize(%q) = %q, not valid UTF-8", tc.text, once)
			}
		})
	}
}

// TestNormalizeKeepsWords checks that the normalised text has as many
// words, for FTS5's tokenizer, as the original has for Snippet (a word
// with its marks), except where Normalize says it changes them: a
// compatibility character that expands into several words.
func TestNormalizeKeepsWords(t *testing.T) {
	for _, tc := range normalizeCases {
		if tc.name == "ArabicLigatureExpands" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			words := 0
			for _, s := range segments(tc.text, nil) {
				if s.word {
					words++
				}
			}
			if got := len(tokens(Normalize(tc.text))); got != words {
				t.Errorf("Normalize(%q) has %d words, want %d", tc.text, got, words)
			}
		})
	}
}
