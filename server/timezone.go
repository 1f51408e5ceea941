package server

import (
	"fmt"
	"time"
	// The zone database is compiled in, so that a table's time zone loads
	// on a machine without /usr/share/zoneinfo (a minimal container image).
	_ "time/tzdata"

	"tawla/workspace"
)

// DefaultTimeZone is the time zone of a server whose Config.TimeZone is
// empty: that of the first table, in Mahdia (UTC+1, no daylight saving).
const DefaultTimeZone = "Africa/Tunis"

// loadTimeZone returns the time zone named name, or DefaultTimeZone's for
// "". A name that is not in the zone database is an error that says what
// to write instead.
func loadTimeZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("server: time zone %q is unknown: give an IANA name such as %s or UTC", name, DefaultTimeZone)
	}
	return loc, nil
}

// today returns the calendar day in the table's time zone, by the store's
// clock, "YYYY-MM-DD": the day against which due dates are compared.
func (s *Server) today() string {
	return s.db.Now().In(s.location).Format(workspace.DateLayout)
}
