package main

import (
	"math/rand/v2"
	"strings"
)

// The words of the generated company and its requests: French first and last names, and for
// each default category the subjects, problems and vocabulary its requests are written with.
// Descriptions draw their words with Zipf's law from the category's words, the office's common
// words and a long tail of generated ones, so that search meets common words, rare words and
// words found nowhere, as in real text.

var firstNames = strings.Fields(`Camille Léa Manon Chloé Emma Inès Jade Louise Alice Lina Julie Sarah Laura
	Marie Anaïs Clara Zoé Noémie Agathe Hélène Isabelle Nathalie Sophie Céline Aurélie Élodie Margaux
	Lucas Hugo Louis Gabriel Arthur Jules Adam Raphaël Nathan Théo Thomas Antoine Maxime Nicolas
	Julien Mathieu Benoît Jérôme Olivier Pierre François Étienne Noël Samir Karim Mehdi Yanis
	Youssef Amadou Moussa Kevin Romain Baptiste Quentin Clément Valentin Aurélien Sébastien`)

var lastNames = strings.Fields(`Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau
	Simon Laurent Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André
	Lefèvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc
	Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine
	Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger
	Roche Roy Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun
	Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud
	Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre Dupuis
	Olivier Rodriguez Da Silva Hubert Louis Charles Guillot Rivière Le Gall Guillaume Adam Rey
	Moulin Gonzalez Berger Lecomte Menard Fleury Deschamps Carpentier Julien Benoît Paris Maillard
	Marchal Aubry Vasseur Le Roux Renault Jacquet Collet Prévost Poirier Charpentier Royer Huet
	Baron Dupuy Pons Paul Laine Carré Breton Rémy Schneider Perrot Belkacem Benali Haddad`)

var teams = []string{"Direction", "Finance", "Ressources humaines", "Ops & Office", "Produit", "Tech",
	"Data", "Ventes", "Marketing", "Support client", "Juridique", "Achats"}

var sites = []string{"Paris", "Lyon", "Strasbourg"}

// topic is how requests of one category are written.
type topic struct {
	category string // a default category of the desk, "" for none
	weight   int    // how many requests of a hundred
	subjects []string
	problems []string
	words    []string // what their descriptions talk about
	tags     []string
}

var topics = []topic{
	{category: "IT & Wi-Fi", weight: 24,
		subjects: []string{"Le Wi-Fi", "L'imprimante", "Mon ordinateur portable", "L'écran", "Le clavier", "La souris",
			"Le VPN", "La visio", "Le projecteur", "Mon téléphone", "Le scanner", "Ma messagerie", "Le réseau invité"},
		problems: []string{"ne fonctionne plus", "est très lent", "ne s'allume pas", "coupe sans arrêt",
			"affiche une erreur", "refuse mon mot de passe", "ne se connecte pas", "fait un bruit bizarre",
			"n'imprime qu'en noir et blanc", "est bloqué depuis ce matin"},
		words: strings.Fields(`wifi réseau imprimante cartouche toner écran clavier souris ordinateur portable
			câble chargeur adaptateur hdmi projecteur visio casque micro webcam vpn messagerie mot passe
			compte licence logiciel installation mise jour redémarrage connexion borne débit scanner`),
		tags: []string{"wifi", "imprimante", "poste-de-travail", "visio", "accès"}},
	{category: "Locaux & maintenance", weight: 20,
		subjects: []string{"Le chauffage", "La climatisation", "La porte", "L'ascenseur", "La fenêtre", "Le store",
			"Les toilettes", "La lumière", "Le radiateur", "La serrure", "Le parking", "La machine à café"},
		problems: []string{"est en panne", "fuit", "ne ferme plus", "fait beaucoup de bruit", "ne marche plus",
			"est bloqué", "sent mauvais", "clignote", "est cassé", "ne chauffe plus"},
		words: strings.Fields(`chauffage radiateur thermostat climatisation température fuite eau plafond sol
			moquette peinture mur fenêtre store porte serrure clé badge ascenseur étage lumière ampoule néon
			interrupteur prise électricité toilettes lavabo douche ménage nettoyage odeur bruit dégât
			inondation réparation intervention maintenance prestataire extincteur alarme parking vélo`),
		tags: []string{"fuite", "chauffage", "électricité", "ménage", "sécurité"}},
	{category: "Fournitures", weight: 14,
		subjects: []string{"Commande de", "Plus de", "Besoin de", "Réassort de", "Rupture de"},
		problems: []string{"papier A4", "stylos", "cartouches", "post-it", "cahiers", "gobelets", "capsules de café",
			"piles", "enveloppes", "chargeurs USB-C", "carnets", "agrafes"},
		words: strings.Fields(`fournitures commande papier stylo cahier classeur agrafeuse agrafe trombone
			enveloppe cartouche toner gobelet café thé capsule sucre lait piles chargeur carnet post-it
			réassort stock armoire livraison fournisseur devis budget`),
		tags: []string{"commande", "café", "papeterie"}},
	{category: "RH & paie", weight: 8,
		subjects: []string{"Question sur ma fiche de paie", "Attestation employeur", "Mutuelle", "Arrêt maladie",
			"Congé parental", "Ticket restaurant", "Changement de RIB", "Visite médicale", "Rupture conventionnelle"},
		problems: []string{"pour le mois dernier", "à mettre à jour", "urgent", "à envoyer", "non reçu",
			"à corriger", "pour mon dossier"},
		words: strings.Fields(`paie salaire fiche bulletin prime mutuelle prévoyance arrêt maladie congé
			parental attestation employeur contrat avenant période essai visite médicale ticket restaurant
			remboursement transport navigo rib virement médecin dossier confidentiel`),
		tags: []string{"paie", "mutuelle", "congés"}},
	{category: "Comptabilité & notes de frais", weight: 10,
		subjects: []string{"Note de frais", "Facture fournisseur", "Remboursement", "Avance de frais", "Bon de commande"},
		problems: []string{"en attente de validation", "refusée", "à rembourser", "non payée", "en double",
			"sans justificatif", "à valider avant vendredi"},
		words: strings.Fields(`note frais facture devis fournisseur remboursement avance justificatif reçu
			taxi train hôtel repas client déplacement kilométrique validation manager comptabilité
			virement paiement échéance budget commande achat tva montant`),
		tags: []string{"note-de-frais", "facture"}},
	{category: "Événements", weight: 7,
		subjects: []string{"Pot de départ", "Séminaire d'équipe", "Anniversaire", "Afterwork", "Soirée de fin d'année",
			"Petit-déjeuner d'accueil", "Réunion plénière"},
		problems: []string{"jeudi prochain", "à organiser", "réservation de salle", "traiteur à commander",
			"pour vingt personnes", "à préparer", "au rooftop"},
		words: strings.Fields(`événement pot départ séminaire anniversaire afterwork soirée traiteur buffet
			salle réservation invitation invité boissons gâteau décoration musique terrasse rooftop
			planning budget équipe accueil nouveaux arrivants`),
		tags: []string{"événement", "traiteur"}},
	{category: "Courrier & colis", weight: 10,
		subjects: []string{"Colis", "Recommandé", "Courrier", "Livraison", "Coursier", "Lettre"},
		problems: []string{"bloqué à l'accueil", "non reçu", "à envoyer en urgence", "perdu", "abîmé",
			"à récupérer", "livré au mauvais étage"},
		words: strings.Fields(`colis courrier recommandé lettre livraison coursier accueil réception
			transporteur suivi numéro étiquette affranchissement timbre boîte enveloppe expédition retour
			signature avis passage`),
		tags: []string{"colis", "courrier"}},
	{category: "Autre", weight: 4,
		subjects: []string{"Question", "Suggestion", "Demande", "Remarque", "Idée"},
		problems: []string{"sur le télétravail", "pour l'open space", "sur les plantes", "pour la cuisine",
			"sur le tri des déchets", "sur les casiers"},
		words: strings.Fields(`question suggestion idée télétravail open space plante cuisine frigo
			micro-ondes vaisselle tri déchets recyclage casier vestiaire vélo bruit calme bouilloire`),
		tags: []string{"suggestion"}},
	{category: "", weight: 3,
		subjects: []string{"Besoin d'aide", "Petit souci", "Demande urgente", "Problème"},
		problems: []string{"au troisième étage", "en salle Jupiter", "à l'accueil", "côté cuisine", "ce matin"},
		words:    strings.Fields(`aide souci problème demande urgent étage salle accueil cuisine matin`)},
}

