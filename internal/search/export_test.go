package search

// MaxRanked is the bound on the matches ranked per search, for the test that checks it.
const MaxRanked = maxRanked
