package importfile

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Field names, used in HeaderError so the UI can translate them.
const (
	FieldFirstName    = "first_name"
	FieldLastName     = "last_name"
	FieldFullName     = "full_name"
	FieldEmail        = "email"
	FieldTeam         = "team"
	FieldSite         = "site"
	FieldManagerEmail = "manager_email"
	FieldStartDate    = "start_date"
	FieldEndDate      = "end_date"
	FieldLanguage     = "language"
	FieldActive       = "active"
)

// headerSynonyms lists, per field, the headers seen in French and English
// files. They are written naturally here and normalised at init, so adding
// one is just typing it the way it appears in a spreadsheet.
var headerSynonyms = map[string][]string{
	FieldLastName: {"Nom", "Nom de famille", "Nom d'usage", "Nom usuel", "Last name", "Lastname",
		"Surname", "Family name"},
	FieldFirstName: {"Prénom", "Prénom usuel", "First name", "Firstname", "Given name"},
	FieldFullName: {"Nom complet", "Prénom Nom", "Prénom et nom", "Full name", "Fullname",
		"Name"},
	FieldEmail: {"E-mail", "Email", "Mail", "Adresse e-mail", "Adresse mail",
		"Adresse e-mail professionnelle", "Courriel", "Email address", "Work email",
		"Business email", "E-mail professionnel", "Mail professionnel", "E-mail pro"},
	FieldTeam: {"Équipe", "Service", "Département", "Department", "Team", "Pôle"},
	FieldSite: {"Site", "Établissement", "Bureau", "Office", "Location", "Lieu de travail",
		"Agence", "Localisation"},
	FieldManagerEmail: {"Manager", "E-mail du manager", "Adresse e-mail du manager",
		"Mail du manager", "Responsable", "E-mail du responsable", "Responsable hiérarchique",
		"Manager email", "Manager e-mail", "Manager mail", "E-mail manager", "N+1"},
	FieldStartDate: {"Date d'arrivée", "Date d'entrée", "Date d'embauche", "Date de début",
		"Start date", "Hire date", "Arrival date"},
	FieldEndDate: {"Date de départ", "Date de sortie", "Date de fin", "Date de fin de contrat",
		"End date", "Leaving date", "Departure date"},
	FieldLanguage: {"Langue", "Language", "Lang", "Langue préférée", "Locale"},
	FieldActive:   {"Actif", "Active", "Actif ?", "En poste"},
}

// headerIndex maps a normalised header to its field.
var headerIndex = func() map[string]string {
	idx := make(map[string]string)
	for field, names := range headerSynonyms {
		for _, n := range names {
			k := normalizeHeader(n)
			if prev, ok := idx[k]; ok && prev != field {
				panic("importfile: header synonym " + n + " used for " + prev + " and " + field)
			}
			idx[k] = field
		}
	}
	return idx
}()

