package streamctx

import "fmt"

// Status says whether a stream counts as a success. The JSON summary shows
// it as "ok" or "failed".
type Status uint8

// The statuses. The zero value is StatusFailed: a stream is a success only
// once it is known to have completed without an error.
const (
	// StatusFailed: an error was recorded, the HTTP status is an error,
	// or the stream did not complete.
	StatusFailed Status = iota
	// StatusOK: the stream completed without an error.
	StatusOK
)

// String returns "ok" or "failed".
func (s Status) String() string {
	switch s {
	case StatusOK:
		return "ok"
	case StatusFailed:
		return "failed"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// MarshalText returns "ok" or "failed"; any other value is an error.
func (s Status) MarshalText() ([]byte, error) {
	switch s {
	case StatusOK, StatusFailed:
		return []byte(s.String()), nil
	}
	return nil, fmt.Errorf("invalid status %d", uint8(s))
}

// UnmarshalText reads "ok" or "failed".
func (s *Status) UnmarshalText(b []byte) error {
	switch string(b) {
	case "ok":
		*s = StatusOK
	case "failed":
		*s = StatusFailed
	default:
		return fmt.Errorf("invalid status %q (want ok or failed)", b)
	}
	return nil
}
