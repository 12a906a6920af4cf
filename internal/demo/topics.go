package demo

import (
	"majordome/internal/article"
	"majordome/internal/civil"
)

// topic is a kind of request the demo's employees file, in their words. guide is the slug of
// the bible's article that answers it ("" when only the team can): only those requests may be
// solved by the bible.
type topic struct {
	title, description, category, guide string
}

// topics are what a 60-person office asks its Office Manager and part-time IT person, roughly
// in proportion: the frequent ones appear twice.
var topics = []topic{
	{"Code du Wi-Fi invités", "J'ai un client à 14 h, quel est le code du Wi-Fi invités aujourd'hui ?", "IT & Wi-Fi", "wifi-invites"},
	{"Wi-Fi invités pour un candidat", "Un candidat vient pour un entretien demain matin, il lui faudra le Wi-Fi.", "IT & Wi-Fi", "wifi-invites"},
	{"L'imprimante du 3e affiche « bourrage »", "Elle clignote en orange et n'imprime plus rien, j'ai ouvert le bac sans rien trouver.", "IT & Wi-Fi", "imprimante"},
	{"Plus de toner à l'imprimante", "L'imprimante du 3e dit que le toner noir est vide.", "IT & Wi-Fi", "imprimante"},
	{"VPN qui ne se connecte pas depuis chez moi", "Je suis en télétravail et le VPN reste sur « connexion en cours ».", "IT & Wi-Fi", "vpn"},
	{"Accès au VPN pour le télétravail", "Je n'ai jamais utilisé le VPN, comment est-ce que je l'installe ?", "IT & Wi-Fi", "vpn"},
	{"Écran externe qui ne s'allume plus", "Mon deuxième écran reste noir depuis ce matin, le câble a l'air branché.", "IT & Wi-Fi", ""},
	{"Mot de passe Google expiré", "Impossible de me connecter à ma messagerie, il me demande un mot de passe que je n'ai plus.", "IT & Wi-Fi", ""},
	{"Casque pour les visios", "Le micro de mon casque ne marche plus, est-ce qu'on en a un de rechange ?", "Fournitures", ""},
	{"Commande de post-it et de carnets", "Il n'y a plus de post-it ni de carnets dans l'armoire des fournitures.", "Fournitures", ""},
	{"Chaise de bureau cassée", "Le vérin de ma chaise ne tient plus, elle descend toute seule.", "Locaux & maintenance", ""},
	{"Clim trop forte en salle Montmartre", "On gèle dans la salle Montmartre, est-ce qu'on peut monter la température ?", "Locaux & maintenance", ""},
	{"Fuite sous l'évier de la cuisine", "Il y a une flaque sous l'évier de la cuisine du 2e.", "Locaux & maintenance", ""},
	{"Ampoule grillée dans le couloir", "L'éclairage du couloir près des toilettes ne marche plus.", "Locaux & maintenance", ""},
	{"Badge perdu", "J'ai perdu mon badge d'accès, je suis entré avec un collègue ce matin.", "Locaux & maintenance", "badge"},
	{"Badge qui n'ouvre plus la porte du parking", "Mon badge ouvre l'entrée mais plus la porte du parking.", "Locaux & maintenance", "badge"},
	{"Réserver la grande salle pour un atelier", "J'aurais besoin de la grande salle jeudi toute la journée pour un atelier client.", "Événements", "salles"},
	{"Salle pour un entretien vendredi", "Comment je réserve une salle pour un entretien vendredi à 10 h ?", "Événements", "salles"},
	{"Pot de départ de Laëtitia", "On voudrait organiser un pot vendredi soir, peut-on commander des boissons ?", "Événements", ""},
	{"Note de frais refusée", "Ma note de frais du déplacement à Lille a été refusée, je ne comprends pas pourquoi.", "Comptabilité & notes de frais", "notes-de-frais"},
	{"Justificatif de taxi perdu", "J'ai perdu le reçu d'un taxi, est-ce que je peux quand même me faire rembourser ?", "Comptabilité & notes de frais", "notes-de-frais"},
	{"Facture fournisseur en attente", "Le traiteur de l'événement de mars relance pour sa facture.", "Comptabilité & notes de frais", ""},
	{"Colis à mon nom à l'accueil ?", "Le transporteur dit avoir livré un colis pour moi hier, quelqu'un l'a vu ?", "Courrier & colis", ""},
	{"Envoi d'un recommandé", "Je dois envoyer un recommandé avec accusé de réception à un client.", "Courrier & colis", ""},
	{"Attestation employeur", "La banque me demande une attestation employeur pour un prêt.", "RH & paie", ""},
	{"Question sur ma fiche de paie", "Il y a une ligne de régularisation que je ne comprends pas sur ma fiche de paie.", "RH & paie", ""},
	{"Mutuelle : ajouter mon conjoint", "Je voudrais ajouter mon conjoint à la mutuelle, quels papiers faut-il ?", "RH & paie", ""},
	{"Clé du local vélos", "Où est-ce qu'on récupère la clé du local vélos ?", "Autre", ""},
}

