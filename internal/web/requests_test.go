package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"majordome/internal/auth"
	"majordome/internal/people"
	"majordome/internal/request"
)

// desk is an office with its request desk: Camille (admin), Jérôme (IT agent), Noël (finance
// agent), and Zoé and Hélène (employees), each an account whose email is a person of the
// directory, signed in with their own client.
type desk struct {
	e                           *env
	camille, jerome, noel       *client
	zoe, helene                 *client
	camilleID, jeromeID, noelID int64
	zoePerson, helenePerson     int64
	camilleV, jeromeV, noelV    request.Viewer
	categoryIDs                 map[string]int64
}

// signInUser creates an account with this email and role and returns a client signed in as it.
func (e *env) signInUser(email, name string, role auth.Role) (*client, auth.User) {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role})
	if err != nil {
		e.t.Fatal(err)
	}
	token, err := e.App.Auth.CreateLink(ctx, u.ID, auth.LinkReset, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.anonymous()
	if res := c.get("/signin/link?token=" + token); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign-in link for %s answered %d", email, res.StatusCode)
	}
	c.get("/") // read a page to learn the CSRF token
	return c, u
}

// addPerson puts someone in the directory.
func (e *env) addPerson(first, last, email string) int64 {
	e.t.Helper()
	p, err := e.App.People.Create(context.Background(), people.Input{FirstName: first, LastName: last, Email: email})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.ID
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	d := &desk{e: e, categoryIDs: map[string]int64{}}
	d.zoePerson = e.addPerson("Zoé", "Thomas", "zoe.thomas@exemple.fr")
	d.helenePerson = e.addPerson("Hélène", "Bernard", "helene.bernard@exemple.fr")
	e.addPerson("Camille", "Martin", "camille.martin@exemple.fr")
	var u auth.User
	d.camille, u = e.signInUser("camille.martin@exemple.fr", "Camille Martin", auth.Admin)
	d.camilleID = u.ID
	d.jerome, u = e.signInUser("jerome.durand@exemple.fr", "Jérôme Durand", auth.Agent)
	d.jeromeID = u.ID
	d.noel, u = e.signInUser("noel.richard@exemple.fr", "Noël Richard", auth.Agent)
	d.noelID = u.ID
	d.zoe, _ = e.signInUser("zoe.thomas@exemple.fr", "Zoé Thomas", auth.Employee)
	d.helene, _ = e.signInUser("helene.bernard@exemple.fr", "Hélène Bernard", auth.Manager)
	viewer := func(id int64, name, email string, role auth.Role) request.Viewer {
		v, err := e.App.Requests.ViewerFor(ctx, id, name, email, role)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	d.camilleV = viewer(d.camilleID, "Camille Martin", "camille.martin@exemple.fr", auth.Admin)
	d.jeromeV = viewer(d.jeromeID, "Jérôme Durand", "jerome.durand@exemple.fr", auth.Agent)
	d.noelV = viewer(d.noelID, "Noël Richard", "noel.richard@exemple.fr", auth.Agent)
	cats, err := e.App.Requests.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		d.categoryIDs[c.Name] = c.ID
	}
	return d
}

// file creates a request straight through the desk.
func (d *desk) file(title, email, category string, p request.Priority, ch request.Channel, tags ...string) request.Request {
	d.e.t.Helper()
	r, err := d.e.App.Requests.Create(context.Background(), request.NewRequest{Title: title, Description: "Détails de « " + title + " ».\nDeuxième ligne.",
		RequesterEmail: email, Category: category, Priority: p, Channel: ch, Tags: tags})
	if err != nil {
		d.e.t.Fatal(err)
	}
	return r
}

// set changes a request's status (and more) as Camille.
func (d *desk) set(n int64, ch request.Change) {
	d.e.t.Helper()
	if _, err := d.e.App.Requests.Update(context.Background(), d.camilleV, n, ch); err != nil {
		d.e.t.Fatal(err)
	}
}

func status(s request.Status) *request.Status { return &s }

// text is a page as a person reads it: entities (&#39; for apostrophes…) decoded.
func text(res response) string { return html.UnescapeString(res.Body) }

