package demo

import (
	"strings"
	"time"

	"majordome/internal/civil"
	"majordome/internal/fold"
	"majordome/internal/importfile"
	"majordome/internal/people"
)

// The company: Sentier & Co, a 60-person startup with its head office in the Sentier in Paris,
// a sales office in Lyon and three engineers in Strasbourg. Its people are the ones the product
// is written for (PRODUCT.md): Camille the Office Manager, Jérôme the part-time IT person, Noël
// the finance lead, Hélène a manager, Zoé in Lyon.
const (
	domain     = "sentier.co"
	paris      = "Paris - Sentier"
	lyon       = "Lyon - Part-Dieu"
	strasbourg = "Strasbourg"
)

// sites are created before the people, so that each has its own timezone and holidays:
// Strasbourg follows Alsace-Moselle's calendar (Good Friday and 26 December off).
var sites = []people.SiteInput{
	{Name: paris, Timezone: "Europe/Paris", HolidayRegion: "FR"},
	{Name: lyon, Timezone: "Europe/Paris", HolidayRegion: "FR"},
	{Name: strasbourg, Timezone: "Europe/Paris", HolidayRegion: "FR-ALSACE-MOSELLE"},
}

// member is one person of the demo company. manager is the full name of another member; start
// "next" means the first Monday of next month (the newcomers someone must prepare a desk and a
// laptop for), "next+1" the Monday after. Everything else is fixed, so the demo is the same
// every time.
type member struct {
	first, last, team, site, manager, start, end, lang string
}

// company lists everyone, managers before the people they manage (the import would sort them
// anyway; the order keeps the list readable).
var company = []member{
	// Direction.
	{"Antoine", "Lefèvre", "Direction", paris, "", "2018-01-15", "", ""},
	{"Isabelle", "Garnier", "Direction", paris, "Antoine Lefèvre", "2018-04-03", "", ""},
	{"Margaux", "Chevalier", "Direction", paris, "Antoine Lefèvre", "2021-09-06", "", ""},

	// Produit.
	{"Hélène", "Bernard", "Produit", paris, "Antoine Lefèvre", "2018-09-03", "", ""},
	{"Clémence", "Faure", "Produit", paris, "Hélène Bernard", "2020-06-15", "", ""},
	{"Aurélie", "Roux", "Produit", lyon, "Hélène Bernard", "2019-11-04", "", ""},
	{"Juliette", "Boyer", "Produit", paris, "Hélène Bernard", "2021-03-01", "", ""},
	{"François", "Dubois", "Produit", paris, "Hélène Bernard", "2022-01-04", "", ""},
	{"Inès", "Benali", "Produit", paris, "Hélène Bernard", "2022-09-12", "", ""},
	{"Maëlys", "Petit", "Produit", paris, "Hélène Bernard", "2023-01-09", "", ""},
	{"Ethan", "Moreau", "Produit", paris, "Hélène Bernard", "2023-04-11", "", "en"},
	{"Théo", "Lambert", "Produit", lyon, "Hélène Bernard", "2024-02-05", "", ""},
	{"Baptiste", "Morel", "Produit", paris, "Hélène Bernard", "next", "", ""},
	{"Laëtitia", "Fontaine", "Produit", paris, "Hélène Bernard", "2019-01-07", "2024-06-30", ""},

	// Tech.
	{"Mathieu", "Rousseau", "Tech", paris, "Antoine Lefèvre", "2018-02-01", "", ""},
	{"Nicolas", "Fournier", "Tech", paris, "Mathieu Rousseau", "2018-10-01", "", ""},
	{"Victor", "Henry", "Tech", paris, "Mathieu Rousseau", "2018-11-05", "", ""},
	{"Charlotte", "Vincent", "Tech", paris, "Mathieu Rousseau", "2019-03-11", "", ""},
	{"Romain", "Perrin", "Tech", strasbourg, "Nicolas Fournier", "2019-07-01", "", ""},
	{"Gaëtan", "Bonnet", "Tech", paris, "Charlotte Vincent", "2020-02-03", "", ""},
	{"Kévin", "Blanc", "Tech", lyon, "Nicolas Fournier", "2020-09-14", "", ""},
	{"Yasmine", "Haddad", "Tech", paris, "Charlotte Vincent", "2021-05-17", "", ""},
	{"Élodie", "Masson", "Tech", strasbourg, "Nicolas Fournier", "2021-11-15", "", ""},
	{"Lucas", "Girard", "Tech", paris, "Charlotte Vincent", "2022-03-07", "", ""},
	{"Hugo", "Muller", "Tech", strasbourg, "Nicolas Fournier", "2022-10-03", "", ""},
	{"Oliver", "Bennett", "Tech", paris, "Mathieu Rousseau", "2023-06-12", "", "en"},
	{"Manon", "Lemoine", "Tech", paris, "Nicolas Fournier", "2023-09-04", "", ""},
	{"Maxime", "Leclerc", "Tech", paris, "Charlotte Vincent", "2024-05-13", "", ""},
	{"Priya", "Raman", "Tech", paris, "Nicolas Fournier", "2024-09-02", "", "en"},
	{"Mélanie", "Guérin", "Tech", paris, "Charlotte Vincent", "2025-01-06", "", ""},
	{"Sarah", "Collins", "Tech", paris, "Mathieu Rousseau", "2026-04-13", "", "en"},
	{"Raphaël", "Gauthier", "Tech", paris, "Charlotte Vincent", "next+1", "", ""},
	{"Damien", "Rolland", "Tech", paris, "Mathieu Rousseau", "2020-03-02", "2025-03-31", ""},

	// Ventes, led from Paris, with the Lyon office under Sébastien.
	{"Julien", "Mercier", "Ventes", paris, "Antoine Lefèvre", "2018-06-04", "", ""},
	{"Sébastien", "Caron", "Ventes", lyon, "Julien Mercier", "2019-02-18", "", ""},
	{"Thibault", "Arnaud", "Ventes", paris, "Julien Mercier", "2019-09-02", "", ""},
	{"Laura", "Dupuis", "Ventes", paris, "Julien Mercier", "2020-01-13", "", ""},
	{"Bastien", "Renaud", "Ventes", lyon, "Sébastien Caron", "2021-01-11", "", ""},
	{"Alexandre", "Brun", "Ventes", paris, "Julien Mercier", "2021-06-07", "", ""},
	{"Quentin", "Barbier", "Ventes", paris, "Julien Mercier", "2022-04-19", "", ""},
	{"Zoé", "Thomas", "Ventes", lyon, "Sébastien Caron", "2022-05-02", "", ""},
	{"Gaëlle", "Robert", "Ventes", lyon, "Sébastien Caron", "2022-09-12", "", ""},
	{"Anaïs", "Leroy", "Ventes", lyon, "Sébastien Caron", "2023-03-20", "", ""},
	{"Pauline", "Roche", "Ventes", paris, "Julien Mercier", "2023-11-06", "", ""},
	{"Océane", "Picard", "Ventes", lyon, "Sébastien Caron", "2024-03-04", "", ""},
	{"James", "O'Connor", "Ventes", paris, "Julien Mercier", "2024-06-03", "", "en"},
	{"Arthur", "Giraud", "Ventes", paris, "Julien Mercier", "2025-02-03", "", ""},
	{"Eva", "Dumont", "Ventes", lyon, "Sébastien Caron", "2025-06-02", "", ""},
	{"Emma", "Fabre", "Ventes", paris, "Julien Mercier", "2026-09-01", "", ""},
	{"Grégoire", "Michel", "Ventes", paris, "Julien Mercier", "2018-09-10", "2022-12-31", ""},

	// Finance.
	{"Noël", "Richard", "Finance", paris, "Isabelle Garnier", "2019-10-01", "", ""},
	{"Benoît", "Lucas", "Finance", paris, "Noël Richard", "2020-05-04", "", ""},
	{"Agathe", "Colin", "Finance", lyon, "Noël Richard", "2021-10-18", "", ""},
	{"Samir", "Belkacem", "Finance", paris, "Noël Richard", "2023-02-13", "", ""},
	{"Chloé", "Laurent", "Finance", paris, "Noël Richard", "2024-01-08", "", ""},

	// Ops & Office: Camille, and the people who keep the offices running with her.
	{"Camille", "Martin", "Ops & Office", paris, "Isabelle Garnier", "2019-09-02", "", ""},
	{"Lucie", "Bertrand", "Ops & Office", lyon, "Camille Martin", "2022-06-20", "", ""},
	{"Jérôme", "Durand", "Ops & Office", paris, "Camille Martin", "2023-02-06", "", ""},
	{"Léa", "Simon", "Ops & Office", paris, "Camille Martin", "2023-10-02", "", ""},
	{"Noémie", "Perrot", "Ops & Office", paris, "Camille Martin", "2025-10-06", "", ""},
}

