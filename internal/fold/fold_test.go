package fold

import "testing"

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"  Zoé   THOMAS ": "zoe thomas", "Hélène": "helene", "Gaëlle": "gaelle", "François": "francois",
		"Œuvre Cœur": "oeuvre coeur", "Équipe\tProduit": "equipe produit", "": "",
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}
