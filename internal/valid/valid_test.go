package valid

import "testing"

func TestIsEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"camille.martin@exemple.fr": true, "a+b@x.io": true,
		"helene.bernard(at)exemple.fr": false, "Camille <c@x.fr>": false, "c@x": false, "": false, "c@x.fr.": false, "a b@x.fr": false,
	} {
		if IsEmail(s) != want {
			t.Errorf("IsEmail(%q) = %v, want %v", s, !want, want)
		}
	}
}

func TestErrors(t *testing.T) {
	var e Errors
	if e.Err() != nil {
		t.Fatal("no failures must give a nil error")
	}
	e.Required("email", " ")
	e.MaxLen("last_name", "ééé", 2)
	if len(e) != 2 || !e.Has("email") || e[1].Params["max"] != "2" || e.Err() == nil {
		t.Fatalf("unexpected %#v", e)
	}
}
