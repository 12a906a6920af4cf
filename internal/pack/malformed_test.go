package pack_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/pack"
	"majordome/internal/testutil"
)

const metaYAML = "name: Test\nlanguage: fr\n"

const goodArticle = `---
type: article
title: Wi-Fi invités
tags: [wifi]
---
Voir aussi [la fuite](fuite.md).
`

const goodFuite = `---
type: article
title: Fuite d'eau
---
Coupez l'eau.
`

// files makes a pack of the good files plus extra ones (which may replace them).
func files(extra map[string]string) *pack.Source {
	all := map[string]string{"pack.yaml": metaYAML, "wifi.md": goodArticle, "fuite.md": goodFuite}
	for k, v := range extra {
		if v == "" {
			delete(all, k)
			continue
		}
		all[k] = v
	}
	src := &pack.Source{}
	for _, name := range []string{"pack.yaml", "wifi.md", "fuite.md", "onboarding.md", "sub/fuite.md", "notes.yaml", "x.md"} {
		if v, ok := all[name]; ok {
			src.Files = append(src.Files, pack.SourceFile{Path: name, Data: []byte(v)})
		}
	}
	return src
}

// TestMalformedPacks checks a bad pack is refused whole, every problem named with its file
// and line, and nothing is written.
func TestMalformedPacks(t *testing.T) {
	onboarding := func(task string) string {
		return "---\ntype: checklist\ntitle: Arrivée\nanchor: person_start\ntasks:\n  - title: Commander l'ordinateur\n" + task + "---\nLa checklist d'arrivée.\n"
	}
	cases := []struct {
		name  string
		files map[string]string
		want  []string // "where code"
	}{
		{"unknown field", map[string]string{"onboarding.md": onboarding("    offset: -10\n    unit: working\n    ownr: role:manager\n")},
			[]string{"onboarding.md:9 unknown_field"}},
		{"bad front matter", map[string]string{"wifi.md": "---\ntype: article\ntitle: [Wi-Fi\n---\nTexte\n"},
			[]string{"wifi.md:3 yaml"}},
		{"no front matter", map[string]string{"wifi.md": "# Wi-Fi\n\nTexte\n"}, []string{"wifi.md:1 no_front_matter"}},
		{"unclosed front matter", map[string]string{"wifi.md": "---\ntype: article\ntitle: Wi-Fi\n"}, []string{"wifi.md:1 no_front_matter"}},
		{"broken link", map[string]string{"fuite.md": "---\ntype: article\ntitle: Fuite\n---\nCoupez l'eau.\n\nPuis [le syndic](syndic.md).\n"},
			[]string{"fuite.md:7 broken_link"}},
		{"link to a deleted file", map[string]string{"fuite.md": ""}, []string{"wifi.md:6 broken_link"}},
		{"task article missing", map[string]string{"onboarding.md": onboarding("    offset: -10\n    unit: working\n    owner: role:manager\n    article: dpae\n")},
			[]string{"onboarding.md:10 broken_article"}},
		{"bad date", map[string]string{"fuite.md": "---\ntype: article\ntitle: Fuite\nverified_until: 31/12/2027\n---\nTexte\n"},
			[]string{"fuite.md:4 bad_date"}},
		{"bad unit and owner", map[string]string{"onboarding.md": onboarding("    offset: -10\n    unit: weeks\n    owner: role:boss\n")},
			[]string{"onboarding.md:8 bad_choice", "onboarding.md:9 bad_owner"}},
		{"bad type", map[string]string{"x.md": "---\ntype: recette\ntitle: X\n---\nTexte\n"}, []string{"x.md:2 bad_choice"}},
		{"no type", map[string]string{"x.md": "---\ntitle: X\n---\nTexte\n"}, []string{"x.md:1 required"}},
		{"not a number", map[string]string{"onboarding.md": onboarding("    offset: dix\n    unit: working\n    owner: role:manager\n")},
			[]string{"onboarding.md:7 bad_type"}},
		{"article rules", map[string]string{"x.md": "---\ntype: article\ntitle: X\nowner: pas-un-email\n---\nTexte\n"},
			[]string{"x.md:4 field"}},
		{"checklist rules", map[string]string{"onboarding.md": onboarding("    offset: -10\n    offset_end: -12\n    unit: working\n    owner: role:manager\n")},
			[]string{"onboarding.md:8 field"}},
		{"duplicate slug", map[string]string{"sub/fuite.md": goodFuite}, []string{"sub/fuite.md duplicate_slug"}},
		{"duplicate field", map[string]string{"x.md": "---\ntype: article\ntitle: X\ntitle: Y\n---\nTexte\n"}, []string{"x.md:4 duplicate_field"}},
		{"control: the good pack passes", map[string]string{"onboarding.md": "", "x.md": ""}, nil},
		{"stray yaml", map[string]string{"notes.yaml": "a: 1\n"}, []string{"notes.yaml stray_yaml"}},
		{"no pack.yaml", map[string]string{"pack.yaml": ""}, []string{" no_pack_yaml"}},
		{"pack.yaml unknown field", map[string]string{"pack.yaml": "name: X\nauthor: moi\n"}, []string{"pack.yaml:2 unknown_field"}},
		{"several files at once", map[string]string{
			"wifi.md":  "---\ntype: article\ntitle: Wi-Fi\ncolor: bleu\n---\nTexte\n",
			"fuite.md": "---\ntype: article\ntitle: Fuite\n---\n[x](nulle-part.md)\n"},
			[]string{"fuite.md:5 broken_link", "wifi.md:4 unknown_field"}},
	}
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := b.packs.Import(ctx(), files(tc.files))
				var probs pack.Problems
				if tc.want == nil {
					if err != nil {
						t.Fatal(err)
					}
					// Leave the bible empty for the next case.
					if _, err := d.W.Exec("DELETE FROM articles"); err != nil {
						t.Fatal(err)
					}
					return
				}
				if !errors.As(err, &probs) {
					t.Fatalf("want problems, got %v", err)
				}
				var got []string
				for _, p := range probs {
					got = append(got, p.Where()+" "+p.Code)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("problems %q, want %q", got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Fatalf("problems %q, want %q", got, tc.want)
					}
				}
				if n := count(t, d, "articles WHERE kind = 'article'") + count(t, d, "checklist_templates"); n != 0 {
					t.Fatalf("a refused pack wrote %d entries", n)
				}
			})
		}
	})
}