// guides are the bible's articles that answer the frequent questions, written by the team
// before the demo's history starts.
func guides(today civil.Date) []article.Article {
	verified := civil.Date{Year: today.Year + 1, Month: today.Month, Day: 1}
	a := func(slug, title, category, owner, body string) article.Article {
		return article.Article{Slug: slug, Title: title, Kind: article.KindArticle, Category: category,
			Audience: article.AudienceEveryone, Status: article.StatusPublished, OwnerEmail: owner,
			VerifiedUntil: verified, Body: body}
	}
	jerome, lea := email("Jérôme", "Durand"), email("Léa", "Simon")
	return []article.Article{
		a("wifi-invites", "Wi-Fi invités : le code du jour", "IT & Wi-Fi", jerome,
			"Le réseau **Sentier-Invites** change de code chaque lundi.\n\n"+
				"1. Le code de la semaine est affiché à l'accueil et dans le canal Slack #bureau.\n"+
				"2. Pour un événement de plus de 10 personnes, demandez un code dédié la veille.\n\n"+
				"Le Wi-Fi invités ne donne pas accès à l'imprimante ni aux dossiers partagés."),
		a("imprimante", "Imprimante du 3e : bourrage et toner", "IT & Wi-Fi", jerome,
			"## Bourrage\n\nOuvrez la trappe B sur le côté droit, tirez la feuille vers le haut, refermez.\n\n"+
				"## Toner\n\nLes toners de rechange sont dans l'armoire du local reprographie (étagère du bas)."),
		a("vpn", "VPN : travailler depuis chez soi", "IT & Wi-Fi", jerome,
			"Installez **WireGuard** depuis le Centre logiciel, puis importez le fichier reçu par email "+
				"à votre arrivée.\n\nSi la connexion reste « en cours », redémarrez le Wi-Fi de votre box : "+
				"certaines bloquent le port 51820 après une mise à jour."),
		a("badge", "Badge perdu, oublié ou qui n'ouvre plus", "Locaux & maintenance", lea,
			"- **Oublié** : l'accueil prête un badge visiteur pour la journée.\n"+
				"- **Perdu** : signalez-le, il est désactivé dans l'heure ; le nouveau coûte 15 €.\n"+
				"- **Parking** : les droits du parking se renouvellent chaque trimestre, passez le badge "+
				"devant le lecteur de l'accueil pour les recharger."),
		a("salles", "Réserver une salle de réunion", "Événements", lea,
			"Les salles (Montmartre, Canal, Confluence à Lyon) se réservent dans l'agenda Google : "+
				"ajoutez la salle comme invitée. La grande salle se réserve une semaine à l'avance au plus tard."),
		a("notes-de-frais", "Notes de frais : ce qui est remboursé", "Comptabilité & notes de frais", email("Noël", "Richard"),
			"Chaque dépense se déclare avec sa **photo de justificatif** dans les 30 jours.\n\n"+
				"- Taxi : seulement après 21 h ou avec bagages.\n"+
				"- Justificatif perdu : une attestation sur l'honneur, une fois par an.\n"+
				"- Une note refusée l'est presque toujours faute de justificatif lisible : reprenez la photo."),
	}
}

// The comments some requesters leave with their rating, happy ones first.
var (
	praise = []string{"Merci, super rapide !", "Parfait, merci beaucoup.", "Top, merci Jérôme 🙏",
		"Réglé en 10 minutes, bravo.", "Merci pour le suivi.", ""}
	grumbles = []string{"Ça a pris trois jours pour une ampoule…", "Toujours pas clair pour moi.",
		"Il a fallu relancer deux fois."}
	answers = []string{"Je regarde ça tout de suite.", "C'est noté, je passe vous voir dans la matinée.",
		"Merci pour le signalement, je m'en occupe.", "Bien reçu, je reviens vers vous d'ici ce soir."}
	closings = []string{"C'est réglé, dites-moi si le problème revient.", "Voilà qui est fait !",
		"C'est fait, bonne journée.", "Réglé : le prestataire est passé ce matin."}
	questions = []question{{"Comment avoir le Wi-Fi pour un visiteur ?", "wifi-invites"},
		{"bourrage imprimante", "imprimante"}, {"vpn télétravail", "vpn"}, {"badge oublié", "badge"},
		{"réserver une salle", "salles"}, {"note de frais taxi", "notes-de-frais"}}
)

// question is what someone typed in the portal, and the guide that answered it.
type question struct{ text, guide string }
