package mailin

import "testing"

// TestStripReplyCorpus strips the replies of testdata as their clients wrote them.
func TestStripReplyCorpus(t *testing.T) {
	for file, want := range map[string]string{
		"02-gmail-reponse-citee.eml":     "C'est bon, le plombier est passé, ça remarche. Merci beaucoup !",
		"08-outlook-fr-reponse.eml":      "Parfait, merci Jérôme. Je serai là jusqu'à 18 h.\n\nHélène Bernard\nResponsable marketing",
		"09-apple-mail-reponse.eml":      "Super, elle est comme neuve. Merci !",
		"15-outlook-en-reponse.eml":      "The plumber confirmed Thursday morning.\n\nJerome",
		"17-gmail-en-reponse.eml":        "Thanks, see you Thursday.",
		"03-apple-mail-piece-jointe.eml": "Salut Jérôme,\n\nLe vérin de ma chaise a lâché (photo jointe), poste 3-14.\n\nFrançois",
	} {
		if got := StripReply(readMessage(t, file).Text); got != want {
			t.Errorf("%s:\n got %q\nwant %q", file, got, want)
		}
	}
}

func TestStripReply(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"gmail fr", "Oui, merci.\n\nLe lun. 4 mai 2026 à 10:02, Office <office+7@exemple.fr> a écrit :\n> Bonjour", "Oui, merci."},
		{"gmail en", "Yes.\n\nOn Mon, May 4, 2026 at 10:02 AM Office <office+7@exemple.fr> wrote:\n> Hello", "Yes."},
		{"apple fr", "D'accord.\n\n> Le 4 mai 2026 à 10:02, Office a écrit :\n> \n> Bonjour", "D'accord."},
		{"apple fr unquoted", "D'accord.\n\nLe 4 mai 2026 à 10:02, Camille Durand <office@exemple.fr> a écrit :\n\nBonjour", "D'accord."},
		{"apple en", "Sure.\n\nOn 4 May 2026, at 10:02, Office <office@exemple.fr> wrote:\n\n> Hi", "Sure."},
		{"outlook fr header block", "Merci.\n\nDe : Office <office@exemple.fr>\nEnvoyé : lundi 4 mai 2026 10:02\nÀ : Zoé\nObjet : RE: badge\n\nBonjour", "Merci."},
		{"outlook mac fr", "Merci.\n\nDe : Office <office@exemple.fr>\nDate : lundi 4 mai 2026 à 10:02\nÀ : Zoé <zoe@exemple.fr>\nObjet : badge", "Merci."},
		{"outlook html turned to text", "Très bien.\n\n--------\n*De :* Office <office@exemple.fr>\n*Envoyé :* lundi 4 mai 2026 10:02\n*À :* Zoé\n*Objet :* badge", "Très bien."},
		{"original message", "Done.\n\n-----Original Message-----\nFrom: Office\nSent: Monday\n\nHello", "Done."},
		{"message d'origine", "Fait.\n\n-----Message d'origine-----\nDe : Office\nEnvoyé : lundi", "Fait."},
		{"underscores", "Vu.\n\n________________________________\nDe : Office\nEnvoyé : lundi\nÀ : moi", "Vu."},
		{"signature", "Je passe demain.\n\n-- \nZoé Thomas\nLyon", "Je passe demain."},
		{"iphone", "Ok pour jeudi.\n\nEnvoyé de mon iPhone\n\n> Le 4 mai 2026 à 10:02, Office a écrit :", "Ok pour jeudi."},
		{"outlook mobile", "Ok.\n\nObtenir Outlook pour iOS\n________________________________\nDe : Office", "Ok."},
		{"sent from my", "Ok.\n\nSent from my Galaxy", "Ok."},
		{"quoted lines", "> Pouvez-vous passer ?\nOui, à 14 h.\n> Et le badge ?\nIl est prêt.", "Oui, à 14 h.\nIl est prêt."},
		{"nothing but a quote keeps the text", "> Bonjour\n> ça marche ?", "> Bonjour\n> ça marche ?"},
		{"prose that starts like an attribution is kept", "Le badge de Zoé est prêt.\nLe reste suit demain.", "Le badge de Zoé est prêt.\nLe reste suit demain."},
		{"a From: line in prose is kept", "From: the accounting team, a question.\nCan you help?", "From: the accounting team, a question.\nCan you help?"},
		{"crlf and blank lines", "Bonjour,\r\n\r\n\r\n\r\nC'est réglé.\r\n", "Bonjour,\n\nC'est réglé."},
	} {
		if got := StripReply(tc.in); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
