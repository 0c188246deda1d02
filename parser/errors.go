package parser

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/sseinspect/sseinspect/streamctx"
)

// errorObject is the error object of every format: OpenAI and compatible
// ({"message","type","param","code"}, code a string or, at OpenRouter, a
// number), Anthropic ({"type","message"}), Gemini ({"code","message",
// "status"}).
type errorObject struct {
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
	Status  string          `json:"status"`
	// Metadata is OpenRouter's: raw is the upstream provider's own
	// error, which says what actually went wrong.
	Metadata *struct {
		ProviderName string          `json:"provider_name"`
		Raw          json.RawMessage `json:"raw"`
	} `json:"metadata"`
}

// errorPayload is a payload that may carry an error: {"error": {...}},
// {"error": "text"}, {"type": "error", "error": {...}} (Anthropic, OpenAI
// Responses as captured), or {"type": "error", "code", "message"} (OpenAI
// Responses as documented).
type errorPayload struct {
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
	Error   json.RawMessage `json:"error"`
}

// errorInfo extracts the error type and message from a JSON payload. ok is
// false when the payload carries no error (no "error" member, or a null
// one, and no "type": "error"). The type is the error's type, else its
// status (Gemini), else its code.
func errorInfo(data []byte) (typ, msg string, ok bool) {
	var p errorPayload
	if json.Unmarshal(data, &p) != nil {
		return "", "", false
	}
	return p.info()
}

func (p *errorPayload) info() (typ, msg string, ok bool) {
	e := bytes.TrimSpace(p.Error)
	switch {
	case len(e) > 0 && e[0] == '{':
		var o errorObject
		if json.Unmarshal(e, &o) != nil {
			return "error", string(e), true
		}
		return o.typeName(), o.message(), true
	case len(e) > 0 && e[0] == '"':
		var s string
		_ = json.Unmarshal(e, &s)
		return "error", s, true
	case len(e) > 0 && !bytes.Equal(e, []byte("null")):
		return "error", string(e), true
	case p.Type == "error":
		o := errorObject{Code: p.Code, Message: p.Message}
		return o.typeName(), p.Message, true
	}
	return "", "", false
}

// message is the error message, with OpenRouter's upstream error appended
// when there is one.
func (o *errorObject) message() string {
	if o.Metadata == nil {
		return o.Message
	}
	var raw string
	if json.Unmarshal(o.Metadata.Raw, &raw) != nil || raw == "" {
		return o.Message
	}
	who := "upstream"
	if o.Metadata.ProviderName != "" {
		who = o.Metadata.ProviderName
	}
	return o.Message + " (" + who + ": " + raw + ")"
}

func (o *errorObject) typeName() string {
	if o.Type != "" {
		return o.Type
	}
	if o.Status != "" {
		return o.Status
	}
	if c := codeString(o.Code); c != "" {
		return c
	}
	return "error"
}

// warnCodeAsType warns when the error type recorded is an integer: the error
// object had no type and no status, and the type shown is its code
// (OpenRouter puts the HTTP status there: "429").
func warnCodeAsType(sc *streamctx.Context) {
	t := sc.ErrorType()
	if t == "" {
		return
	}
	if _, err := strconv.Atoi(t); err == nil {
		sc.Warn("error_type %q is the provider's error code: the error object has no type", t)
	}
}

// codeString renders a JSON code, string or number, as text.
func codeString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw)
	}
	return ""
}
