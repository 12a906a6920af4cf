package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
)

// TestBrowserFollowMergedRequest is a merge as the duplicate's requester lives it: Hugo and Zoé
// both report the broken coffee machine; Camille merges Zoé's request into Hugo's from the
// request page and answers there with the technician's report attached. Zoé, on her portal,
// finds « Demandes que vous suivez », opens Hugo's request by its number, reads the team's
// reply and downloads its file, and never reads what Hugo wrote; her own request sends her there.
func TestBrowserFollowMergedRequest(t *testing.T) {
	om := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	ctx := context.Background()
	d := followDB(t, in)
	dir := people.New(d, audit.New(d))
	for _, p := range []people.Input{
		{FirstName: "Hugo", LastName: "Petit", Email: "hugo.petit@sentier.co", Site: "Paris"},
		{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@sentier.co", Site: "Paris"},
	} {
		if _, err := dir.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	desk := request.New(d, audit.New(d))
	const hugosWords = "Elle fuit sur mon bureau, j'ai posé mes dossiers RH à côté."
	a, err := desk.Create(ctx, request.NewRequest{Title: "Machine à café en panne", Description: hugosWords,
		RequesterEmail: "hugo.petit@sentier.co", Channel: request.Web})
	if err != nil {
		t.Fatal(err)
	}
	b, err := desk.Create(ctx, request.NewRequest{Title: "Plus de café au 2e", Description: "Elle affiche une erreur E12.",
		RequesterEmail: "zoe.thomas@sentier.co", Channel: request.Web})
	if err != nil {
		t.Fatal(err)
	}
	refA, refB := strconv.FormatInt(a.Number, 10), strconv.FormatInt(b.Number, 10)

	// 1. Camille merges #B into #A from #B's page, and confirms.
	confirms := acceptDialogs(t, om)
	do(t, om,
		chromedp.Navigate(in.URL+"/requests/"+refB),
		chromedp.WaitVisible(chromedp.ID("f-into")),
		chromedp.SendKeys(chromedp.ID("f-into"), refA),
		// A click, not Submit: form.submit() would skip the confirmation.
		chromedp.Click(chromedp.CSS(`form[action$="/merge"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	if p := path(t, om); p != "/requests/"+refA {
		t.Fatalf("after the merge: %s, want /requests/%s", p, refA)
	}
	if got := confirms(); len(got) != 1 || !strings.Contains(got[0], "#"+refB) {
		t.Errorf("the merge asked %q, want one confirmation naming #%s", got, refB)
	}
	// The desk reads Hugo's words: what Zoé must not.
	if text := pageText(t, om); !strings.Contains(text, hugosWords) {
		t.Fatalf("#%s on the desk does not show Hugo's description:\n%s", refA, text)
	}

	// 2. She answers on #A with the technician's report attached.
	report := filepath.Join(t.TempDir(), "rapport-technicien.pdf")
	if err := os.WriteFile(report, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, om,
		chromedp.SetValue(chromedp.ID("reply-body"), "Le technicien passe jeudi à 9 h, son rapport est joint."),
		chromedp.SetUploadFiles(chromedp.ID("reply-files"), []string{report}),
		chromedp.Click(chromedp.CSS(`form.desk-reply button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.desk-conversation a[href*="/attachments/"]`)),
	)

	// 3. Zoé signs in: her portal lists #A among the requests she follows, by its number only.
	zoe := followEmployee(t, in, "zoe.thomas@sentier.co", "Zoé Thomas")
	do(t, zoe, chromedp.WaitVisible(chromedp.CSS(`.portal-following a.row-link[href="/portal/`+refA+`"]`)))
	home := pageText(t, zoe)
	if !strings.Contains(home, "Demandes que vous suivez") {
		t.Fatalf("Zoé's portal has no « Demandes que vous suivez »:\n%s", home)
	}
	if strings.Contains(home, "Machine à café en panne") {
		t.Errorf("Zoé's portal shows the title of Hugo's request:\n%s", home)
	}

	// 4. She opens it: the team's reply and its file, none of Hugo's words.
	do(t, zoe,
		chromedp.Click(chromedp.CSS(`.portal-following a.row-link[href="/portal/`+refA+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.desk-conversation`)),
	)
	if p := path(t, zoe); p != "/portal/"+refA {
		t.Fatalf("the followed request opened %s", p)
	}
	text := pageText(t, zoe)
	for _, want := range []string{"Le technicien passe jeudi à 9 h", "Camille Martin", "rapport-technicien.pdf"} {
		if !strings.Contains(text, want) {
			t.Errorf("the followed request lacks %q:\n%s", want, text)
		}
	}
	for _, leak := range []string{hugosWords, "dossiers RH"} {
		if strings.Contains(text, leak) {
			t.Errorf("Zoé reads Hugo's words %q:\n%s", leak, text)
		}
	}
	screenshot(t, zoe, "portal-followed")
	// The file's link is hers to open.
	href := get(t, zoe, chromedp.Evaluate[string](`document.querySelector('.desk-conversation a[href*="/attachments/"]').getAttribute("href")`))
	if !strings.HasPrefix(href, "/portal/"+refA+"/attachments/") {
		t.Errorf("the file's link is %q, want one of the portal", href)
	}
	got := get(t, zoe, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(r => r.status + " " + r.headers.get("Content-Type"))`,
		chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(got, "200 application/pdf") {
		t.Errorf("Zoé downloads the report: %s", got)
	}

	// 5. Her own request says where it went, and links there.
	do(t, zoe,
		chromedp.Navigate(in.URL+"/portal/"+refB),
		chromedp.WaitVisible(chromedp.CSS(`.portal-merged a[href="/portal/`+refA+`"]`)),
	)
}

// TestBrowserReportsCountBibleAndMerged fills the month with four requests: one Zoé withdrew
// because the guide « Machine à café » answered her, one merged into another, and two others;
// the report's cards count 4 received, 1 « Réglées par la bible » and 1 « Fusionnées ».
func TestBrowserReportsCountBibleAndMerged(t *testing.T) {
	om := newTab(t)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	ctx := context.Background()
	d := followDB(t, in)
	dir := people.New(d, audit.New(d))
	for _, p := range []people.Input{
		{FirstName: "Hugo", LastName: "Petit", Email: "hugo.petit@sentier.co"},
		{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@sentier.co"},
		{FirstName: "Léa", LastName: "Moreau", Email: "lea.moreau@sentier.co"},
	} {
		if _, err := dir.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	desk := request.New(d, audit.New(d))
	file := func(title, email string) request.Request {
		t.Helper()
		r, err := desk.Create(ctx, request.NewRequest{Title: title, RequesterEmail: email, Channel: request.Slack})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// The guide answers Zoé, who withdraws her request, as Slack's « C'est réglé » does.
	bible := article.New(d, audit.New(d))
	guide, err := bible.Create(ctx, article.Viewer{Name: "Camille Martin", Role: auth.Admin}, article.Article{
		Title: "Machine à café", Body: "Si elle affiche E12, videz le bac à marc.",
		Status: article.StatusPublished, Audience: article.AudienceEveryone})
	if err != nil {
		t.Fatal(err)
	}
	solved := file("Erreur E12 sur la machine à café", "zoe.thomas@sentier.co")
	zoe, err := desk.ViewerFor(ctx, 0, "Zoé Thomas", "zoe.thomas@sentier.co", auth.Employee)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Withdraw(ctx, zoe, solved.Number, "Réglé grâce à « Machine à café »", request.Slack,
		func(tx *sql.Tx, r request.Request) error {
			return bible.DeflectTx(ctx, tx, article.Viewer{PersonID: zoe.PersonID, Name: zoe.Name, Role: auth.Employee},
				guide, r.Title, article.ChannelSlack, r.ID)
		}); err != nil {
		t.Fatal(err)
	}
	// Léa's request duplicates Hugo's; Camille merges it.
	hugo := file("Imprimante bloquée", "hugo.petit@sentier.co")
	lea := file("L'imprimante ne répond plus", "lea.moreau@sentier.co")
	if _, err := desk.Merge(ctx, request.Viewer{Name: "Camille Martin", Role: auth.Admin}, lea.Number, hugo.Number); err != nil {
		t.Fatal(err)
	}
	file("Ampoule grillée en salle Lyon", "hugo.petit@sentier.co")

	do(t, om,
		chromedp.Navigate(in.URL+"/reports"),
		chromedp.WaitVisible(chromedp.CSS(`.reports-kpis`)),
	)
	cards := get(t, om, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll(".reports-kpis .stat")].map(s =>
		[s.querySelector(".stat-label").textContent.trim(), s.querySelector(".stat-value").textContent.trim()]))`))
	for label, want := range map[string]string{"Reçues": "4", "Réglées par la bible": "1", "Fusionnées": "1"} {
		if cards[label] != want {
			t.Errorf("the card « %s » says %q, want %s (cards: %v)", label, cards[label], want, cards)
		}
	}
}

// TestBrowserSettingsEmailThenSlackApplyLive opens Réglages → Email, sets the company's relay
// and saves: sending is on at once, the test email reaches the relay, and no page asks for a
// restart; then Réglages → Slack, saved the same way. No page writes an error to the console
// (a refused inline style or script, under the pages' CSP, is one).
func TestBrowserSettingsEmailThenSlackApplyLive(t *testing.T) {
	mails := startCaptureRelay(t)
	om := newTab(t)
	console := watchConsole(t, om)
	in := start(t, sqliteSettings(t))
	welcome(t, om, in, "Camille Martin", "camille.martin@sentier.co", "Sentier & Co")

	do(t, om,
		chromedp.Navigate(in.URL+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`.settings-nav a[href="/settings/mail"]`)),
		chromedp.Click(chromedp.CSS(`.settings-nav a[href="/settings/mail"]`)),
		chromedp.WaitVisible(chromedp.ID("f-smtp_url")),
	)
	noRestartWording(t, pageText(t, om), "Réglages → Email")
	do(t, om,
		chromedp.SetValue(chromedp.ID("f-address"), "office@sentier.co"),
		chromedp.SetValue(chromedp.ID("f-smtp_url"), "smtp://"+mails.addr),
		chromedp.Click(chromedp.CSS(`form[action="/settings/mail"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	text := pageText(t, om)
	noRestartWording(t, text, "Réglages → Email, saved")
	if !strings.Contains(text, "Envoi actif") {
		t.Fatalf("sending is not on once saved:\n%s", text)
	}
	do(t, om,
		chromedp.Click(chromedp.CSS(`form[action="/settings/mail/test"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	deadline := time.Now().Add(30 * time.Second)
	for mails.to("camille.martin@sentier.co") == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the test email did not reach the relay\nstderr:\n%s", in.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	do(t, om,
		chromedp.Click(chromedp.CSS(`.settings-nav a[href="/settings/slack"]`)),
		chromedp.WaitVisible(chromedp.ID("f-unknown_users")),
	)
	if p := path(t, om); p != "/settings/slack" {
		t.Fatalf("the Slack link led to %s", p)
	}
	noRestartWording(t, pageText(t, om), "Réglages → Slack")
	do(t, om,
		chromedp.SetValue(chromedp.ID("f-unknown_users"), "refuse"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/slack"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	noRestartWording(t, pageText(t, om), "Réglages → Slack, saved")
	if v := get(t, om, chromedp.Evaluate[string](`document.getElementById("f-unknown_users").value`)); v != "refuse" {
		t.Errorf("unknown users: %q once saved, want refuse", v)
	}

	if errs := console.errors(t); len(errs) > 0 {
		t.Errorf("the settings pages wrote errors to the console:\n%s", strings.Join(errs, "\n"))
	}
	// The watch sees what the CSP refuses: an inline script is one more error.
	get(t, om, chromedp.Evaluate[bool](`(() => { const s = document.createElement("script"); s.textContent = "1";
		document.body.appendChild(s); return true })()`))
	if errs := console.errors(t); len(errs) != 1 || !strings.Contains(errs[0], "Content Security Policy") {
		t.Errorf("an inline script refused by the CSP: the console watch saw %q", errs)
	}
}

// restartRE finds words of restarting; only « sans redémarrage » is allowed.
var restartRE = regexp.MustCompile(`(?i)(sans )?(redémarr\w*|restart\w*)`)

// noRestartWording fails the test when text asks for a restart.
func noRestartWording(t *testing.T, text, where string) {
	t.Helper()
	for _, m := range restartRE.FindAllStringSubmatch(text, -1) {
		if !strings.EqualFold(m[1], "sans ") {
			t.Errorf("%s speaks of a restart (%q):\n%s", where, m[0], text)
		}
	}
}

// followDB opens the instance's database beside it, to set a scene through the domain.
func followDB(t *testing.T, in *instance) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(in.vars["MAJORDOME_DATA"], "majordome.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// followEmployee gives the person with email an employee account and signs her in in a tab of
// her own: she chooses a password from her link and lands on the portal.
func followEmployee(t *testing.T, in *instance, email, name string) context.Context {
	t.Helper()
	link := signInLink(in.run("user", "create", "--email", email, "--name", name, "--role", "employee"))
	if link == "" {
		t.Fatalf("no sign-in link for %s", email)
	}
	tab := newTab(t)
	do(t, tab,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/welcome"]`)),
		chromedp.SetValue(chromedp.ID("f-password"), "les pentes de la Croix-Rousse"),
		chromedp.Click(chromedp.CSS(`form[action="/welcome"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/portal"]`)),
	)
	return tab
}

// acceptDialogs accepts every confirm() the tab opens, as a person clicking OK, and returns
// what they asked so far.
func acceptDialogs(t *testing.T, tab context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var asked []string
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			mu.Lock()
			asked = append(asked, ev.Message)
			mu.Unlock()
			// Answer from another goroutine: the one reading events must keep reading.
			go chromedp.Do(tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				return err
			}))
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), asked...)
	}
}

// consoleWatch keeps the errors a tab writes to its console: console.error calls, uncaught
// exceptions and the browser's own errors (a resource that fails, what the CSP refuses).
type consoleWatch struct {
	tab   context.Context
	mu    sync.Mutex
	errs  []string
	marks chan string
	next  int
}

// consoleMark starts the console.log calls that tell the watch it has read everything before.
const consoleMark = "majordome-e2e-mark "

func watchConsole(t *testing.T, tab context.Context) *consoleWatch {
	t.Helper()
	w := &consoleWatch{tab: tab, marks: make(chan string, 16)}
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.Type == chromedp.ConsoleLog && strings.HasPrefix(m.Text, consoleMark):
				w.marks <- strings.TrimPrefix(m.Text, consoleMark)
			case m.Type == chromedp.ConsoleError || m.IsException():
				w.mu.Lock()
				w.errs = append(w.errs, fmt.Sprintf("%s (%s:%d)", m.Text, m.URL, m.Line+1))
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// errors returns the errors written since the last call. The console keeps its order: once a
// mark logged now comes back, every message before it has been read.
func (w *consoleWatch) errors(t *testing.T) []string {
	t.Helper()
	w.next++
	mark := strconv.Itoa(w.next)
	get(t, w.tab, chromedp.Evaluate[bool](`console.log(`+strconv.Quote(consoleMark+mark)+`), true`))
	for {
		select {
		case got := <-w.marks:
			if got != mark {
				continue
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			errs := w.errs
			w.errs = nil
			return errs
		case <-w.tab.Done():
			t.Fatalf("the console did not echo its mark: %v", w.tab.Err())
		}
	}
}
