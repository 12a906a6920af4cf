// Package e2e holds Majordome's end-to-end tests: the real command line (cli.Run) serving on
// real ports, on SQLite or a real PostgreSQL shared by several instances, and driven through a
// real Chromium for the flows a person walks. It has no code of its own, only tests.
package e2e
