package parser

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// errNotObject is the error of an event whose data is JSON, but not an
// object.
var errNotObject = errors.New("data is not a JSON object")

// decodeError words err, an error from decoding the JSON value at path, in
// the terms of the payload rather than those of the parser's Go types. path
// names the value in the format's own terms, dotted ("usage",
// "response.output[2]"), or is "" for the whole data. A type mismatch says
// where and what it is ("usage.prompt_tokens is a JSON string, not an
// integer"); other errors (syntax, a decoder's own) are returned after the
// path.
func decodeError(path string, err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		if path == "" {
			return err
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case te.Field != "" && path != "":
		path += "." + te.Field
	case te.Field != "":
		path = te.Field
	case path == "":
		path = "data"
	}
	value := te.Value
	if value == "bool" {
		value = "boolean"
	}
	return fmt.Errorf("%s is a JSON %s, not %s", path, value, jsonKind(te.Type))
}

// jsonKind names, with its article, the JSON value that a Go type decodes.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a value of another type"
}
