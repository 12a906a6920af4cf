package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"majordome/internal/announce"
	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

// office is a company for the announcement pages: Camille (admin) and Jérôme (agent) write;
// Zoé (Produit, Lyon), Hélène (Produit, Paris) and Hugo (Ops, Paris) receive; Zoé also signs
// in as an employee.
type office struct {
	e                    *env
	camille, jerome, zoe *client
	person               map[string]int64 // first name → person id
}

func newOffice(t *testing.T) *office {
	t.Helper()
	e := newEnv(t)
	o := &office{e: e, person: map[string]int64{}}
	for _, p := range []people.Input{
		{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@exemple.fr", Team: "Produit", Site: "Lyon"},
		{FirstName: "Hélène", LastName: "Bernard", Email: "helene.bernard@exemple.fr", Team: "Produit", Site: "Paris"},
		{FirstName: "Hugo", LastName: "Petit", Email: "hugo.petit@exemple.fr", Team: "Ops", Site: "Paris"},
		{FirstName: "Presta", LastName: "Nettoyage", Email: "contact@presta.fr", External: true},
	} {
		got, err := e.App.People.Create(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		o.person[p.FirstName] = got.ID
	}
	o.camille, _ = e.signInUser("camille.martin@exemple.fr", "Camille Martin", auth.Admin)
	o.jerome, _ = e.signInUser("jerome.durand@exemple.fr", "Jérôme Durand", auth.Agent)
	o.zoe, _ = e.signInUser("zoe.thomas@exemple.fr", "Zoé Thomas", auth.Employee)
	return o
}

// compose is a valid composer form: to team Produit, on the portal, read receipt asked, now.
func compose(title string, extra url.Values) url.Values {
	f := url.Values{"title": {title}, "body": {"Rendez-vous **dans la cour** à 10 h."}, "teams": {"Produit"},
		"channels": {"portal"}, "importance": {"important"}, "ack_required": {"1"}, "when": {"now"}, "action": {"send"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// send composes and sends an announcement as c and returns its id.
func (o *office) send(c *client, f url.Values) int64 {
	o.e.t.Helper()
	res := c.post("/announcements", f)
	if res.StatusCode != http.StatusSeeOther {
		o.e.t.Fatalf("compose answered %d: %s", res.StatusCode, text(res))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/announcements/"), 10, 64)
	if err != nil {
		o.e.t.Fatalf("compose went to %q", res.Header.Get("Location"))
	}
	return id
}

func (o *office) get(id int64) announce.Announcement {
	o.e.t.Helper()
	a, err := o.e.App.Announce.Get(context.Background(), id)
	if err != nil {
		o.e.t.Fatal(err)
	}
	return a
}

var announceKeyRe = regexp.MustCompile(`\b(announcecompose|field|error)\.[a-z_]+(\.[a-z_]+)*\b`)

// noAnnounceKeys fails when a page shows a catalogue key instead of its translation.
func noAnnounceKeys(t *testing.T, res response) {
	t.Helper()
	visible := regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(res.Body, " ")
	if m := announceKeyRe.FindString(visible); m != "" {
		t.Errorf("untranslated key %q on the page", m)
	}
}

func TestComposerKeepsWhatWasTypedThenSends(t *testing.T) {
	o := newOffice(t)

	list := o.camille.get("/announcements")
	if list.StatusCode != http.StatusOK || !strings.Contains(text(list), "Aucune annonce pour l'instant") ||
		!strings.Contains(list.Body, `href="/announcements/new" data-shortcut="n"`) {
		t.Fatalf("the empty history: %d %s", list.StatusCode, text(list))
	}
	if !strings.Contains(list.Body, `href="/announcements" data-shortcut="g a"`) {
		t.Error("the sidebar has no Annonces entry for an admin")
	}
	page := o.camille.get("/announcements/new")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `<option value="Produit">Produit (2)</option>`) ||
		!strings.Contains(page.Body, `<option value="Lyon">Lyon (1)</option>`) {
		t.Fatalf("the composer: %d %s", page.StatusCode, page.Body)
	}
	noAnnounceKeys(t, page)

	// Errors are said next to their field, and nothing typed is lost.
	res := o.camille.post("/announcements", compose("", url.Values{"when": {"later"}, "sites": {"Paris"},
		"people": {"hugo.petit@exemple.fr"}, "body": {"Jeudi **10 h**"}}))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a form with errors answered %d", res.StatusCode)
	}
	for _, want := range []string{`id="e-title"`, `id="e-send_at"`, "Jeudi **10 h**</textarea>", `<option value="Produit" selected>`,
		`<option value="Paris" selected>`, "hugo.petit@exemple.fr</textarea>", `value="portal" checked`, `value="important" checked`,
		"<strong>10 h</strong>", // the preview of what was typed
		"3 destinataires",       // and the live count of the audience as typed
	} {
		if !strings.Contains(text(res), want) {
			t.Errorf("the form with errors lacks %q", want)
		}
	}
	noAnnounceKeys(t, res)
	res = o.camille.post("/announcements", compose("Exercice", url.Values{"teams": {"Inconnue"}}))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `class="field has-error"`) {
		t.Errorf("an unknown team: %d", res.StatusCode)
	}
	if n, _, _ := o.e.App.Announce.List(context.Background(), "", 10); len(n) != 0 {
		t.Fatalf("a refused form saved %d announcements", len(n))
	}

	// Sent: the flash says to how many, the page shows it as sent.
	id := o.send(o.camille, compose("Exercice d'évacuation", nil))
	page = o.camille.get(fmt.Sprintf("/announcements/%d", id))
	for _, want := range []string{"part vers 2 personnes", "Exercice d'évacuation", "<strong>dans la cour</strong>", "Envoyée", "Important",
		"équipe Produit", "Portail", "Zoé Thomas", "Hélène Bernard"} {
		if !strings.Contains(text(page), want) {
			t.Errorf("the announcement's page lacks %q", want)
		}
	}
	if strings.Contains(text(page), "Hugo Petit") {
		t.Error("Hugo (Ops) is among the recipients of an announcement to Produit")
	}
	noAnnounceKeys(t, page)
	a := o.get(id)
	if a.Counts.Recipients != 2 || a.Importance != announce.Important || !a.AckRequired || a.Audience.Teams[0] != "Produit" {
		t.Errorf("stored: %+v", a)
	}
	list = o.camille.get("/announcements")
	if !strings.Contains(text(list), "Exercice d'évacuation") || !strings.Contains(text(list), "2 destinataires") ||
		!strings.Contains(list.Body, `<meter class="reports-bar" min="0" max="100" value="0"`) {
		t.Errorf("the history: %s", text(list))
	}
}

func TestComposerLiveCountAndPreviewFragments(t *testing.T) {
	o := newOffice(t)
	count := func(q string) string {
		t.Helper()
		req := htmxGet(o.e.URL + "/announcements/count?" + q)
		res := o.camille.do(req)
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<html") {
			t.Fatalf("count %s: %d %s", q, res.StatusCode, res.Body)
		}
		return strings.Join(strings.Fields(text(res)), " ")
	}
	for q, want := range map[string]string{
		"teams=Produit":                  "2 destinataires",
		"teams=Produit&sites=Paris":      "3 destinataires", // Hélène is in both: once
		"sites=Lyon":                     "1 destinataire",
		"people=hugo.petit%40exemple.fr": "1 destinataire",
		"everyone=1":                     "3 destinataires", // not the external contact
		"":                               "Choisissez à qui l'envoyer.",
		"teams=Inconnue":                 "Inconnue",
		"teams=Ops&people=zoe.thomas%40exemple.fr": "2 destinataires",
	} {
		if got := count(q); !strings.Contains(got, want) {
			t.Errorf("count %q = %q, want %q", q, got, want)
		}
	}

	res := o.camille.post("/announcements/preview", url.Values{"title": {"Wi-Fi invités"}, "body": {"Le code : **Soleil42**"},
		"importance": {"action"}, "ack_required": {"1"}, "ack_date": {"2099-12-24"}, "ack_time": {"12:00"}})
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<html") {
		t.Fatalf("preview: %d %s", res.StatusCode, res.Body)
	}
	for _, want := range []string{`data-panel="slack"`, `data-panel="email"`, `data-panel="portal"`, "<strong>Soleil42</strong>",
		"[Action requise] Wi-Fi invités", "J'ai lu", "24/12/2099 12:00"} {
		if !strings.Contains(text(res), want) {
			t.Errorf("the preview lacks %q: %s", want, res.Body)
		}
	}
	res = o.camille.post("/announcements/preview", url.Values{"body": {`<script>alert(1)</script>ok`}})
	if strings.Contains(res.Body, "<script>") {
		t.Error("the preview lets a script through")
	}
}

func TestComposerScheduleEditCancelAndDraft(t *testing.T) {
	o := newOffice(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	day := time.Now().In(paris).AddDate(0, 0, 3).Format("2006-01-02")
	id := o.send(o.camille, compose("Bureau fermé le 26", url.Values{"when": {"later"}, "send_date": {day}, "send_time": {"08:30"}}))
	a := o.get(id)
	want := time.Date(0, 1, 1, 8, 30, 0, 0, paris)
	if a.Status != announce.StatusScheduled || a.SendAt == nil || a.SendAt.In(paris).Format("2006-01-02 15:04") != day+" "+want.Format("15:04") {
		t.Fatalf("scheduled: %s %v", a.Status, a.SendAt)
	}
	page := o.camille.get(fmt.Sprintf("/announcements/%d", id))
	if !strings.Contains(text(page), "partira le") || !strings.Contains(text(page), "Programmée") ||
		!strings.Contains(page.Body, fmt.Sprintf(`action="/announcements/cancel/%d"`, id)) || strings.Contains(page.Body, "/export/") {
		t.Errorf("the scheduled announcement's page: %s", text(page))
	}

	// Edited before it goes: the form is filled with what was saved, the change is kept.
	edit := o.camille.get(fmt.Sprintf("/announcements/edit/%d", id))
	if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, `value="`+day+`"`) || !strings.Contains(edit.Body, `value="08:30"`) ||
		!strings.Contains(edit.Body, `<option value="Produit" selected>`) || !strings.Contains(edit.Body, `value="later" checked`) {
		t.Fatalf("the edit form: %d %s", edit.StatusCode, edit.Body)
	}
	res := o.camille.post(fmt.Sprintf("/announcements/%d", id), compose("Bureau fermé le 26 décembre",
		url.Values{"when": {"later"}, "send_date": {day}, "send_time": {"09:00"}, "sites": {"Paris"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit answered %d: %s", res.StatusCode, text(res))
	}
	a = o.get(id)
	if a.Title != "Bureau fermé le 26 décembre" || a.Status != announce.StatusScheduled || len(a.Audience.Sites) != 1 ||
		a.SendAt.In(paris).Format("15:04") != "09:00" || a.Version != 1 {
		t.Errorf("after the edit: %+v", a)
	}

	// Cancelled: it will not go; the history says so; it cannot be edited any more.
	res = o.camille.post(fmt.Sprintf("/announcements/cancel/%d", id), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel answered %d", res.StatusCode)
	}
	if a = o.get(id); a.Status != announce.StatusCancelled {
		t.Errorf("after cancel: %s", a.Status)
	}
	page = o.camille.get(fmt.Sprintf("/announcements/%d", id))
	if !strings.Contains(text(page), "est annulée") || strings.Contains(page.Body, "/announcements/edit/") {
		t.Errorf("the cancelled announcement's page: %s", text(page))
	}
	if res := o.camille.get(fmt.Sprintf("/announcements/edit/%d", id)); res.StatusCode != http.StatusNotFound {
		t.Errorf("editing a cancelled announcement answered %d", res.StatusCode)
	}

	// A sent one cannot be cancelled: the page says why.
	sent := o.send(o.camille, compose("Nouveau code Wi-Fi", nil))
	o.camille.post(fmt.Sprintf("/announcements/cancel/%d", sent), nil)
	if page := o.camille.get(fmt.Sprintf("/announcements/%d", sent)); !strings.Contains(text(page), "Trop tard pour l'annuler") {
		t.Errorf("cancelling a sent announcement: %s", text(page))
	}
	if a := o.get(sent); a.Status == announce.StatusCancelled {
		t.Error("a sent announcement was cancelled")
	}

	// A draft is kept without going, even planned for a date not chosen yet, and goes when sent.
	draft := o.send(o.camille, url.Values{"title": {"Séminaire"}, "body": {"À venir"}, "channels": {"portal"}, "teams": {"Ops"},
		"when": {"later"}, "action": {"draft"}})
	if a := o.get(draft); a.Status != announce.StatusDraft || a.Counts.Recipients != 0 {
		t.Fatalf("the draft: %+v", a)
	}
	o.camille.get(fmt.Sprintf("/announcements/%d", draft))
	res = o.camille.post(fmt.Sprintf("/announcements/%d", draft), compose("Séminaire", url.Values{"teams": {"Ops"}}))
	if a := o.get(draft); res.StatusCode != http.StatusSeeOther || a.Status == announce.StatusDraft || a.Counts.Recipients != 1 {
		t.Errorf("the draft sent: %d %+v", res.StatusCode, a)
	}
}

func TestComposerCorrectionAfterSending(t *testing.T) {
	o := newOffice(t)
	id := o.send(o.jerome, compose("Coupure d'eau", url.Values{"body": {"Mardi de 9 h à 11 h."}}))
	edit := o.jerome.get(fmt.Sprintf("/announcements/edit/%d", id))
	if edit.StatusCode != http.StatusOK || !strings.Contains(text(edit), "Cette annonce est déjà partie") ||
		strings.Contains(edit.Body, `name="teams"`) || strings.Contains(edit.Body, `name="when"`) || !strings.Contains(text(edit), "équipe Produit") {
		t.Fatalf("the correction form: %d %s", edit.StatusCode, text(edit))
	}
	res := o.jerome.post(fmt.Sprintf("/announcements/%d", id), url.Values{"title": {"Coupure d'eau"}, "body": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-body"`) {
		t.Errorf("an empty correction: %d", res.StatusCode)
	}
	res = o.jerome.post(fmt.Sprintf("/announcements/%d", id), url.Values{"title": {"Coupure d'eau"}, "body": {"Mardi de 9 h à **midi**."},
		"teams": {"Ops"}}) // the audience cannot change now: ignored
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the correction answered %d: %s", res.StatusCode, text(res))
	}
	a := o.get(id)
	if a.Version != 2 || a.Body != "Mardi de 9 h à **midi**." || a.Audience.Teams[0] != "Produit" || a.Counts.Recipients != 2 {
		t.Errorf("after the correction: %+v", a)
	}
	page := o.jerome.get(fmt.Sprintf("/announcements/%d", id))
	if !strings.Contains(text(page), "Correction enregistrée") || !strings.Contains(page.Body, "<strong>midi</strong>") || !strings.Contains(page.Body, ">v2<") {
		t.Errorf("the corrected page: %s", text(page))
	}
}

func TestComposerAnnouncementPageBreakdownsRemindExport(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	box := o.mailbox()
	id := o.send(o.camille, compose("Charte télétravail", url.Values{"sites": {"Paris"}, "importance": {"action"},
		"channels": {"portal", "email"}}))
	// Sent by email, not only shown on the portal (which counts as sent at once): only those
	// an email reached can be reminded.
	o.until("the emails are sent", func() bool {
		list, _, err := o.e.App.Announce.Recipients(ctx, id, announce.RecipientFilter{})
		if err != nil || len(list) != 3 {
			return false
		}
		for _, r := range list {
			if r.Channels["email"] != "sent" {
				return false
			}
		}
		return true
	})
	if err := o.e.App.Announce.Acknowledge(ctx, id, o.person["Zoé"], announce.ChannelPortal); err != nil {
		t.Fatal(err)
	}

	page := o.camille.get(fmt.Sprintf("/announcements/%d", id))
	body := strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(text(page), " ")), " ")
	for _, want := range []string{
		"Produit 1 sur 2", "Ops 0 sur 1", // per team
		"Lyon 1 sur 1", "Paris 0 sur 2", // per site
		"Relancer les 2 personnes qui n'ont pas confirmé", `data-acknowledged="1"`, "33 %",
	} {
		if !strings.Contains(body, want) && !strings.Contains(page.Body, want) {
			t.Errorf("the announcement's page lacks %q", want)
		}
	}

	// The recipients' filters answer htmx with the table only.
	frag := func(q string) string {
		t.Helper()
		res := o.camille.do(htmxGet(fmt.Sprintf("%s/announcements/%d?%s", o.e.URL, id, q)))
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<html") {
			t.Fatalf("recipients %s: %d", q, res.StatusCode)
		}
		return text(res)
	}
	for q, want := range map[string][]string{
		"state=pending":      {"Hélène Bernard", "Hugo Petit"},
		"state=acknowledged": {"Zoé Thomas"},
		"q=hugo":             {"Hugo Petit"},
		"site=0&team=0":      {"Zoé Thomas", "Hélène Bernard", "Hugo Petit"},
	} {
		got := frag(q)
		for _, name := range []string{"Zoé Thomas", "Hélène Bernard", "Hugo Petit"} {
			if strings.Contains(got, name) != contains(want, name) {
				t.Errorf("recipients %s: %s shown = %v", q, name, strings.Contains(got, name))
			}
		}
	}

	// Remind: only those who have not acknowledged.
	res := o.camille.post(fmt.Sprintf("/announcements/remind/%d", id), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remind answered %d", res.StatusCode)
	}
	if page := o.camille.get(fmt.Sprintf("/announcements/%d", id)); !strings.Contains(text(page), "2 personnes relancées") {
		t.Errorf("after remind: %s", text(page))
	}
	o.until("the reminders go", func() bool { return len(box.remindedTo()) == 2 })
	if got := box.remindedTo(); got[o.person["Zoé"]] || !got[o.person["Hélène"]] || !got[o.person["Hugo"]] {
		t.Errorf("reminded %v; Zoé is %d", got, o.person["Zoé"])
	}

	// The proof, as files.
	csv := o.camille.get(fmt.Sprintf("/announcements/export/%d", id))
	if csv.StatusCode != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		csv.Header.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename=annonce-%d-accuses.csv`, id) ||
		!strings.Contains(csv.Body, "zoe.thomas@exemple.fr") || !strings.Contains(csv.Body, "hugo.petit@exemple.fr") {
		t.Errorf("the CSV: %d %v %q", csv.StatusCode, csv.Header, csv.Body)
	}
	xlsx := o.camille.get(fmt.Sprintf("/announcements/export/%d?format=xlsx", id))
	if xlsx.StatusCode != http.StatusOK || xlsx.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.HasSuffix(xlsx.Header.Get("Content-Disposition"), ".xlsx") || !strings.HasPrefix(xlsx.Body, "PK") {
		t.Errorf("the XLSX: %d %v", xlsx.StatusCode, xlsx.Header)
	}
}

// mailbox is the email channel for the tests: it records who received an announcement and who
// was reminded, and works the job queue so that the fan-out runs.
type mailbox struct {
	mu       sync.Mutex
	sent     map[int64]int
	reminded map[int64]bool
	hold     chan struct{} // when set, each delivery waits for it to close
}

func (o *office) mailbox() *mailbox { return o.heldMailbox(nil) }

// heldMailbox is a mailbox whose deliveries wait until hold closes (nil: none wait).
func (o *office) heldMailbox(hold chan struct{}) *mailbox {
	m := &mailbox{sent: map[int64]int{}, reminded: map[int64]bool{}, hold: hold}
	o.e.App.Announce.AddDeliverer(m)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = o.e.App.Jobs.Run(ctx) }()
	o.e.t.Cleanup(func() { stop(); <-done })
	return m
}

func (m *mailbox) Channel() string     { return announce.ChannelEmail }
func (m *mailbox) Rate() announce.Rate { return announce.Rate{N: 1000, Per: time.Second} }
func (m *mailbox) Deliver(ctx context.Context, a announce.Announcement, r announce.Recipient) (string, error) {
	if m.hold != nil {
		select {
		case <-m.hold:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent[r.PersonID]++
	return fmt.Sprintf("<%d.%d@test>", a.ID, r.PersonID), nil
}
func (m *mailbox) Correct(context.Context, announce.Announcement, announce.Recipient, string) error {
	return nil
}
func (m *mailbox) Remind(_ context.Context, _ announce.Announcement, r announce.Recipient) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reminded[r.PersonID] = true
	return nil
}
func (m *mailbox) remindedTo() map[int64]bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.reminded)
}

// until polls cond (the job queue works in the background).
func (o *office) until(what string, cond func() bool) {
	o.e.t.Helper()
	testutil.Eventually(o.e.t, what, cond)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestComposerTemplatesFromTheBible(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	for _, a := range []article.Article{
		{Title: "Exercice incendie", Body: "Sortez par l'escalier **B**."},
		{Title: "Brouillon secret", Body: "x", Status: article.StatusDraft},
		{Title: "Accès coffre (admins)", Body: "Le code du coffre est 1234.", Audience: article.AudienceAdmins},
	} {
		if _, err := o.e.App.Articles.Create(ctx, article.Viewer{Name: "Camille", Role: auth.Admin}, a); err != nil {
			t.Fatal(err)
		}
	}
	page := o.jerome.get("/announcements/new")
	if !strings.Contains(text(page), "Exercice incendie") {
		t.Fatalf("the picker lacks the published article: %s", text(page))
	}
	if strings.Contains(text(page), "Brouillon secret") || strings.Contains(text(page), "Accès coffre") {
		t.Error("the picker offers a draft or an article the agent may not read")
	}
	m := regexp.MustCompile(`<option value="(\d+)">Exercice incendie</option>`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no option for the article")
	}
	res := o.jerome.post("/announcements/template", url.Values{"template": {m[1]}, "title": {"à remplacer"}, "teams": {"Ops"},
		"channels": {"portal"}, "importance": {"action"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `value="Exercice incendie"`) ||
		!strings.Contains(text(res), "Sortez par l'escalier **B**.</textarea>") || !strings.Contains(res.Body, `<option value="Ops" selected>`) ||
		!strings.Contains(res.Body, `value="action" checked`) {
		t.Errorf("the template filled: %d %s", res.StatusCode, res.Body)
	}
}

func TestComposerPagesAreForAgentsAndAdmins(t *testing.T) {
	o := newOffice(t)
	id := o.send(o.camille, compose("Réservé au bureau", nil))
	for _, path := range []string{"/announcements", "/announcements/new", fmt.Sprintf("/announcements/%d", id),
		fmt.Sprintf("/announcements/edit/%d", id), fmt.Sprintf("/announcements/export/%d", id), "/announcements/count?everyone=1"} {
		if res := o.zoe.get(path); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "Réservé au bureau") ||
			strings.Contains(res.Body, "hugo.petit@exemple.fr") {
			t.Errorf("an employee GET %s: %d", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/announcements", fmt.Sprintf("/announcements/%d", id), fmt.Sprintf("/announcements/remind/%d", id),
		fmt.Sprintf("/announcements/cancel/%d", id), "/announcements/preview", "/announcements/template"} {
		if res := o.zoe.post(path, compose("Piratée", nil)); res.StatusCode != http.StatusForbidden {
			t.Errorf("an employee POST %s: %d", path, res.StatusCode)
		}
	}
	if a := o.get(id); a.Title != "Réservé au bureau" || a.Status == announce.StatusCancelled {
		t.Errorf("an employee changed the announcement: %+v", a)
	}
	if list, _, _ := o.e.App.Announce.List(context.Background(), "", 10); len(list) != 1 {
		t.Errorf("an employee created announcements: %d", len(list))
	}
	if home := o.zoe.get("/"); strings.Contains(home.Body, `href="/announcements"`) {
		t.Error("the sidebar offers Annonces to an employee")
	}
	for _, path := range []string{"/announcements/999999", "/announcements/edit/999999", "/announcements/export/999999", "/announcements/abc"} {
		if res := o.camille.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
}

func TestComposerAttachmentsStayThroughAnEdit(t *testing.T) {
	o := newOffice(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	day := time.Now().In(paris).AddDate(0, 0, 2).Format("2006-01-02")
	res := o.camille.postFiles("/announcements", compose("Plan d'évacuation", url.Values{"when": {"later"}, "send_date": {day}}),
		upload{name: "plan.pdf", data: pdfBytes})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("compose with a file answered %d: %s", res.StatusCode, text(res))
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/announcements/"), 10, 64)
	a := o.get(id)
	if len(a.Files) != 1 || a.Files[0].Name != "plan.pdf" {
		t.Fatalf("the files: %+v", a.Files)
	}
	link := fmt.Sprintf("/announcements/%d/files/%d", id, a.Files[0].ID)
	if page := o.camille.get(fmt.Sprintf("/announcements/%d", id)); !strings.Contains(page.Body, `href="`+link+`"`) {
		t.Errorf("the page does not link the file %s", link)
	}
	if f := o.camille.get(link); f.StatusCode != http.StatusOK || f.Body != string(pdfBytes) {
		t.Errorf("the file: %d", f.StatusCode)
	}
	if f := o.zoe.get(link); f.StatusCode != http.StatusForbidden {
		t.Errorf("an employee got the office's file link: %d", f.StatusCode)
	}

	// An edit keeps the file and adds the new one; a refused file says why, next to the input.
	res = o.camille.postFiles(fmt.Sprintf("/announcements/%d", id), compose("Plan d'évacuation", url.Values{"when": {"later"}, "send_date": {day}}),
		upload{name: "virus.exe", data: []byte("MZ\x90\x00")})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "virus.exe") {
		t.Errorf("a refused file: %d", res.StatusCode)
	}
	res = o.camille.postFiles(fmt.Sprintf("/announcements/%d", id), compose("Plan d'évacuation", url.Values{"when": {"later"}, "send_date": {day}}),
		upload{name: "salle.png", data: pngBytes})
	if a := o.get(id); res.StatusCode != http.StatusSeeOther || len(a.Files) != 2 {
		t.Errorf("after the edit: %d %+v", res.StatusCode, a.Files)
	}
}

func TestComposerSpeaksEnglish(t *testing.T) {
	o := newOffice(t)
	id := o.send(o.camille, compose("Fire drill", nil))
	o.camille.post("/me/language", url.Values{"language": {"en"}, "next": {"/announcements"}})
	for path, want := range map[string]string{
		"/announcements":                          "New announcement",
		"/announcements/new":                      "Read receipt",
		fmt.Sprintf("/announcements/%d", id):      "Read and confirmed",
		fmt.Sprintf("/announcements/edit/%d", id): "This announcement has already gone out",
	} {
		page := o.camille.get(path)
		if page.StatusCode != http.StatusOK || !strings.Contains(text(page), want) {
			t.Errorf("%s in English lacks %q", path, want)
		}
		noAnnounceKeys(t, page)
	}
}

// Remind says why nobody was reminded: the messages are still going out, or those who have not
// confirmed only got it on the portal, or everyone has confirmed.
func TestAnnouncementRemindSaysWhyNobodyWasReminded(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	hold := make(chan struct{})
	o.heldMailbox(hold)
	flash := func(id int64) string {
		t.Helper()
		if res := o.camille.post(fmt.Sprintf("/announcements/remind/%d", id), nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remind answered %d", res.StatusCode)
		}
		return text(o.camille.get(fmt.Sprintf("/announcements/%d", id)))
	}
	byEmail := o.send(o.camille, compose("Charte télétravail", url.Values{"channels": {"portal", "email"}}))
	if got := flash(byEmail); !strings.Contains(got, "Elle part encore") {
		t.Errorf("while the emails wait: %s", got)
	}
	close(hold)
	portalOnly := o.send(o.camille, compose("Exercice incendie", nil))
	if got := flash(portalOnly); !strings.Contains(got, "ne l'ont reçue que sur le portail") {
		t.Errorf("portal only: %s", got)
	}
	for _, name := range []string{"Zoé", "Hélène"} {
		if err := o.e.App.Announce.Acknowledge(ctx, portalOnly, o.person[name], announce.ChannelPortal); err != nil {
			t.Fatal(err)
		}
	}
	if got := flash(portalOnly); !strings.Contains(got, "Tout le monde a déjà confirmé") {
		t.Errorf("everyone confirmed: %s", got)
	}
}