// commonWords are the office's words that any request may use; stopWords join them.
var commonWords = strings.Fields(`bureau salle réunion étage accueil équipe matin après-midi semaine
	demain urgent merci problème besoin possible rapidement depuis encore toujours vendredi lundi
	jupiter saturne mercure vénus open space cuisine télétravail client manager direction service`)

var stopWords = strings.Fields("le la les de des du un une et en au à dans pour sur par avec ne pas plus il elle est qui que mon ma mes nous")

var greetings = []string{"Bonjour,", "Bonjour à tous,", "Hello,", "Bonjour Camille,", "Salut,", ""}

var closings = []string{"Merci d'avance.", "Merci beaucoup !", "Bonne journée.", "Merci pour votre aide.", ""}

// replies are what agents answer.
var replies = []string{
	"Bonjour, c'est noté, nous regardons cela aujourd'hui.",
	"Le prestataire passe demain matin, je vous tiens au courant.",
	"C'est réglé, pouvez-vous vérifier de votre côté ?",
	"Commande passée, livraison prévue sous trois jours.",
	"Pouvez-vous préciser l'étage et la salle ?",
	"Le technicien est intervenu, tout fonctionne à nouveau.",
}

// vocabulary is the long tail: the topics' and common words, then generated ones up to 20 000.
func vocabulary(r *rand.Rand) []string {
	seen := map[string]bool{}
	var v []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			v = append(v, w)
		}
	}
	for _, w := range commonWords {
		add(w)
	}
	for _, t := range topics {
		for _, w := range t.words {
			add(w)
		}
	}
	syll := strings.Fields("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge la le li lo lu ma me mi mo mu na ne ni no pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo tion ment eur")
	for len(v) < 20_000 {
		var b strings.Builder
		for n := 2 + r.IntN(3); n > 0; n-- {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		add(b.String())
	}
	return v
}

// searchQueries are what agents type in the queue's search box: common words, rarer ones,
// prefixes as they type, two words, and one that matches nothing.
var searchQueries = []string{
	"imprimante", "bureau", "wifi", "fuite", "colis", "note de frais", "chauffage",
	"extincteur", "serrure", "mutuelle", "traiteur", "recommandé", "bouilloire",
	"impr", "clim", "cart", "rem", "bu",
	"fuite eau", "badge parking", "imprimante toner", "salle jupiter", "écran clignote",
	"zzzz introuvable",
}
