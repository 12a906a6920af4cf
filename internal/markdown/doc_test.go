package markdown_test

import (
	"strings"
	"testing"

	"majordome/internal/markdown"
)

func TestRenderDocTableOfContents(t *testing.T) {
	out, toc := markdown.RenderDoc("# Wi-Fi\n\n## Code du **Wi-Fi** invités\n\ntexte\n\n### Étape 1\n\n## Code du Wi-Fi invités\n\n#### trop bas")
	want := []markdown.Heading{{2, "Code du Wi-Fi invités", "s-code-du-wi-fi-invites"}, {3, "Étape 1", "s-etape-1"},
		{2, "Code du Wi-Fi invités", "s-code-du-wi-fi-invites-2"}}
	if len(toc) != len(want) {
		t.Fatalf("toc = %v", toc)
	}
	for i := range want {
		if toc[i] != want[i] {
			t.Errorf("toc[%d] = %v, want %v", i, toc[i], want[i])
		}
	}
	for _, frag := range []string{`<h2 id="s-code-du-wi-fi-invites">Code du <strong>Wi-Fi</strong> invités</h2>`, `<h3 id="s-etape-1">`, `<h2 id="s-code-du-wi-fi-invites-2">`, "<h1>Wi-Fi</h1>"} {
		if !strings.Contains(string(out), frag) {
			t.Errorf("RenderDoc = %s\nwant %s", out, frag)
		}
	}
}

// TestRenderDocNeutralisesXSS runs the payloads of TestRenderNeutralisesXSS through RenderDoc,
// also as headings, whose ids come from their text.
func TestRenderDocNeutralisesXSS(t *testing.T) {
	for _, src := range xss {
		for _, doc := range []string{src, "## " + src + "\n\n" + src} {
			out, _ := markdown.RenderDoc(doc)
			assertSafe(t, doc, string(out))
		}
	}
}
