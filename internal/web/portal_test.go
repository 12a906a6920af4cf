package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"majordome/internal/auth"
	"majordome/internal/request"
)

// TestPortalFileFollowAndRate walks Zoé's side: she asks from her home page, follows her
// request, answers the team, and says whether it is sorted once it is resolved.
func TestPortalFileFollowAndRate(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()

	home := d.zoe.get("/")
	body := text(home)
	if home.StatusCode != 200 || !strings.Contains(body, "De quoi avez-vous besoin ?") || !strings.Contains(body, `action="/portal"`) ||
		!strings.Contains(body, "Vous n'avez encore rien demandé") || !strings.Contains(body, "RH & paie · Confidentiel") {
		t.Fatalf("Zoé's home must be the portal: %d\n%s", home.StatusCode, body)
	}
	noRawKeys(t, home)

	// A title is needed; what she typed stays.
	res := d.zoe.post("/portal", url.Values{"title": {" "}, "description": {"Depuis ce matin."}, "category": {"IT & Wi-Fi"}})
	body = text(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Titre est obligatoire.") ||
		!strings.Contains(body, "Depuis ce matin.</textarea>") || !strings.Contains(body, `<option value="IT & Wi-Fi" selected>`) {
		t.Fatalf("no title: %d\n%s", res.StatusCode, body)
	}

	res = d.zoe.post("/portal", url.Values{"title": {"Le Wi-Fi coupe en salle Lyon"}, "description": {"Depuis ce matin.\nToutes les 5 minutes."},
		"category": {"IT & Wi-Fi"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/portal/") {
		t.Fatalf("file: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := res.Header.Get("Location")
	var n int64
	fmt.Sscanf(page, "/portal/%d", &n)
	r, err := d.e.App.Requests.Get(ctx, d.camilleV, n)
	if err != nil || r.RequesterID != d.zoePerson || r.Channel != request.Web || r.Category != "IT & Wi-Fi" || r.Description != "Depuis ce matin.\nToutes les 5 minutes." {
		t.Fatalf("filed: %+v %v", r, err)
	}
	body = text(d.zoe.get(page))
	for _, s := range []string{"C'est noté, l'équipe s'en occupe.", "Le Wi-Fi coupe en salle Lyon", "Reçue", "Depuis ce matin.<br>\nToutes les 5 minutes.",
		"Votre demande est bien arrivée"} {
		if !strings.Contains(body, s) {
			t.Errorf("her request's page does not show %q", s)
		}
	}
	if strings.Contains(body, "C'est réglé ?") {
		t.Error("nothing to rate before the request is resolved")
	}
	mine := text(d.zoe.get("/portal"))
	if !strings.Contains(mine, fmt.Sprintf(`href="/portal/%d">Le Wi-Fi coupe en salle Lyon</a>`, n)) || !strings.Contains(mine, "Reçue") {
		t.Fatal("“Mes demandes” does not list her request with its status in words")
	}

	// Camille takes it, answers, and leaves a note; Zoé sees who is on it and the answer only.
	d.set(n, request.Change{AssigneeID: &d.camilleID})
	if _, err := d.e.App.Requests.Reply(ctx, d.camilleV, n, "Je relance le prestataire.", false, request.Web); err != nil {
		t.Fatal(err)
	}
	if _, err := d.e.App.Requests.Reply(ctx, d.camilleV, n, "Contrat Wi-Fi : préavis de 3 mois.", true, request.Web); err != nil {
		t.Fatal(err)
	}
	body = text(d.zoe.get(page))
	if !strings.Contains(body, "Camille Martin s'en occupe.") || !strings.Contains(body, "Je relance le prestataire.") ||
		strings.Contains(body, "préavis") || !strings.Contains(body, "En cours") {
		t.Fatalf("following her request:\n%s", body)
	}

	// She answers; an empty message is refused with the box kept.
	if res := d.zoe.post(page+"/replies", url.Values{"body": {""}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(text(res), "Message est obligatoire.") {
		t.Fatalf("empty reply: %d", res.StatusCode)
	}
	if res := d.zoe.post(page+"/replies", url.Values{"body": {"Merci !"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", res.StatusCode)
	}
	if body := text(d.zoe.get(page)); !strings.Contains(body, "Message envoyé à l'équipe.") || !strings.Contains(body, "Merci !") {
		t.Fatal("her reply is not on the page")
	}
	msgs, _ := d.e.App.Requests.Conversation(ctx, d.camilleV, r)
	if last := msgs[len(msgs)-1]; last.Body != "Merci !" || last.AuthorPersonID != d.zoePerson || last.Internal {
		t.Fatalf("her reply was stored as %+v", last)
	}

	// Rating before resolution is refused kindly.
	res = d.zoe.post(page+"/rating", url.Values{"score": {"1"}})
	if follow := text(d.zoe.get(page)); res.StatusCode != http.StatusSeeOther || !strings.Contains(follow, "une fois la demande réglée") {
		t.Fatalf("early rating: %d", res.StatusCode)
	}

	// Resolved: "C'est réglé ?" with 👍 / 👎 and a comment.
	d.set(n, request.Change{Status: status(request.StatusResolved)})
	body = text(d.zoe.get(page))
	if !strings.Contains(body, "C'est réglé ?") || !strings.Contains(body, `name="score" value="1"`) || !strings.Contains(body, `name="score" value="-1"`) ||
		!strings.Contains(body, "Réglée") {
		t.Fatalf("resolved request without a rating:\n%s", body)
	}
	long := strings.Repeat("a", 2001)
	if res := d.zoe.post(page+"/rating", url.Values{"score": {"1"}, "comment": {long}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, long) {
		t.Fatalf("too long a comment: %d", res.StatusCode)
	}
	if res := d.zoe.post(page+"/rating", url.Values{"score": {"1"}, "comment": {"Rapide, merci Camille"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rate: %d", res.StatusCode)
	}
	body = text(d.zoe.get(page))
	if !strings.Contains(body, "Merci ! Ravis que ce soit réglé.") || !strings.Contains(body, "Vous avez dit que c'était réglé") ||
		strings.Contains(body, "C'est réglé ?") {
		t.Fatal("after rating: thanks, and no second vote")
	}
	if r, _ = d.e.App.Requests.Get(ctx, d.camilleV, n); r.Satisfaction != 1 || r.SatisfactionNote != "Rapide, merci Camille" {
		t.Fatalf("rating stored as %d %q", r.Satisfaction, r.SatisfactionNote)
	}
	if desk := text(d.camille.get(fmt.Sprintf("/requests/%d", n))); !strings.Contains(desk, "a répondu 👍") || !strings.Contains(desk, "« Rapide, merci Camille »") {
		t.Error("the desk does not show the requester's verdict")
	}

	// Still broken after all: her message reopens it.
	if res := d.zoe.post(page+"/replies", url.Values{"body": {"Ça recoupe."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply after resolution: %d", res.StatusCode)
	}
	if body := text(d.zoe.get(page)); !strings.Contains(body, "C'est rouvert") {
		t.Error("reopening is not said")
	}
	if r, _ = d.e.App.Requests.Get(ctx, d.camilleV, n); r.Status != request.StatusOpen {
		t.Fatalf("status after her reply: %s", r.Status)
	}
}

// TestPortalIsOnlyOnesOwn checks that the portal shows one's own requests only.
func TestPortalIsOnlyOnesOwn(t *testing.T) {
	d := newDesk(t)
	hers := d.file("Plus de café", "helene.bernard@exemple.fr", "", request.Normal, request.Web)
	page := fmt.Sprintf("/portal/%d", hers.Number)
	if res := d.zoe.get(page); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "Plus de café") {
		t.Errorf("someone else's request in the portal: %d", res.StatusCode)
	}
	for _, path := range []string{page + "/replies", page + "/rating"} {
		if res := d.zoe.post(path, url.Values{"body": {"x"}, "score": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s on someone else's request: %d", path, res.StatusCode)
		}
	}
	if strings.Contains(d.zoe.get("/portal").Body, "Plus de café") {
		t.Error("someone else's request in “Mes demandes”")
	}
	// An agent following a portal link to a request not theirs lands on the desk's page.
	if res := d.jerome.get(page); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/requests/%d", hers.Number) {
		t.Errorf("agent on someone else's portal page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := d.zoe.get("/portal/999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown request: %d", res.StatusCode)
	}
}

// TestPortalForAgents checks that an agent files and follows their own requests like anyone,
// without the team's notes.
func TestPortalForAgents(t *testing.T) {
	d := newDesk(t)
	d.e.addPerson("Jérôme", "Durand", "jerome.durand@exemple.fr")
	res := d.jerome.post("/portal", url.Values{"title": {"Écran à changer"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("agent files: %d\n%s", res.StatusCode, text(res))
	}
	page := res.Header.Get("Location")
	var n int64
	fmt.Sscanf(page, "/portal/%d", &n)
	if _, err := d.e.App.Requests.Reply(context.Background(), d.camilleV, n, "Budget à valider d'abord.", true, request.Web); err != nil {
		t.Fatal(err)
	}
	body := text(d.jerome.get(page))
	if !strings.Contains(body, "Écran à changer") || strings.Contains(body, "Budget à valider") {
		t.Fatal("an agent's own request in the portal must not show the team's notes")
	}
	if !strings.Contains(text(d.jerome.get("/portal")), "Écran à changer") {
		t.Fatal("an agent's own requests are in their “Mes demandes”")
	}
}

// TestPortalAccountNotInDirectory: an account whose email is nobody in the directory is told
// what to do instead of meeting an error.
func TestPortalAccountNotInDirectory(t *testing.T) {
	d := newDesk(t)
	stranger, _ := d.e.signInUser("nouvelle.recrue@exemple.fr", "Nouvelle Recrue", auth.Employee)
	msg := "Votre compte n'est pas encore dans l'annuaire : demandez à votre Office Manager de vous ajouter"
	home := text(stranger.get("/portal"))
	if !strings.Contains(home, msg) || !strings.Contains(home, "nouvelle.recrue@exemple.fr") || strings.Contains(home, `action="/portal"`) {
		t.Fatalf("portal of an account outside the directory:\n%s", home)
	}
	res := stranger.post("/portal", url.Values{"title": {"Un badge"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), msg) {
		t.Fatalf("filing from outside the directory: %d", res.StatusCode)
	}
	if n, _ := d.e.App.Requests.Count(context.Background(), d.camilleV, request.Filter{}); n != 0 {
		t.Fatalf("%d requests filed from outside the directory", n)
	}
	// An admin in the same case is told to add themselves.
	boss, _ := d.e.signInUser("patron@exemple.fr", "Le Patron", auth.Admin)
	if body := text(boss.get("/portal")); !strings.Contains(body, "ajoutez-vous dans Personnes") || !strings.Contains(body, `href="/people/new"`) {
		t.Fatal("an admin outside the directory is told to add themselves")
	}
}
