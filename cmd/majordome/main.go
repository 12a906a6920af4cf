// Command majordome runs the Majordome back office: the web app, its API and its command-line tools.
package main

import (
	"os"
	_ "time/tzdata" // sites' timezones work on machines without zone files (minimal containers)

	"majordome/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
