package slackbot

import (
	"strings"
	"testing"
)

func TestSplitRequest(t *testing.T) {
	long := strings.Repeat("mot ", 80) // 320 characters, one sentence
	tests := []struct {
		name, in, title, details string
	}{
		{"one line", "Plus d'eau chaude au 3ème étage", "Plus d'eau chaude au 3ème étage", ""},
		{"lines", "Photocopieuse en panne\nErreur E-204 depuis ce matin.\nMerci !", "Photocopieuse en panne",
			"Erreur E-204 depuis ce matin.\nMerci !"},
		{"sentences", "La porte du parking ne s'ouvre plus. Mon badge marchait hier ! Une idée ?",
			"La porte du parking ne s'ouvre plus.", "Mon badge marchait hier ! Une idée ?"},
		{"question first", "Qui a la clé du local vélo ? Je dois sortir le mien", "Qui a la clé du local vélo ?",
			"Je dois sortir le mien"},
		{"ellipsis is no end", "Bon... rien ne marche", "Bon... rien ne marche", ""},
		{"blank lines", "\n  Badge perdu  \n\n", "Badge perdu", ""},
		{"too long", long, "", strings.TrimSpace(long)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, details := splitRequest(tt.in)
			if tt.name == "too long" {
				if n := len([]rune(title)); n > maxTitle || n < maxTitle/2 || !strings.HasSuffix(title, "…") {
					t.Fatalf("title %q (%d runes): want a cut within %d ending with …", title, n, maxTitle)
				}
				if details != tt.details {
					t.Fatalf("details %q: want the whole text", details)
				}
				return
			}
			if title != tt.title || details != tt.details {
				t.Fatalf("splitRequest(%q) = %q, %q; want %q, %q", tt.in, title, details, tt.title, tt.details)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	in := "Voir <https://exemple.fr/doc|la doc> et <https://exemple.fr> avec <@U0ZOE00001> dans <#C0LYON0001|lyon> &amp; &lt;vite&gt; <!here>"
	want := "Voir la doc (https://exemple.fr/doc) et https://exemple.fr avec @U0ZOE00001 dans #lyon & <vite> @here"
	if got := plainText(in); got != want {
		t.Fatalf("plainText:\n got %q\nwant %q", got, want)
	}
	if got := esc("a < b & c > d"); got != "a &lt; b &amp; c &gt; d" {
		t.Fatalf("esc: %q", got)
	}
}

func TestPermalink(t *testing.T) {
	if got := permalink("exemple", "C0LYON0001", "1763370390.000550"); got != "https://exemple.slack.com/archives/C0LYON0001/p1763370390000550" {
		t.Fatalf("permalink: %q", got)
	}
	if got := permalink("", "C0LYON0001", "1.2"); got != "" {
		t.Fatalf("permalink without a domain: %q", got)
	}
}