var rawKeyRe = regexp.MustCompile(`\b(desk|portal|field|error)\.[a-z_]+(\.[a-z_]+)*\b`)

// noRawKeys fails when a page shows a catalogue key instead of its translation.
func noRawKeys(t *testing.T, res response) {
	t.Helper()
	visible := regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(res.Body, " ")
	if m := rawKeyRe.FindString(visible); m != "" {
		t.Errorf("untranslated key %q on the page", m)
	}
}

var viewCountRe = regexp.MustCompile(`data-view="(\w+)"[^>]*>[^<]*<span class="nav-count">(\d+)</span>`)

// viewCounts reads the live count beside each saved view.
func viewCounts(t *testing.T, res response) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range viewCountRe.FindAllStringSubmatch(res.Body, -1) {
		out[m[1]] = m[2]
	}
	if len(out) != 5 {
		t.Fatalf("%d saved views on the page, want 5 (the done view is not counted):\n%s", len(out), res.Body)
	}
	return out
}

var queueRowRe = regexp.MustCompile(`class="row-link" href="/requests/(\d+)"`)

func rows(res response) []string {
	var out []string
	for _, m := range queueRowRe.FindAllStringSubmatch(res.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestRequestQueueViewsCountsAndFilters(t *testing.T) {
	d := newDesk(t)

	empty := d.camille.get("/requests")
	if body := text(empty); empty.StatusCode != 200 || !strings.Contains(body, "Aucune demande pour l'instant") ||
		!strings.Contains(body, d.e.App.Config.BaseURL+"/portal") || !strings.Contains(body, `href="/portal"`) {
		t.Fatalf("empty queue must teach the portal link: %d\n%s", empty.StatusCode, body)
	}

	wifi := d.file("Wi-Fi en panne salle Lyon", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Urgent, request.Web, "wifi")
	cafe := d.file("Plus de café", "helene.bernard@exemple.fr", "Fournitures", request.Low, request.Web)
	pay := d.file("Erreur sur ma fiche de paie", "zoe.thomas@exemple.fr", "RH & paie", request.Normal, request.Web)
	bulb := d.file("Ampoule grillée", "helene.bernard@exemple.fr", "Locaux & maintenance", request.Normal, request.Web)
	badge := d.file("Badge perdu", "zoe.thomas@exemple.fr", "", request.Normal, request.Slack)
	d.set(wifi.Number, request.Change{AssigneeID: &d.jeromeID})
	d.set(bulb.Number, request.Change{Status: status(request.StatusResolved)})
	d.set(badge.Number, request.Change{Status: status(request.StatusWaitingThirdParty)})

	// Camille, admin, sees everything: four active, one of them confidential and marked so.
	all := d.camille.get("/requests")
	if all.StatusCode != 200 || !strings.Contains(all.Body, "data-keyboard-list") || !strings.Contains(all.Body, `hx-get="/requests"`) {
		t.Fatalf("queue: %d", all.StatusCode)
	}
	want := map[string]string{"mine": "0", "unassigned": "3", "urgent": "1", "waiting": "1", "active": "4"}
	if got := viewCounts(t, all); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Camille's view counts %v, want %v", got, want)
	}
	if got := strings.Join(rows(all), ","); got != fmt.Sprintf("%d,%d,%d,%d", badge.Number, pay.Number, cafe.Number, wifi.Number) {
		t.Errorf("active requests listed: %s", got)
	}
	noRawKeys(t, all)
	body := text(all)
	for _, s := range []string{"Confidentiel", "Urgente", "Attend un tiers", "Jérôme Durand", "Zoé Thomas", "IT & Wi-Fi", "wifi",
		"Détails de « Wi-Fi en panne salle Lyon ». Deuxième ligne.", `aria-current="page">Toutes actives`, "à l'instant"} {
		if !strings.Contains(body, s) {
			t.Errorf("the queue does not show %q", s)
		}
	}

	// Jérôme, agent, neither sees nor counts the confidential request, and cannot open it.
	jq := d.jerome.get("/requests")
	want = map[string]string{"mine": "1", "unassigned": "2", "urgent": "1", "waiting": "1", "active": "3"}
	if got := viewCounts(t, jq); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Jérôme's view counts %v, want %v", got, want)
	}
	if strings.Contains(jq.Body, "fiche de paie") {
		t.Error("the confidential request is in another agent's queue")
	}
	for _, res := range []response{d.jerome.get(fmt.Sprintf("/requests/%d", pay.Number)),
		d.jerome.post(fmt.Sprintf("/requests/%d/replies", pay.Number), url.Values{"body": {"Je regarde"}}),
		d.jerome.post(fmt.Sprintf("/requests/%d", pay.Number), url.Values{"priority": {"urgent"}})} {
		if res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "fiche de paie") {
			t.Errorf("another agent on the confidential request: %d, want 404", res.StatusCode)
		}
	}

	for _, tc := range []struct {
		who   *client
		query string
		want  []int64
		view  string
	}{
		{d.jerome, "assignee=me", []int64{wifi.Number}, "mine"},
		{d.camille, "assignee=none", []int64{badge.Number, pay.Number, cafe.Number}, "unassigned"},
		{d.camille, "priority=urgent", []int64{wifi.Number}, "urgent"},
		{d.camille, "status=waiting", []int64{badge.Number}, "waiting"},
		{d.camille, "status=done", []int64{bulb.Number}, "done"},
		{d.camille, "status=resolved", []int64{bulb.Number}, ""},
		{d.camille, "status=all", []int64{badge.Number, bulb.Number, pay.Number, cafe.Number, wifi.Number}, ""},
		{d.camille, "channel=slack", []int64{badge.Number}, ""},
		{d.camille, "confidential=yes", []int64{pay.Number}, ""},
		{d.camille, "confidential=no&priority=low", []int64{cafe.Number}, ""},
		{d.camille, fmt.Sprintf("category=%d", d.categoryIDs["IT & Wi-Fi"]), []int64{wifi.Number}, ""},
		{d.camille, fmt.Sprintf("assignee=%d", d.jeromeID), []int64{wifi.Number}, ""},
		{d.camille, "status=nonsense", []int64{badge.Number, pay.Number, cafe.Number, wifi.Number}, "active"},
		{d.camille, "priority=high", nil, ""},
		{d.camille, "priority=whenever&channel=pigeon", []int64{badge.Number, pay.Number, cafe.Number, wifi.Number}, "active"},
	} {
		res := tc.who.get("/requests?" + tc.query)
		var want []string
		for _, n := range tc.want {
			want = append(want, fmt.Sprint(n))
		}
		if res.StatusCode != 200 || strings.Join(rows(res), ",") != strings.Join(want, ",") {
			t.Errorf("%s: %d, rows %v, want %v", tc.query, res.StatusCode, rows(res), want)
		}
		current := regexp.MustCompile(`data-view="(\w+)" aria-current="page"`).FindStringSubmatch(res.Body)
		if (tc.view == "") != (current == nil) || (current != nil && current[1] != tc.view) {
			t.Errorf("%s: current view %v, want %q", tc.query, current, tc.view)
		}
	}
	none := text(d.camille.get("/requests?priority=high"))
	if !strings.Contains(none, "Aucune demande ne correspond") || !strings.Contains(none, `href="/requests">Effacer les filtres`) {
		t.Error("an empty filtered queue must say so and offer to clear the filters")
	}
	if res := text(d.noel.get("/requests?assignee=me")); !strings.Contains(res, "Rien ne vous est assigné") {
		t.Error("an empty view must explain itself")
	}

	// htmx: only the results, with the views column out of band (counts and current view).
	hx := d.camille.getHX("/requests?status=waiting&category=&priority=&assignee=&confidential=&channel=")
	if hx.StatusCode != 200 || strings.Contains(hx.Body, "<html") || strings.Contains(hx.Body, `id="filter-status"`) ||
		!strings.Contains(hx.Body, "Badge perdu") || strings.Contains(hx.Body, "Plus de café") ||
		!strings.Contains(hx.Body, `id="queue-views" aria-label="Vues" hx-swap-oob="true"`) ||
		!strings.Contains(hx.Body, `data-view="waiting" aria-current="page"`) || hx.Header.Get("Vary") != "HX-Request" {
		t.Fatalf("htmx fragment: %d\n%s", hx.StatusCode, hx.Body)
	}
	if full := d.camille.getHX("/requests", "HX-History-Restore-Request", "true"); !strings.Contains(full.Body, "<html") {
		t.Error("a history restore needs the whole page")
	}
}

