package pricing

// ParseSnapshot parses the embedded snapshot afresh, for benchmarks.
var ParseSnapshot = parseSnapshot
