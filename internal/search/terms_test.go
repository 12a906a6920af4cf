package search

import (
	"slices"
	"strings"
	"testing"

	"majordome/internal/fold"
)

func TestIndexWords(t *testing.T) {
	for in, want := range map[string]string{
		"Wi-Fi invités en panne":            "wi fi wifi invite en panne",
		"Plus d'eau chaude au 3ème étage":   "plu d eau chaude au 3eme etage",
		"Électricité COUPÉE — salle B":      "electricite coupee salle b",
		"porte-à-faux, e-mail; -x- bureaux": "porte a fau porteafau e mail email x bureau",
		"Œuvres ß":                          "oeuvre ss",
		"process bus prix jeux":             "process bus prix jeu",
		"id " + strings.Repeat("a", 65):     "id",
		"":                                  "",
	} {
		if got := indexWords(in); got != want {
			t.Errorf("indexWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in     string
		words  []string
		prefix bool
		fts5   string
		tsq    string
	}{
		{"impri", []string{"impri"}, true, `"impri"*`, `'impri':*`},
		{"Eau chaude ", []string{"eau", "chaude"}, false, `"eau" AND "chaude"`, `'eau' & 'chaude'`},
		{"wi-fi", []string{"wifi"}, true, `"wifi"*`, `'wifi':*`},
		{`"Wi-Fi" (3e étage)`, []string{"wifi", "3e", "etage"}, false, `"wifi" AND "3e" AND "etage"`, `'wifi' & '3e' & 'etage'`},
		{"fuites d'eau", []string{"fuite", "eau"}, true, `"fuite" AND "eau"*`, `'fuite' & 'eau':*`},
		{"salle de", []string{"salle", "de"}, true, `"salle" AND "de"*`, `'salle' & 'de':*`}, // "de" may become "demande"
		{"salle de ", []string{"salle"}, false, `"salle"`, `'salle'`},
		{"de la ", []string{"de", "la"}, false, `"de" AND "la"`, `'de' & 'la'`}, // only stop words
		{"NEAR OR not", []string{"near", "or", "not"}, true, `"near" AND "or" AND "not"*`, `'near' & 'or' & 'not':*`},
		{"eau eau", []string{"eau", "eau"}, true, `"eau" AND "eau"*`, `'eau' & 'eau':*`},
		{"eau eau.", []string{"eau"}, false, `"eau"`, `'eau'`},
		{"eau " + strings.Repeat("x", 80), []string{"eau"}, false, `"eau"`, `'eau'`},
		{`"():*-`, nil, false, ``, ``},
		{"eau c", []string{"eau"}, false, `"eau"`, `'eau'`}, // one letter typed is no word yet
		{"fuite d", []string{"fuite"}, false, `"fuite"`, `'fuite'`},
		{"B", []string{"b"}, false, `"b"`, `'b'`},
		{"ch", []string{"ch"}, true, `"ch"*`, `'ch':*`},
	} {
		q := parseQuery(tc.in)
		if !slices.Equal(q.words, tc.words) || q.prefix != tc.prefix || q.fts5() != tc.fts5 || q.tsquery() != tc.tsq {
			t.Errorf("parseQuery(%q) = %q %v %s %s", tc.in, q.words, q.prefix, q.fts5(), q.tsquery())
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Bla bla sans rapport. ", 30)
	for _, tc := range []struct{ body, query, want string }{
		{"Le Wi-Fi du 2e ne marche plus.", "wifi", "Le \x02Wi-Fi\x03 du 2e ne marche plus."},
		{"Le Wi-Fi du 2e ne marche plus.", "fi ", "Le Wi-\x02Fi\x03 du 2e ne marche plus."},
		{"ÉLECTRICITÉ\n\n  coupée", "electri", "\x02ÉLECTRICITÉ\x03 coupée"},
		{"Des fuites, une fuite.", "fuite ", "Des \x02fuites\x03, une \x02fuite\x03."},
		{"a\x02b\x03c eau", "eau", "a b c \x02eau\x03"},
		{"Rien ici.", "eau", "Rien ici."},
		{long + "Enfin : plus d'eau chaude au 3e étage. " + long, "eau chaude",
			"… Bla bla sans rapport. Bla bla sans rapport. Enfin : plus d'\x02eau\x03 \x02chaude\x03 au 3e étage. Bla bla sans rapport. Bla bla sans rapport. Bla bla sans rapport. Bla bla sans rapport. Bla bla sans rapport. Bla bla sans rapport. Bla …"},
		// Words past the first 64 KiB are not looked for.
		{"Début. " + strings.Repeat("x ", 40<<10) + "eau", "eau", "Début. " + strings.Repeat("x ", 106) + "…"},
		// The window with both words wins over the first lone one.
		{"eau " + long + "eau chaude", "eau chaude", "… sans rapport. Bla bla sans rapport. Bla bla sans rapport. \x02eau\x03 \x02chaude\x03"},
	} {
		if got := snippet(tc.body, parseQuery(tc.query)); got != tc.want {
			t.Errorf("snippet(%.30q, %q)\n got %q\nwant %q", tc.body, tc.query, got, tc.want)
		}
	}
}

func TestSegments(t *testing.T) {
	got := Segments("Une \x02fuite\x03 <b>d'eau\x02\x03 \x02chaude")
	want := []Segment{{"Une ", false}, {"fuite", true}, {" <b>d'eau", false}, {"", true}, {" ", false}, {"chaude", true}}
	if !slices.Equal(got, want) {
		t.Errorf("Segments = %+v", got)
	}
	if Segments("") != nil {
		t.Error("Segments of nothing")
	}
}

func TestFoldWordIsFoldKey(t *testing.T) {
	for r := rune(0); r < 0x2000; r++ {
		if !isWordRune(r) {
			continue
		}
		if w := string(r) + "a" + string(r); foldWord(w) != fold.Key(w) {
			t.Errorf("foldWord(%q) = %q, fold.Key = %q", w, foldWord(w), fold.Key(w))
		}
	}
	for _, w := range []string{"Électricité", "e\u0301te\u0301", "ŒUVRE", "Straße", "İstanbul", "Ærø", "ĳssel", "Ωmega", "日本語"} {
		if foldWord(w) != fold.Key(w) {
			t.Errorf("foldWord(%q) = %q, fold.Key = %q", w, foldWord(w), fold.Key(w))
		}
	}
}