func zipOf(t *testing.T, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"demarrage/pack.yaml", "demarrage/wifi.md", "demarrage/fuite.md", "../../etc/cron.d/evil.md",
		"/abs.md", "demarrage/virus.exe", "demarrage/images/plan.png"} {
		v, ok := entries[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(v))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZip checks a zip of a pack folder imports, and a zip with a path escaping the pack
// (zip-slip) or a file of another type is refused whole.
func TestZip(t *testing.T) {
	good := map[string]string{"demarrage/pack.yaml": metaYAML, "demarrage/wifi.md": goodArticle,
		"demarrage/fuite.md": goodFuite, "demarrage/images/plan.png": "\x89PNG"}
	z := zipOf(t, good)
	src, err := pack.ReadZip(bytes.NewReader(z), int64(len(z)))
	if err != nil || len(src.Problems) > 0 || len(src.Files) != 4 || src.Files[0].Path != "fuite.md" {
		t.Fatalf("a good zip: %+v, %v", src, err)
	}
	b := newBible(t, testutil.SQLite(t))
	plan, err := b.packs.Check(ctx(), src)
	if err != nil || plan.Created != 2 || len(plan.Images) != 1 {
		t.Fatalf("plan of a good zip: %+v, %v", plan, err)
	}
	if n := count(t, b.d, "articles WHERE kind = 'article'"); n != 0 {
		t.Fatalf("a dry run wrote %d articles", n)
	}

	for name, extra := range map[string]string{"../../etc/cron.d/evil.md": goodFuite, "/abs.md": goodFuite, "demarrage/virus.exe": "MZ"} {
		entries := map[string]string{name: extra}
		for k, v := range good {
			entries[k] = v
		}
		z := zipOf(t, entries)
		src, err := pack.ReadZip(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.packs.Import(ctx(), src)
		var probs pack.Problems
		if !errors.As(err, &probs) || len(probs) != 1 || probs[0].File != strings.TrimPrefix(name, "demarrage/") {
			t.Errorf("%s: %v", name, err)
		}
		if n := count(t, b.d, "articles WHERE kind = 'article'"); n != 0 {
			t.Fatalf("%s: a refused zip wrote %d articles", name, n)
		}
	}
	if _, err := pack.ReadZip(bytes.NewReader([]byte("not a zip")), 9); !errors.Is(err, pack.ErrNotZip) {
		t.Errorf("not a zip: %v", err)
	}
}
