package parser

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeError(t *testing.T) {
	t.Parallel()
	type inner struct {
		N *int64   `json:"n"`
		U uint     `json:"u"`
		F float64  `json:"f"`
		B bool     `json:"b"`
		S string   `json:"s"`
		L []int    `json:"l"`
		M struct{} `json:"m"`
	}
	var v struct {
		In inner `json:"in"`
	}
	cases := []struct {
		path, data, want string
	}{
		{data: `{"in":1}`, want: "in is a JSON number, not an object"},
		{path: "usage", data: `{"in":{"n":"1"}}`, want: "usage.in.n is a JSON string, not an integer"},
		{data: `{"in":{"n":1.5}}`, want: "in.n is a JSON number 1.5, not an integer"},
		{data: `{"in":{"u":-1}}`, want: "in.u is a JSON number -1, not a non-negative integer"},
		{data: `{"in":{"f":true}}`, want: "in.f is a JSON boolean, not a number"},
		{data: `{"in":{"b":"x"}}`, want: "in.b is a JSON string, not a boolean"},
		{data: `{"in":{"s":{}}}`, want: "in.s is a JSON object, not a string"},
		{data: `{"in":{"l":{}}}`, want: "in.l is a JSON object, not an array"},
		{data: `{"in":{"m":[]}}`, want: "in.m is a JSON array, not an object"},
		{data: `[]`, want: "data is a JSON array, not an object"},
		{path: "response", data: `"x"`, want: "response is a JSON string, not an object"},
		{data: `{"in":`, want: "unexpected end of JSON input"},
		{path: "usage", data: `{"in":`, want: "usage: unexpected end of JSON input"},
	}
	for _, tc := range cases {
		err := decodeError(tc.path, json.Unmarshal([]byte(tc.data), &v))
		require.EqualError(t, err, tc.want, "%s", tc.data)
	}
	own := errors.New("content is neither a string nor an array of parts")
	assert.Equal(t, own, decodeError("", own), "a decoder's own error is kept")
}
