// Package calendar owns the clock behind service levels: French public holidays (with the
// Alsace-Moselle extras), the business hours of a site in its timezone, and SLA clocks that
// pause while a request waits on its requester.
package calendar

import (
	"slices"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"

	"majordome/internal/civil"
)

// Region names a public-holiday calendar. The values are those stored in a site's
// holiday_region column (people.HolidayRegions).
type Region string

// The public-holiday calendars a site can follow.
const (
	// France is metropolitan France: the eleven days of the Code du travail (article L3133-1).
	France Region = "FR"
	// AlsaceMoselle is Bas-Rhin, Haut-Rhin and Moselle, whose local law adds Good Friday and
	// 26 December (article L3134-13).
	AlsaceMoselle Region = "FR-ALSACE-MOSELLE"
)

// Holiday is one public holiday: its date and its French name.
type Holiday struct {
	Date civil.Date
	Name string
}

// The rules come from rickar/cal, which knows Easter and the French days; we only rename them
// to the names people in France read on a calendar (the library says "Nouvel an", "Fête
// Nationale"), and add the two Alsace-Moselle days from its common building blocks, since its
// fr package has no regional calendars. Clone copies, so the library's values stay untouched.
var (
	france = []*cal.Holiday{
		fr.NouvelAn.Clone(&cal.Holiday{Name: "Jour de l'an"}),
		fr.LundiDePâques,
		fr.FêteDuTravail,
		fr.FêteDeLaVictoire.Clone(&cal.Holiday{Name: "Victoire 1945"}),
		fr.Ascension,
		fr.LundiDePentecôte,
		fr.FêteNationale.Clone(&cal.Holiday{Name: "Fête nationale"}),
		fr.Assomption,
		fr.Toussaint,
		fr.Armistice1918.Clone(&cal.Holiday{Name: "Armistice 1918"}),
		fr.Noël,
	}
	alsaceMoselle = append(slices.Clip(france),
		aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic}),
		aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Saint-Étienne", Type: cal.ObservancePublic}),
	)
)

func rules(region Region) []*cal.Holiday {
	switch region {
	case France:
		return france
	case AlsaceMoselle:
		return alsaceMoselle
	}
	return nil
}

// whitMonday is Lundi de Pentecôte, the one public holiday many French employers make the
// worked "journée de solidarité" (Code du travail, article L3133-7); Hours.WorkWhitMonday
// counts it as a working day.
var whitMonday = fr.LundiDePentecôte

// Holidays returns the public holidays of year in region, in date order, with their French
// names. An unknown region has none: sites are validated against people.HolidayRegions, so
// guessing a calendar here would only hide a bad value.
func Holidays(region Region, year int) []Holiday {
	return holidays(region, year, nil)
}

// holidays is Holidays without the rule skip (nil: none), so that a site working Whit Monday
// leaves out that day whatever its date, without changing what other callers read.
func holidays(region Region, year int, skip *cal.Holiday) []Holiday {
	rs := rules(region)
	out := make([]Holiday, 0, len(rs))
	for _, r := range rs {
		if r == skip {
			continue
		}
		// French holidays are never moved to another day when they fall on a weekend, so the
		// actual date is the one that counts. The library returns midnight in cal.DefaultLoc
		// (the process's local zone); where that zone skips midnight on the day, Go may give
		// 23:00 the day before, so read the date at noon, which every zone has.
		actual, _ := r.Calc(year)
		if actual.IsZero() {
			continue
		}
		out = append(out, Holiday{Date: civil.Of(actual.Add(12 * time.Hour)), Name: r.Name})
	}
	slices.SortFunc(out, func(a, b Holiday) int {
		switch {
		case a.Date.Before(b.Date):
			return -1
		case b.Date.Before(a.Date):
			return 1
		}
		return 0
	})
	return out
}

// IsHoliday reports whether d is a public holiday in region, and its name.
func IsHoliday(region Region, d civil.Date) (string, bool) {
	for _, h := range Holidays(region, d.Year) {
		if h.Date == d {
			return h.Name, true
		}
	}
	return "", false
}

// holidayYear remembers one year of holidays during a single computation, so that walking
// the days of a long interval does not recompute Easter for every day. It lives on the stack
// of the call, not in the package: no shared mutable state, nothing to lock.
// Whether Whit Monday is worked is fixed for the life of the cache, so the days it holds are
// always those of its own hours.
type holidayYear struct {
	region     Region
	workWhitMo bool // Whit Monday is a working day: not among days
	year       int
	loaded     bool
	days       []Holiday
}

// holidaysOf returns the holiday cache of one computation over h.
func holidaysOf(h Hours) holidayYear {
	return holidayYear{region: h.Region, workWhitMo: h.WorkWhitMonday}
}

func (c *holidayYear) is(d civil.Date) bool {
	if !c.loaded || c.year != d.Year {
		var skip *cal.Holiday
		if c.workWhitMo {
			skip = whitMonday
		}
		c.year, c.loaded, c.days = d.Year, true, holidays(c.region, d.Year, skip)
	}
	for _, h := range c.days {
		if h.Date == d {
			return true
		}
	}
	return false
}
