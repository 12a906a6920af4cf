package pack

import (
	"testing"

	"majordome/internal/i18n"
)

func TestLinks(t *testing.T) {
	known := slugKinds{articles: map[string]bool{"dpae": true, "wifi": true}, checklists: map[string]bool{"arrivee": true}}
	md := "Voir [la DPAE](dpae.md), [l'arrivée](./arrivee.md#taches) et [le site](https://exemple.fr/x.md).\n\n" +
		"```\n[pas un lien](nulle-part.md)\n```\n\n[wifi]: wifi.md\n[x](Mauvais Nom.md) [y](absent.md)"
	var broken []string
	got := toInstance(md, known, func(line int, name string) { broken = append(broken, name) })
	want := "Voir [la DPAE](/bible/dpae), [l'arrivée](/bible/checklists/arrivee#taches) et [le site](https://exemple.fr/x.md).\n\n" +
		"```\n[pas un lien](nulle-part.md)\n```\n\n[wifi]: /bible/wifi\n[x](Mauvais Nom.md) [y](absent.md)"
	if got != want {
		t.Fatalf("to the instance:\n%s\nwant\n%s", got, want)
	}
	if len(broken) != 1 || broken[0] != "absent.md" {
		t.Errorf("broken: %q", broken)
	}
	// And back, except the page that is not exported.
	back := toPack(got+" [z](/bible/ailleurs)", known)
	if back != "Voir [la DPAE](dpae.md), [l'arrivée](arrivee.md#taches) et [le site](https://exemple.fr/x.md).\n\n"+
		"```\n[pas un lien](nulle-part.md)\n```\n\n[wifi]: wifi.md\n[x](Mauvais Nom.md) [y](absent.md) [z](/bible/ailleurs)" {
		t.Fatalf("back to the pack:\n%s", back)
	}
}

// TestProblemWords checks every problem has its words in both languages.
func TestProblemWords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes {
		if !cat.Has("packs.problem." + c) {
			t.Errorf("no words for %s", c)
		}
	}
	p := Problem{File: "onboarding.md", Line: 7, Code: "unknown_field", Params: map[string]string{"field": "ownr"}}
	if got := Describe(cat, "fr", p); got != "onboarding.md:7: champ inconnu « ownr »." {
		t.Errorf("fr: %q", got)
	}
}
