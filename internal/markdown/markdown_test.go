package markdown_test

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"majordome/internal/markdown"
	"majordome/internal/markdown/xsstest"
)

func TestRenderFormats(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // fragments the HTML must contain
	}{
		{"hard line breaks", "Bonjour Zoé,\nle plombier passe demain.", []string{"Bonjour Zoé,<br>", "le plombier passe demain."}},
		{"emphasis", "**urgent** et _vite_", []string{"<strong>urgent</strong>", "<em>vite</em>"}},
		{"strikethrough", "~~lundi~~ mardi", []string{"<del>lundi</del> mardi"}},
		{"table", "| Pièce | Étage |\n|---|---|\n| Cuisine | 3 |", []string{"<table>", "<th>Pièce</th>", "<td>Cuisine</td>"}},
		{"task list", "- [x] badge commandé\n- [ ] badge remis", []string{`<input checked="" disabled="" type="checkbox"`, `<input disabled="" type="checkbox"`}},
		{"autolink", "Voir https://exemple.fr/wifi pour le code", []string{`<a href="https://exemple.fr/wifi" rel="nofollow noopener" target="_blank">https://exemple.fr/wifi</a>`}},
		{"www autolink", "www.exemple.fr", []string{`href="http://www.exemple.fr"`, `target="_blank"`}},
		{"link", "[le guide](https://exemple.fr/guide)", []string{`<a href="https://exemple.fr/guide" rel="nofollow noopener" target="_blank">le guide</a>`}},
		{"local link", "[la demande](/requests/1042)", []string{`<a href="/requests/1042" rel="nofollow">la demande</a>`}},
		{"mail", "[écrire](mailto:office@exemple.fr)", []string{`href="mailto:office@exemple.fr"`}},
		{"code", "`ipconfig /all`", []string{"<code>ipconfig /all</code>"}},
		{"local image", "![plan](/requests/1042/attachments/7)", []string{`<img src="/requests/1042/attachments/7" alt="plan">`}},
		{"remote image becomes a link", "![plan](https://tracker.exemple/pixel.png)", []string{`<a href="https://tracker.exemple/pixel.png" rel="nofollow noopener" target="_blank">plan</a>`}},
		{"entities stay text", "1 < 2 & 3 > 2", []string{"1 &lt; 2 &amp; 3 &gt; 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(markdown.Render(tc.src))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %s\nwant it to contain %s", tc.src, got, w)
				}
			}
		})
	}
	if got := markdown.Render(" \n "); got != "" {
		t.Errorf("blank text renders %q", got)
	}
	if got := string(markdown.Render("![](https://x.exemple/a.png)")); strings.Contains(got, "<img") || !strings.Contains(got, ">https://x.exemple/a.png</a>") {
		t.Errorf("a remote image without text becomes a link named by its address: %s", got)
	}
}

// xss are attempts to make a message run code or load something in a reader's browser.
var xss = xsstest.Payloads

var onAttr = regexp.MustCompile(`^on`)

// TestRenderNeutralisesXSS parses what Render returns as a browser would and checks that no
// element can run script, load from elsewhere, style the page or frame another one.
func TestRenderNeutralisesXSS(t *testing.T) {
	for _, src := range xss {
		assertSafe(t, src, string(markdown.Render(src)))
	}
}

// assertSafe fails t when out, the HTML rendered from src, holds anything that can run script,
// load from elsewhere, style the page or frame another one.
func assertSafe(t *testing.T, src, out string) {
	t.Helper()
	forbidden := map[string]bool{"script": true, "iframe": true, "object": true, "embed": true, "svg": true,
		"math": true, "style": true, "link": true, "meta": true, "base": true, "form": true, "button": true,
		"textarea": true, "select": true, "video": true, "audio": true, "source": true, "body": true, "noscript": true,
		"frame": true, "frameset": true}
	{
		doc, err := html.Parse(strings.NewReader("<!doctype html><body>" + out))
		if err != nil {
			t.Fatalf("%q: unparseable output %q: %v", src, out, err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if forbidden[n.Data] && n.Data != "body" {
					t.Errorf("%q: <%s> survives: %s", src, n.Data, out)
				}
				for _, a := range n.Attr {
					key, val := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
					switch {
					case onAttr.MatchString(key):
						t.Errorf("%q: event handler %s survives: %s", src, key, out)
					case key == "style" || key == "srcdoc" || key == "formaction" || key == "autofocus":
						t.Errorf("%q: attribute %s survives: %s", src, key, out)
					case key == "href" || key == "src" || key == "cite" || key == "action":
						if !(strings.HasPrefix(val, "https://") || strings.HasPrefix(val, "http://") ||
							strings.HasPrefix(val, "mailto:") || (strings.HasPrefix(val, "/") && !strings.HasPrefix(val, "//"))) {
							t.Errorf("%q: %s=%q is not a plain web address: %s", src, key, a.Val, out)
						}
						if key == "src" && !strings.HasPrefix(val, "/") {
							t.Errorf("%q: image from another host: %s", src, out)
						}
					}
				}
				if n.Data == "input" && attr(n, "type") != "checkbox" {
					t.Errorf("%q: an input other than a task checkbox survives: %s", src, out)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Errorf("%q: a script tag survives as markup: %s", src, out)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestRenderKeepsTheTextOfDroppedHTML checks that a message with HTML in it still reads: the
// tags go, the words around them stay.
func TestRenderKeepsTheTextOfDroppedHTML(t *testing.T) {
	out := string(markdown.Render("Bonjour <b onclick=x>Camille</b>, merci !"))
	if !strings.Contains(out, "Bonjour") || !strings.Contains(out, "merci") || strings.Contains(out, "onclick") {
		t.Errorf("got %s", out)
	}
}
