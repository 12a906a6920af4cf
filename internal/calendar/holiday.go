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

// Holidays returns the public holidays of year in region, in date order, with their French
// names. An unknown region has none: sites are validated against people.HolidayRegions, so
// guessing a calendar here would only hide a bad value.
func Holidays(region Region, year int) []Holiday {
	rs := rules(region)
	out := make([]Holiday, 0, len(rs))
	for _, r := range rs {
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
type holidayYear struct {
	region Region
	year   int
	loaded bool
	days   []Holiday
}

func (c *holidayYear) is(d civil.Date) bool {
	if !c.loaded || c.year != d.Year {
		c.year, c.loaded, c.days = d.Year, true, Holidays(c.region, d.Year)
	}
	for _, h := range c.days {
		if h.Date == d {
			return true
		}
	}
	return false
}
