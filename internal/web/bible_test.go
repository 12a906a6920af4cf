package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"majordome/internal/article"
	"majordome/internal/markdown/xsstest"
	"majordome/internal/request"
)

// articleViewer is a desk viewer as the bible sees them.
func articleViewer(v request.Viewer) article.Viewer {
	return article.Viewer{UserID: v.UserID, PersonID: v.PersonID, Name: v.Name, Role: v.Role}
}

// write creates an article straight through the bible, as Jérôme.
func (d *desk) write(a article.Article) article.Article {
	d.e.t.Helper()
	out, err := d.e.App.Articles.Create(context.Background(), articleViewer(d.jeromeV), a)
	if err != nil {
		d.e.t.Fatal(err)
	}
	return out
}

func TestBibleWriteReadAndHistory(t *testing.T) {
	d := newDesk(t)

	// The editor keeps what was typed and says what is wrong.
	res := d.jerome.post("/bible", url.Values{"title": {""}, "body": {"Le code est à l'accueil."}, "kind": {"article"},
		"status": {"published"}, "audience": {"everyone"}, "verified_until": {"31/02/2026"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "Titre est obligatoire") ||
		!strings.Contains(text(res), "« 31/02/2026 » n'est pas une date valide") || !strings.Contains(text(res), "Le code est à l'accueil.</textarea>") {
		t.Fatalf("an article without a title: %d %s", res.StatusCode, text(res))
	}
	noRawKeys(t, res)
	d.write(article.Article{Title: "Badges Lyon", Body: "Demandez à l'accueil."})
	res = d.jerome.post("/bible", url.Values{"title": {"Procédure Wi-Fi invités"}, "kind": {"article"}, "status": {"published"},
		"audience": {"everyone"}, "tags": {"wifi, réseau"}, "owner_email": {"jerome.durand@exemple.fr"}, "verified_until": {"01/01/2020"},
		"body": {"## Le code\n\nÀ l'accueil.\n\n## Pour les badges\n\nVoir [Badges Lyon](/bible/badges-lyon)."}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/bible/procedure-wi-fi-invites" {
		t.Fatalf("create: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// The article: table of contents, owner, stale flag; the linked article says who links to it.
	page := d.zoe.get("/bible/procedure-wi-fi-invites")
	for _, want := range []string{`<a href="#s-le-code">Le code</a>`, `<h2 id="s-le-code">Le code</h2>`, "jerome.durand@exemple.fr", "01/01/2020", "À vérifier"} {
		if !strings.Contains(text(page), want) {
			t.Errorf("the article page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "/edit") || strings.Contains(page.Body, "/history") {
		t.Error("an employee is offered to edit")
	}
	noRawKeys(t, page)
	if got := d.zoe.get("/bible/badges-lyon"); !strings.Contains(text(got), `<a href="/bible/procedure-wi-fi-invites">Procédure Wi-Fi invités</a>`) {
		t.Error("linked from")
	}

	// Editing makes a version; the history shows the change, line by line, and restores.
	res = d.jerome.post("/bible/procedure-wi-fi-invites", url.Values{"title": {"Procédure Wi-Fi invités"}, "slug": {"procedure-wi-fi-invites"},
		"kind": {"article"}, "status": {"published"}, "audience": {"everyone"}, "tags": {"wifi"},
		"body": {"## Le code\n\nDemandez-le à l'accueil.\n\n## Pour les badges\n\nVoir [Badges Lyon](/bible/badges-lyon)."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d %s", res.StatusCode, res.Body)
	}
	hist := d.jerome.get("/bible/procedure-wi-fi-invites/history")
	if !strings.Contains(text(hist), "<del>- À l'accueil.</del>") || !strings.Contains(text(hist), "<ins>+ Demandez-le à l'accueil.</ins>") ||
		!strings.Contains(text(hist), "Aussi modifié") {
		t.Errorf("the history's diff: %s", hist.Body)
	}
	noRawKeys(t, hist)
	if res := d.jerome.post("/bible/procedure-wi-fi-invites/restore", url.Values{"version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", res.StatusCode)
	}
	a, _ := d.e.App.Articles.BySlug(context.Background(), "procedure-wi-fi-invites")
	if a.Version != 3 || !strings.Contains(a.Body, "À l'accueil.") {
		t.Errorf("restored: v%d %q", a.Version, a.Body)
	}
	if res := d.zoe.get("/bible/procedure-wi-fi-invites/history"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an employee's history: %d", res.StatusCode)
	}

	// The live preview renders what is typed, safely.
	prev := d.jerome.post("/bible/preview", url.Values{"body": {"## Titre\n\n**gras** <script>alert(1)</script>"}})
	if prev.StatusCode != 200 || !strings.Contains(prev.Body, `<h2 id="s-titre">Titre</h2>`) || !strings.Contains(prev.Body, "<strong>gras</strong>") ||
		strings.Contains(prev.Body, "<script>alert") {
		t.Errorf("preview: %d %s", prev.StatusCode, prev.Body)
	}
	if res := d.zoe.post("/bible/preview", url.Values{"body": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an employee's preview: %d", res.StatusCode)
	}
}

func TestBibleListRespectsAudience(t *testing.T) {
	d := newDesk(t)
	d.write(article.Article{Title: "Fuite d'eau", Body: "Coupez l'eau."})
	d.write(article.Article{Title: "Contrat Dalkia", Body: "Astreinte.", Audience: article.AudienceAgents})
	d.write(article.Article{Title: "Fuite au 3e (brouillon)", Body: "x", Status: article.StatusDraft})
	zoe := text(d.zoe.get("/bible"))
	if !strings.Contains(zoe, "Fuite d'eau") || strings.Contains(zoe, "Dalkia") || strings.Contains(zoe, "brouillon") || strings.Contains(zoe, "Bien reçu") {
		t.Errorf("an employee sees only the published articles for everyone")
	}
	if res := d.zoe.get("/bible/contrat-dalkia"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an employee reads an agents' article: %d", res.StatusCode)
	}
	if res := d.zoe.get("/bible/new"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an employee's editor: %d", res.StatusCode)
	}
	jerome := d.jerome.get("/bible?q=fuite&status=draft")
	if !strings.Contains(text(jerome), "Fuite au 3e (brouillon)") || strings.Contains(text(jerome), "Fuite d'eau") {
		t.Errorf("an agent searches the drafts")
	}
	if !strings.Contains(d.jerome.get("/bible").Body, `data-shortcut="n"`) {
		t.Error("n writes a new article")
	}
	frag := d.jerome.do(htmxGet(d.e.URL + "/bible?q=dalkia"))
	if !strings.Contains(frag.Body, "Contrat Dalkia") || strings.Contains(frag.Body, "<html") {
		t.Errorf("the list's htmx fragment: %s", frag.Body)
	}
	noRawKeys(t, d.jerome.get("/bible/new"))
}

func htmxGet(u string) *http.Request {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("HX-Request", "true")
	return req
}

func TestPortalSuggestsArticlesAndCountsDeflections(t *testing.T) {
	d := newDesk(t)
	wifi := d.write(article.Article{Title: "Procédure Wi-Fi invités", Body: "Le code est à l'accueil."})
	d.write(article.Article{Title: "Wi-Fi invités (brouillon)", Body: "x", Status: article.StatusDraft})

	portal := d.zoe.get("/portal")
	if !strings.Contains(portal.Body, `hx-get="/portal/suggestions"`) || !strings.Contains(portal.Body, `href="/bible"`) {
		t.Error("the portal's form asks the bible as the employee types, and links to it")
	}
	res := d.zoe.get("/portal/suggestions?" + url.Values{"title": {"wifi invité"}, "description": {""}}.Encode())
	if res.StatusCode != 200 || !strings.Contains(text(res), `<a href="/bible/procedure-wi-fi-invites"`) || !strings.Contains(text(res), "Ça m'a aidé") ||
		strings.Contains(res.Body, "brouillon") {
		t.Fatalf("suggestions: %d %s", res.StatusCode, res.Body)
	}
	if res := d.zoe.get("/portal/suggestions?text=imprimante"); strings.TrimSpace(res.Body) != "" {
		t.Errorf("nothing to suggest: %q", res.Body)
	}

	helped := d.zoe.post("/portal/helped", url.Values{"article": {itoa(wifi.ID)}, "title": {"wifi invité"}, "description": {""}})
	if helped.StatusCode != 200 || !strings.Contains(text(helped), "Tant mieux !") || !strings.Contains(helped.Body, `href="/portal"`) {
		t.Fatalf("helped: %d", helped.StatusCode)
	}
	if page, _ := d.e.App.Requests.List(context.Background(), d.camilleV, request.Filter{}); len(page.Items) != 0 {
		t.Errorf("a request was filed: %d", len(page.Items))
	}
	reports := text(d.camille.get("/reports"))
	if !regexp.MustCompile(`Demandes évitées par la bible</span>\s*<span class="stat-value">1</span>`).MatchString(reports) {
		t.Errorf("the reports count the deflection: %s", reports)
	}
}

// bibleXSS are the payloads every article body, title and tag must survive on the article page.
var bibleXSS = xsstest.Payloads

// TestBibleArticlePageNeutralisesXSS writes every payload as an article's body (also as a
// heading, whose id comes from its text), title and tag, then reads the article page as an
// employee would, parses it as a browser does and checks that nothing from the article can run
// script: the page's own elements (its scripts are all from /static/, CSP forbids inline ones)
// are the only ones allowed.
func TestBibleArticlePageNeutralisesXSS(t *testing.T) {
	d := newDesk(t)
	for i, src := range bibleXSS {
		tag := src
		if r := []rune(tag); len(r) > 40 {
			tag = string(r[:40])
		}
		a := d.write(article.Article{Slug: "xss-" + itoa(int64(i)), Title: "Titre " + src, Tags: []string{tag},
			Category: src, Body: "## " + src + "\n\n" + src + "\n\nfin"})
		res := d.zoe.get("/bible/" + a.Slug)
		if res.StatusCode != 200 {
			t.Fatalf("%q: %d", src, res.StatusCode)
		}
		doc, err := html.Parse(strings.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script":
					if src := attrOf(n, "src"); !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
						t.Errorf("%q: a script survives: src=%q", src, attrOf(n, "src"))
					}
				case "svg":
					if attrOf(n, "class") != "icon" || attrOf(n, "aria-hidden") != "true" { // the page's own icons
						t.Errorf("%q: <svg> survives", src)
					}
				case "iframe", "object", "embed", "math", "style", "base", "meta", "frame", "frameset", "video", "source":
					if n.Data != "meta" || attrOf(n, "http-equiv") != "" {
						t.Errorf("%q: <%s> survives", src, n.Data)
					}
				case "link":
					if h := attrOf(n, "href"); !strings.HasPrefix(h, "/static/") {
						t.Errorf("%q: <link href=%q> survives", src, h)
					}
				}
				for _, at := range n.Attr {
					key, val := strings.ToLower(at.Key), strings.ToLower(strings.TrimSpace(at.Val))
					switch {
					case strings.HasPrefix(key, "on"):
						t.Errorf("%q: event handler %s survives", src, key)
					case key == "style" || key == "srcdoc" || key == "formaction" || key == "autofocus":
						t.Errorf("%q: attribute %s survives", src, key)
					case key == "href" || key == "src" || key == "action" || key == "cite":
						if strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "vbscript:") || strings.HasPrefix(val, "data:") ||
							strings.HasPrefix(val, "//") || strings.Contains(val, "evil.exemple") {
							t.Errorf("%q: %s=%q survives", src, key, at.Val)
						}
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
