package api

// Routes lists the method and pattern of every route of the table, for the tests that hold the
// table and the OpenAPI document to each other.
func Routes() [][2]string {
	var out [][2]string
	for _, rt := range (&server{}).routes() {
		out = append(out, [2]string{rt.Method, rt.Pattern})
	}
	return out
}
