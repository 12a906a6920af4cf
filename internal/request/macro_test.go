package request_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

func TestMacros(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		names := func(v request.Viewer) []string {
			t.Helper()
			ms, err := o.desk.Macros(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, m.Name)
			}
			return out
		}
		defaults := names(o.jerome)
		if !slices.Equal(defaults, []string{"Bien reçu", "Besoin de précisions", "En attente du prestataire", "Demande résolue"}) {
			t.Fatalf("the French defaults, in order: %q", defaults)
		}
		if _, err := o.desk.Macros(ctx, o.zoe); !errors.Is(err, request.ErrForbidden) {
			t.Errorf("an employee reads the desk's macros: %v", err)
		}
		if _, err := o.desk.SaveMacro(ctx, o.zoe, 0, request.MacroInput{Name: "x", Body: "y", Shared: true}); !errors.Is(err, request.ErrForbidden) {
			t.Errorf("an employee writes a macro: %v", err)
		}

		_, err := o.desk.SaveMacro(ctx, o.jerome, 0, request.MacroInput{Name: "  ", Body: strings.Repeat("x", 20001)})
		if got := fieldCodes(err); got["name"] != "required" || got["body"] != "too_long" {
			t.Errorf("validation: %v", err)
		}
		wifi, err := o.desk.SaveMacro(ctx, o.jerome, 0, request.MacroInput{Name: " Wi-Fi   invités ", Body: "Le code est {{code}}.\r\n", Shared: true})
		if err != nil || wifi.Name != "Wi-Fi invités" || wifi.Body != "Le code est {{code}}." || !wifi.Shared || wifi.Position <= 4 {
			t.Fatalf("create shared: %+v %v", wifi, err)
		}
		mine, err := o.desk.SaveMacro(ctx, o.jerome, 0, request.MacroInput{Name: "Ma signature", Body: "Jérôme, IT"})
		if err != nil || mine.Shared || mine.OwnerID != o.jerome.UserID {
			t.Fatalf("create personal: %+v %v", mine, err)
		}
		if got := names(o.noel); slices.Contains(got, "Ma signature") || !slices.Contains(got, "Wi-Fi invités") {
			t.Errorf("Noël sees the shared macro, not Jérôme's own: %q", got)
		}
		if _, err := o.desk.SaveMacro(ctx, o.noel, mine.ID, request.MacroInput{Name: "Volée", Body: "x"}); !errors.Is(err, request.ErrMacroNotFound) {
			t.Errorf("another agent edits a personal macro: %v", err)
		}
		if err := o.desk.DeleteMacro(ctx, o.noel, mine.ID); !errors.Is(err, request.ErrMacroNotFound) {
			t.Errorf("another agent deletes a personal macro: %v", err)
		}
		edited, err := o.desk.SaveMacro(ctx, o.noel, wifi.ID, request.MacroInput{Name: "Wi-Fi invités", Body: "Réseau « Invités », code {{code}}.", Shared: true})
		if err != nil || edited.Body != "Réseau « Invités », code {{code}}." || edited.ID != wifi.ID {
			t.Fatalf("any agent edits a shared macro: %+v %v", edited, err)
		}
		if err := o.desk.DeleteMacro(ctx, o.noel, wifi.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Macro(ctx, o.jerome, wifi.ID); !errors.Is(err, request.ErrMacroNotFound) {
			t.Errorf("a deleted macro: %v", err)
		}
		for action, want := range map[string]int{"macro.create": 2, "macro.update": 1, "macro.delete": 1} {
			entries, _, err := o.log.List(ctx, audit.Filter{Action: action})
			if err != nil || len(entries) != want {
				t.Errorf("%s: %d audit entries, want %d (%v)", action, len(entries), want, err)
			}
		}
	})
}

func TestExpand(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		r, err := o.desk.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: "zoe@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := o.desk.Expand(ctx, "Bonjour {{prenom}} {{ NOM }},\nvotre demande {{numéro}} « {{Titre}} » est suivie par {{agent}}. Code : {{code}}, {{code}}. {{}} {prenom}", r, o.jerome)
		if err != nil {
			t.Fatal(err)
		}
		want := "Bonjour Zoé Test,\nvotre demande #1001 « Badge perdu » est suivie par Jérôme. Code : {{code}}, {{code}}. {{}} {prenom}"
		if e.Text != want || !slices.Equal(e.Unknown, []string{"{{code}}"}) {
			t.Errorf("got %q, unknown %q\nwant %q", e.Text, e.Unknown, want)
		}
		ms, _ := o.desk.Macros(ctx, o.jerome)
		for _, m := range ms {
			e, err := o.desk.Expand(ctx, m.Body, r, o.jerome)
			if err != nil || len(e.Unknown) != 0 || strings.Contains(e.Text, "{{") || !strings.Contains(e.Text, "Zoé") {
				t.Errorf("default macro %q expands to %q (unknown %q, %v)", m.Name, e.Text, e.Unknown, err)
			}
		}
	})
}