// email is prenom.nom@sentier.co without accents, spaces or apostrophes: "James O'Connor" gives
// james.oconnor@sentier.co, as most mail systems would have it.
func email(first, last string) string {
	clean := func(s string) string {
		return strings.NewReplacer(" ", "", "'", "", "’", "").Replace(fold.Key(s))
	}
	return clean(first) + "." + clean(last) + "@" + domain
}

// rows returns the company as the lines of an import file, with the newcomers' dates computed
// from today.
func rows(today civil.Date) []importfile.PersonRow {
	emails := map[string]string{}
	for _, m := range company {
		emails[m.first+" "+m.last] = email(m.first, m.last)
	}
	out := make([]importfile.PersonRow, len(company))
	for i, m := range company {
		r := importfile.PersonRow{
			Line:      i + 2, // as if the file had a header line
			FirstName: m.first, LastName: m.last, Email: email(m.first, m.last),
			Team: m.team, Site: m.site, StartDate: startDate(m.start, today), EndDate: m.end,
			Language: m.lang,
		}
		if m.manager != "" {
			r.ManagerEmail = emails[m.manager]
			if r.ManagerEmail == "" {
				// A misspelt name becomes an address nobody has: the import refuses the line
				// and the test says which one, rather than the person silently losing a manager.
				r.ManagerEmail = "unknown-manager@" + domain
			}
		}
		if m.end != "" {
			r.Active = "non"
		}
		out[i] = r
	}
	return out
}

// startDate resolves "next" and "next+1" to the first and second Monday of the month after today.
func startDate(s string, today civil.Date) string {
	weeks := map[string]int{"next": 0, "next+1": 1}
	n, ok := weeks[s]
	if !ok {
		return s
	}
	t := time.Date(today.Year, today.Month+1, 1, 0, 0, 0, 0, time.UTC)
	for t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, 1)
	}
	return civil.Of(t.AddDate(0, 0, 7*n)).String()
}
