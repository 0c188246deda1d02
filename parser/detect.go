package parser

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/sseinspect/sseinspect/sse"
)

// anthropicTypes are the event types of the Anthropic Messages stream.
var anthropicTypes = map[string]bool{
	"message_start": true, "message_delta": true, "message_stop": true,
	"content_block_start": true, "content_block_delta": true, "content_block_stop": true,
	"ping": true,
}

// probe holds the members that tell the wire formats apart.
type probe struct {
	Type           string          `json:"type"`
	Object         string          `json:"object"`
	SequenceNumber json.RawMessage `json:"sequence_number"`
	Choices        json.RawMessage `json:"choices"`
	Candidates     json.RawMessage `json:"candidates"`
	UsageMetadata  json.RawMessage `json:"usageMetadata"`
	PromptFeedback json.RawMessage `json:"promptFeedback"`
	ModelVersion   json.RawMessage `json:"modelVersion"`
	Error          *struct {
		Status string `json:"status"`
	} `json:"error"`
}

// detect tells the wire format of one event, from its type and its data.
// ok is false when the event does not tell ([DONE], a ping without type,
// data that is not JSON).
func detect(ev *sse.Event) (name string, ok bool) {
	typ := string(ev.Type)
	switch {
	case anthropicTypes[typ]:
		return "anthropic", true
	case strings.HasPrefix(typ, "response."):
		return "openai-responses", true
	}
	data := bytes.TrimSpace(ev.Data)
	if len(data) == 0 || data[0] != '{' {
		return "", false
	}
	var p probe
	if unmarshal(data, &p) != nil {
		return "", false
	}
	switch {
	case strings.HasPrefix(p.Type, "response."):
		return "openai-responses", true
	case anthropicTypes[p.Type]:
		return "anthropic", true
	case p.Type == "error" && p.SequenceNumber != nil:
		return "openai-responses", true
	case p.Type == "error":
		return "anthropic", true
	case p.Candidates != nil || p.UsageMetadata != nil || p.PromptFeedback != nil || p.ModelVersion != nil:
		return "gemini", true
	case p.Object == "chat.completion.chunk" || p.Object == "chat.completion" || p.Choices != nil:
		return "openai-chat", true
	case p.Error != nil && p.Error.Status != "":
		return "gemini", true
	case p.Error != nil:
		return "openai-chat", true
	}
	return "", false
}
