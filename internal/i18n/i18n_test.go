package i18n

import (
	"testing"
	"testing/fstest"
	"time"

	"majordome/internal/valid"
)

func TestEmbeddedCataloguesAreComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) < 20 {
		t.Fatalf("only %d keys", len(c.Keys()))
	}
}

func TestMissingTranslationFailsLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/fr/a.json": {Data: []byte(`{"x": "X", "y": "Y"}`)},
		"locales/en/a.json": {Data: []byte(`{"x": "X"}`)},
	}
	if _, err := load(fsys); err == nil {
		t.Fatal("a key missing in English must fail")
	}
}

func TestT(t *testing.T) {
	c, _ := Load()
	got := c.FieldError("fr", valid.FieldError{Field: "last_name", Code: "too_long", Params: map[string]string{"max": "100"}})
	if got != "Nom est trop long (100 caractères au plus)." {
		t.Fatalf("got %q", got)
	}
	if got := c.FieldError("en", valid.FieldError{Field: "email", Code: "weird"}); got != "Email is not valid." {
		t.Fatalf("unknown code: %q", got)
	}
	if c.T("fr", "no.such.key") != "no.such.key" {
		t.Fatal("unknown key")
	}
	plural := &Catalog{msgs: map[string]map[string]string{"fr": {"p.one": "{n} personne", "p.other": "{n} personnes"}, "en": {"p.one": "{n} person", "p.other": "{n} people"}}}
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{{"fr", 0, "0 personne"}, {"fr", 2, "2 personnes"}, {"en", 0, "0 people"}, {"en", 1, "1 person"}} {
		if got := plural.T(tc.lang, "p", "n", tc.n); got != tc.want {
			t.Errorf("%s %d: %q", tc.lang, tc.n, got)
		}
	}
}

func TestFormats(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	ts := time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)
	if Date(ts, paris) != "23/11/2026" || DateTime(ts, paris) != "23/11/2026 00:30" {
		t.Fatalf("%s %s", Date(ts, paris), DateTime(ts, paris))
	}
	if Number("fr", 2000) != "2\u202f000" || Number("en", 1234567) != "1,234,567" || Number("fr", -12) != "-12" {
		t.Fatal(Number("fr", 2000), Number("en", 1234567))
	}
	if Match("en-GB,en;q=0.9") != "en" || Match("de-DE") != "" || Match("fr-FR,fr") != "fr" ||
		Match("en;q=0.1, fr") != "fr" || Match("fr-CA") != "fr" || Match("") != "" {
		t.Fatal("Match")
	}
}
