package mailin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readMessage(t *testing.T, name string) *Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestParseCorpus reads every message of testdata as the desk sees it: the sender, the subject
// and the text in UTF-8 whatever the charset, the files, and the noise.
func TestParseCorpus(t *testing.T) {
	for _, tc := range []struct {
		file     string
		from     string
		name     string
		subject  string
		text     []string // the text contains each
		files    []string
		htmlOnly bool
		auto     bool
		list     bool
		bounce   []string
	}{
		{file: "01-outlook-nouvelle-demande.eml", from: "helene.bernard@exemple.fr", name: "Hélène Bernard",
			subject: "Plus d'eau chaude au 3ème étage", text: []string{"cuisine du 3ème étage. Le ballon", "Hélène"}},
		{file: "02-gmail-reponse-citee.eml", from: "helene.bernard@exemple.fr", name: "Hélène Bernard",
			subject: "Re: [#1042] Plus d'eau chaude au 3ème étage", text: []string{"le plombier est passé, ça remarche"}},
		{file: "03-apple-mail-piece-jointe.eml", from: "francois.dubois@exemple.fr", name: "François Dubois",
			subject: "Chaise cassée", text: []string{"Le vérin de ma chaise a lâché"}, files: []string{"chaise.png"}},
		{file: "04-absence-automatique.eml", from: "zoe.thomas@exemple.fr", subject: "Réponse automatique : [#1051] Badge d'accès",
			text: []string{"Je suis en congés"}, auto: true},
		{file: "05-iso-8859-1.eml", from: "chloe.lefevre@exemple.fr", name: "Chloé Lefèvre",
			subject: "Réservation de la salle « Clémence » jeudi", text: []string{"réserver la salle « Clémence »", "vidéoprojecteur", "Chloé"}},
		{file: "06-windows-1252.eml", from: "noel.martin@exemple.fr", name: "Noel Martin",
			subject: "Note de frais – déjeuner à 150 €", text: []string{"J’ai avancé 150 € pour le déjeuner d’équipe…", "l’œuvre", "Noël"}},
		{file: "18-outlook-latin1-cp1252.eml", from: "noel.martin@exemple.fr", name: "Noël Martin",
			subject: "L’imprimante du 2ème … encore", text: []string{"L’imprimante du 2ème refuse d’imprimer en couleur… Le toner coûte 95 €."}},
		{file: "07-outlook-html-seul.eml", from: "helene.bernard@exemple.fr", name: "Hélène Bernard",
			subject: "Fuite machine à café", text: []string{"La machine à café du 2", "fuit encore", "80 €", "Hélène Bernard"}, htmlOnly: true},
		{file: "08-outlook-fr-reponse.eml", from: "helene.bernard@exemple.fr",
			subject: "RE: [#1042] Plus d'eau chaude au 3ème étage", text: []string{"Parfait, merci Jérôme. Je serai là jusqu'à 18 h.", "Envoyé : mardi"}},
		{file: "09-apple-mail-reponse.eml", from: "francois.dubois@exemple.fr", subject: "Re: Chaise cassée",
			text: []string{"Super, elle est comme neuve.", "Envoyé de mon iPhone"}},
		{file: "10-image-en-ligne.eml", from: "helene.bernard@exemple.fr", subject: "Écran du hall éteint",
			text: []string{"L'écran du hall est noir"}, files: []string{"image-2.png"}},
		{file: "11-dsn-echec.eml", from: "mailer-daemon@mx.exemple.fr", subject: "Undelivered Mail Returned to Sender",
			auto: true, bounce: []string{"ancien.salarie@exemple.fr"}},
		{file: "12-liste.eml", from: "news@bureaupro-magazine.fr", subject: "Les 10 tendances du mobilier de bureau en 2027", list: true},
		{file: "13-precedence-bulk.eml", from: "factures@nettoyage-pro.fr", subject: "Votre facture de novembre est disponible", auto: true},
		{file: "14-x-autoreply.eml", from: "helene.bernard@exemple.fr", subject: "Absent(e) : [#1042] Plus d'eau chaude", auto: true},
		{file: "16-pieces-jointes-refusees.eml", from: "zoe.thomas@exemple.fr", name: "Zoé Thomas", subject: "Devis imprimante",
			text: []string{"Voici le devis"}, files: []string{"devis.pdf", "pilote.exe"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m := readMessage(t, tc.file)
			if m.From.Address != tc.from || (tc.name != "" && m.From.Name != tc.name) {
				t.Errorf("from = %q <%s>, want %q <%s>", m.From.Name, m.From.Address, tc.name, tc.from)
			}
			if m.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tc.subject)
			}
			for _, s := range tc.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, m.Text)
				}
			}
			if strings.ContainsRune(m.Text, '\uFFFD') || strings.Contains(m.Text, "Ã") {
				t.Errorf("text is mis-decoded:\n%s", m.Text)
			}
			var files []string
			for _, f := range m.Files {
				files = append(files, f.Name)
			}
			if strings.Join(files, ",") != strings.Join(tc.files, ",") {
				t.Errorf("files = %v, want %v", files, tc.files)
			}
			if m.HTMLOnly != tc.htmlOnly {
				t.Errorf("html only = %v", m.HTMLOnly)
			}
			if got := autoReason(m) != ""; got != tc.auto {
				t.Errorf("automatic = %v (%q), want %v", got, autoReason(m), tc.auto)
			}
			if isList(m) != tc.list {
				t.Errorf("list = %v", isList(m))
			}
			b, ok := bounceOf(m)
			if ok != (tc.bounce != nil) || strings.Join(b.Recipients, ",") != strings.Join(tc.bounce, ",") {
				t.Errorf("bounce = %v %v, want %v", ok, b.Recipients, tc.bounce)
			}
		})
	}
}

func TestParseIDs(t *testing.T) {
	m := readMessage(t, "08-outlook-fr-reponse.eml")
	if m.MessageID != "<PR3P195MB0701AA11BB22CC33DD44@PR3P195MB0701.EURP195.PROD.OUTLOOK.COM>" {
		t.Errorf("message id = %q", m.MessageID)
	}
	if strings.Join(m.InReplyTo, " ") != "<request-1042.m57@exemple.fr>" ||
		strings.Join(m.References, " ") != "<request-1042@exemple.fr> <request-1042.m57@exemple.fr>" {
		t.Errorf("in-reply-to %v, references %v", m.InReplyTo, m.References)
	}
	if strings.Join(m.To, ",") != "office+1042@exemple.fr" {
		t.Errorf("to = %v", m.To)
	}
}

func TestCleanSubject(t *testing.T) {
	for in, want := range map[string]string{
		"Re: [#1042] Plus d'eau chaude":      "Plus d'eau chaude",
		"RE : TR: Fwd: Badge perdu":          "Badge perdu",
		"TR : Réf. : devis":                  "devis",
		"AW: Re[2]: Parking":                 "Parking",
		"Réunion de rentrée":                 "Réunion de rentrée",
		"Reste du stock de café":             "Reste du stock de café",
		"  Demande   [#12]  de badge  ":      "Demande de badge",
		"Re:":                                "",
		"Fwd: Re: [#7] Re: Imprimante HS !!": "Imprimante HS !!",
	} {
		if got := CleanSubject(in); got != want {
			t.Errorf("CleanSubject(%q) = %q, want %q", in, got, want)
		}
	}
}