// normalizeHeader folds case, accents, punctuation, spaces and any
// parenthesised hint, so "Date d'arrivée (jj/mm/aaaa)", "DATE D ARRIVEE" and
// "date_d'arrivée" all compare equal. Dropping every separator also makes
// "E-mail" equal "Email".
func normalizeHeader(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == '(' || r == '[':
			depth++
		case r == ')' || r == ']':
			if depth > 0 {
				depth--
			}
		case depth > 0, unicode.Is(unicode.Mn, r):
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// columns is the result of mapping a header row: field → column index.
type columns map[string]int

// findHeader returns the index of the header among the first rows: the first
// one naming at least two known fields. When none does, the first row is the
// header, so that the HeaderError lists what the user actually wrote.
func findHeader(recs []record) int {
	for i := 0; i < len(recs) && i < headerSearchLimit; i++ {
		known := map[string]bool{}
		for _, c := range recs[i].cells {
			if f, ok := headerIndex[normalizeHeader(c)]; ok {
				known[f] = true
			}
		}
		if len(known) >= 2 {
			return i
		}
	}
	return 0
}

// mapHeader maps header cells to fields. Unknown columns are ignored; a
// field claimed by several columns is an error because silently picking one
// could import the wrong data (e.g. "Service" and "Département" side by side).
func mapHeader(header []string) (columns, *HeaderError) {
	cols := columns{}
	claims := map[string][]string{}
	var found []string
	for i, h := range header {
		if h == "" {
			continue
		}
		found = append(found, h)
		f, ok := headerIndex[normalizeHeader(h)]
		if !ok {
			continue
		}
		claims[f] = append(claims[f], h)
		if _, dup := cols[f]; !dup {
			cols[f] = i
		}
	}

	herr := &HeaderError{Found: found}
	for f, hs := range claims {
		if len(hs) > 1 {
			herr.Duplicate = append(herr.Duplicate, f)
			if herr.DuplicateHeaders == nil {
				herr.DuplicateHeaders = map[string][]string{}
			}
			herr.DuplicateHeaders[f] = hs
		}
	}
	sort.Strings(herr.Duplicate)

	_, hasFirst := cols[FieldFirstName]
	_, hasLast := cols[FieldLastName]
	_, hasFull := cols[FieldFullName]
	// A single "Nom complet" column stands in for both name columns (split
	// per row); it is ignored as soon as either real name column exists.
	if useFull := !hasFirst && !hasLast && hasFull; !useFull {
		delete(cols, FieldFullName)
		if !hasLast {
			herr.Missing = append(herr.Missing, FieldLastName)
		}
		if !hasFirst {
			herr.Missing = append(herr.Missing, FieldFirstName)
		}
	}
	if _, ok := cols[FieldEmail]; !ok {
		herr.Missing = append(herr.Missing, FieldEmail)
	}
	if len(herr.Missing) > 0 || len(herr.Duplicate) > 0 {
		return nil, herr
	}
	return cols, nil
}

// person builds the PersonRow of one data record. A missing column or a row
// shorter than the header (Excel drops trailing empty cells) gives "".
func (c columns) person(rec record, render cellRenderer) PersonRow {
	get := func(field string) string {
		i, ok := c[field]
		if !ok || i >= len(rec.cells) {
			return ""
		}
		v := rec.cells[i]
		if render != nil && v != "" {
			v = strings.TrimSpace(render(i+1, rec.line, v))
		}
		return v
	}
	p := PersonRow{
		Line:         rec.line,
		FirstName:    get(FieldFirstName),
		LastName:     get(FieldLastName),
		Email:        get(FieldEmail),
		Team:         get(FieldTeam),
		Site:         get(FieldSite),
		ManagerEmail: get(FieldManagerEmail),
		StartDate:    get(FieldStartDate),
		EndDate:      get(FieldEndDate),
		Language:     get(FieldLanguage),
		Active:       get(FieldActive),
	}
	if _, ok := c[FieldFullName]; ok {
		p.FirstName, p.LastName = SplitFullName(get(FieldFullName))
	}
	return p
}

// SplitFullName splits a "full name" cell into first and last name. French
// files commonly write the family name in capitals, on either side
// ("DUPONT Jean", "Jean-Marie LE GALL"), so a run of all-capital words at
// the start or end is taken as the last name; otherwise the split is on the
// first space ("Jean Dupont"). A single word is returned as the last name,
// leaving the first name empty for the people domain to reject.
func SplitFullName(s string) (first, last string) {
	words := strings.Fields(s)
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return "", words[0]
	}
	n := 0
	for n < len(words) && isUpperWord(words[n]) {
		n++
	}
	if n > 0 && n < len(words) {
		return strings.Join(words[n:], " "), strings.Join(words[:n], " ")
	}
	n = len(words)
	for n > 0 && isUpperWord(words[n-1]) {
		n--
	}
	if n > 0 && n < len(words) {
		return strings.Join(words[:n], " "), strings.Join(words[n:], " ")
	}
	return words[0], strings.Join(words[1:], " ")
}

// isUpperWord reports whether w has at least two letters and no lower-case
// one; single letters ("J." initials) are not evidence of a family name.
func isUpperWord(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}