// TestRequestQueuePages walks a view made of two statuses across pages: nothing twice,
// nothing missed, newest first.
func TestRequestQueuePages(t *testing.T) {
	d := newDesk(t)
	var want []string
	for i := range 61 {
		r := d.file(fmt.Sprintf("Demande %02d", i), "zoe.thomas@exemple.fr", "", request.Normal, request.Web)
		st := request.StatusWaitingRequester
		if i%3 == 0 {
			st = request.StatusWaitingThirdParty
		}
		d.set(r.Number, request.Change{Status: &st})
		want = append([]string{fmt.Sprint(r.Number)}, want...)
	}
	d.file("Active, pas en attente", "zoe.thomas@exemple.fr", "", request.Normal, request.Web)

	nextRe := regexp.MustCompile(`href="(/requests\?[^"]*cursor=[^"]+)" rel="next"`)
	var got []string
	path := "/requests?status=waiting"
	for page := 0; path != ""; page++ {
		res := d.camille.get(path)
		if page == 0 && !strings.Contains(res.Body, `<span class="nav-count">61</span>`) {
			t.Error("the waiting view does not count 61")
		}
		got = append(got, rows(res)...)
		path = ""
		if m := nextRe.FindStringSubmatch(res.Body); m != nil {
			path = html.UnescapeString(m[1])
		}
		if page > 3 {
			t.Fatal("endless pages")
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("pages listed\n%v\nwant\n%v", got, want)
	}
}

func TestRequestPagePropertiesRepliesAndNotes(t *testing.T) {
	d := newDesk(t)
	wifi := d.file("Wi-Fi en panne salle Lyon", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	page := fmt.Sprintf("/requests/%d", wifi.Number)

	res := d.camille.get(page)
	body := text(res)
	if res.StatusCode != 200 {
		t.Fatalf("request page: %d", res.StatusCode)
	}
	for _, s := range []string{"Wi-Fi en panne salle Lyon", "Nouvelle", "Normale", "Zoé Thomas", "zoe.thomas@exemple.fr",
		"Détails de « Wi-Fi en panne salle Lyon ».<br>\nDeuxième ligne.", "a créé la demande via le portail", `data-shortcut="e"`,
		`data-shortcut="r"`, `data-shortcut="n"`, `id="desk-shortcuts"`, `<time datetime="`} {
		if !strings.Contains(body, s) {
			t.Errorf("the request page does not show %q", s)
		}
	}
	noRawKeys(t, res)
	if !regexp.MustCompile(`<option value="`+fmt.Sprint(d.jeromeID)+`"[^>]*>Jérôme Durand</option>`).MatchString(body) ||
		!strings.Contains(body, ">Camille Martin (moi)</option>") {
		t.Error("the assignee list must offer the agents, the reader marked as such")
	}
	if res := d.camille.get("/requests/999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown request: %d", res.StatusCode)
	}
	if res := d.camille.get("/requests/abc"); res.StatusCode != http.StatusNotFound {
		t.Errorf("malformed number: %d", res.StatusCode)
	}

	// Every property at once.
	form := url.Values{"status": {"open"}, "priority": {"high"}, "category": {"Locaux & maintenance"},
		"assignee": {fmt.Sprint(d.jeromeID)}, "confidential": {"0"}, "tags": {"Wi-Fi, salle Lyon"}, "due_date": {"15/03/2027"}}
	if res := d.camille.post(page, form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
		t.Fatalf("save properties: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	got, _ := d.e.App.Requests.Get(context.Background(), d.camilleV, wifi.Number)
	if got.Status != request.StatusOpen || got.Priority != request.High || got.Category != "Locaux & maintenance" ||
		got.AssigneeID != d.jeromeID || got.DueDate != "2027-03-15" || strings.Join(got.Tags, ",") != "salle-lyon,wi-fi" || got.Confidential {
		t.Fatalf("saved: %+v", got)
	}
	body = text(d.camille.get(page))
	for _, s := range []string{"C'est enregistré.", "a changé la priorité", "Normale</del> → <ins>Haute", "a changé l'échéance",
		"15/03/2027", "a changé le responsable", "<ins>Jérôme Durand</ins>", `value="salle-lyon, wi-fi"`} {
		if !strings.Contains(body, s) {
			t.Errorf("after saving, the page does not show %q", s)
		}
	}

	// Mistakes: 422, each field named, what was typed kept, nothing saved.
	bad := url.Values{"priority": {"low"}, "due_date": {"31/02/2027"}, "assignee": {"99999"}, "tags": {"garde, celle-ci"}}
	res = d.camille.post(page, bad)
	body = text(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "« 31/02/2027 » n'est pas une date valide") ||
		!strings.Contains(body, "Ce responsable n'est pas un agent actif.") || !strings.Contains(body, `value="garde, celle-ci"`) ||
		!strings.Contains(body, `<option value="low" selected>`) || !strings.Contains(body, "Quelques champs sont à corriger") {
		t.Fatalf("bad properties: %d\n%s", res.StatusCode, body)
	}
	if again, _ := d.e.App.Requests.Get(context.Background(), d.camilleV, wifi.Number); again.Priority != request.High {
		t.Fatal("a form with mistakes saved something")
	}

	// Replies and notes, visually distinct; the requester never sees the note.
	if res := d.jerome.post(page+"/replies", url.Values{"mode": {"public"}, "body": {"Je passe en salle Lyon à 14 h.\nGardez le routeur branché."}}); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), page+"#m-") {
		t.Fatalf("reply: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := d.jerome.post(page+"/replies", url.Values{"mode": {"internal"}, "body": {"La borne du 2e est à redémarrer."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("note: %d", res.StatusCode)
	}
	body = text(d.jerome.get(page))
	reply := regexp.MustCompile(`(?s)<article class="desk-msg" id="m-\d+">.*?Je passe en salle Lyon à 14 h.<br>\nGardez le routeur branché.</p>`)
	note := regexp.MustCompile(`(?s)<article class="desk-msg is-note" id="m-\d+">.*?Note interne.*?La borne du 2e est à redémarrer.</p>`)
	if !reply.MatchString(body) || !note.MatchString(body) || !strings.Contains(body, "Note ajoutée : seule l'équipe la voit.") {
		t.Fatalf("the conversation does not tell the reply from the note:\n%s", body)
	}
	zoe := text(d.zoe.get(fmt.Sprintf("/portal/%d", wifi.Number)))
	if !strings.Contains(zoe, "Je passe en salle Lyon") || strings.Contains(zoe, "La borne du 2e") || strings.Contains(zoe, "Note interne") {
		t.Fatal("the requester must see the reply and never the note")
	}

	// An empty message: 422, the box still in note mode.
	res = d.camille.post(page+"/replies", url.Values{"mode": {"internal"}, "body": {"  "}})
	body = text(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Message est obligatoire.") ||
		!strings.Contains(body, `value="internal" checked`) {
		t.Fatalf("empty reply: %d", res.StatusCode)
	}

	// "e" resolves: only the status changes.
	if res := d.camille.post(page, url.Values{"status": {"resolved"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d", res.StatusCode)
	}
	got, _ = d.e.App.Requests.Get(context.Background(), d.camilleV, wifi.Number)
	if got.Status != request.StatusResolved || got.Priority != request.High || got.AssigneeID != d.jeromeID || got.DueDate != "2027-03-15" {
		t.Fatalf("resolving changed more than the status: %+v", got)
	}
	body = text(d.camille.get(page))
	if !strings.Contains(body, fmt.Sprintf("#%d est résolue", wifi.Number)) || strings.Contains(body, `data-shortcut="e"`) {
		t.Error("after resolving: the message, and no more resolve button")
	}
	// A resolved request offers only the statuses it may take.
	if strings.Contains(body, `<option value="new"`) || strings.Contains(body, `<option value="waiting_requester"`) ||
		!strings.Contains(body, `<option value="closed"`) || !strings.Contains(body, `<option value="open"`) {
		t.Error("the status list offers a transition the desk refuses")
	}

	// A status it cannot take (a stale page): said clearly, nothing changed.
	d.set(wifi.Number, request.Change{Status: status(request.StatusClosed)})
	res = d.camille.post(page, url.Values{"status": {"open"}, "priority": {"urgent"}})
	body = text(res)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Une demande « Fermée » ne peut pas passer à « En cours »") {
		t.Fatalf("invalid transition: %d\n%s", res.StatusCode, body)
	}
	if got, _ := d.e.App.Requests.Get(context.Background(), d.camilleV, wifi.Number); got.Status != request.StatusClosed || got.Priority != request.High {
		t.Fatalf("a refused change saved something: %+v", got)
	}
	// A closed request takes no more replies: the box is gone, and a late post is told why.
	if body := text(d.camille.get(page)); strings.Contains(body, `id="reply-body"`) || !strings.Contains(body, "Cette demande est fermée") {
		t.Error("a closed request still offers the reply box")
	}
	res = d.camille.post(page+"/replies", url.Values{"body": {"Encore un mot"}})
	if follow := text(d.camille.get(page)); res.StatusCode != http.StatusSeeOther || !strings.Contains(follow, "votre message n'a pas été envoyé") {
		t.Errorf("reply to a closed request: %d", res.StatusCode)
	}
}

func TestEmployeesCannotWorkTheDesk(t *testing.T) {
	d := newDesk(t)
	wifi := d.file("Wi-Fi en panne", "zoe.thomas@exemple.fr", "", request.Normal, request.Web)
	for _, c := range []*client{d.zoe, d.helene} {
		for _, res := range []response{c.get("/requests"), c.get(fmt.Sprintf("/requests/%d", wifi.Number)),
			c.post(fmt.Sprintf("/requests/%d", wifi.Number), url.Values{"status": {"resolved"}}),
			c.post(fmt.Sprintf("/requests/%d/replies", wifi.Number), url.Values{"body": {"x"}, "mode": {"internal"}})} {
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("an employee or manager on the desk: %d, want 403", res.StatusCode)
			}
		}
		home := c.get("/")
		if strings.Contains(home.Body, `href="/requests"`) || !strings.Contains(home.Body, `href="/portal" aria-current="page"`) {
			t.Error("the sidebar of an employee or manager: no queue, the portal as home")
		}
	}
	if got, _ := d.e.App.Requests.Get(context.Background(), d.camilleV, wifi.Number); got.Status != request.StatusNew {
		t.Fatal("an employee changed a request")
	}
	admin := d.camille.get("/")
	if !strings.Contains(admin.Body, `href="/requests" data-shortcut="g d"`) || !strings.Contains(admin.Body, `href="/portal"`) ||
		!strings.Contains(admin.Body, "Bonjour Camille") {
		t.Error("an admin's home: Aujourd'hui, with the queue and the portal in the sidebar")
	}
}

func TestRequestQueueSearch(t *testing.T) {
	d := newDesk(t)
	elec := d.file("Électricité coupée salle B", "helene.bernard@exemple.fr", "", request.Normal, request.Web)
	d.file("Fuite d'eau dans la cuisine", "zoe.thomas@exemple.fr", "", request.Urgent, request.Web)
	pay := d.file("Électricité : prime sur ma paie", "zoe.thomas@exemple.fr", "RH & paie", request.Normal, request.Web)
	page := d.camille.get("/requests?q=electricite")
	if got := rows(page); len(got) != 2 || !strings.Contains(page.Body, `value="electricite"`) {
		t.Fatalf("admin search: %v", got)
	}
	got := rows(d.jerome.get("/requests?q=ELECTRICITE"))
	if len(got) != 1 || got[0] != strconv.FormatInt(elec.Number, 10) {
		t.Fatalf("another agent must not find the confidential request #%d: %v", pay.Number, got)
	}
	if got := rows(d.camille.get("/requests?q=cuisine&priority=low")); len(got) != 0 {
		t.Fatalf("filters still apply to a search: %v", got)
	}
}
