package parser

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/sse"
)

// TestFormatTable checks what Lookup and Replay rely on: every name and
// alias names one format (Aether's upper-case names repeat some aliases), every row is complete, and one row each answers
// for error bodies and JSON-array bodies.
func TestFormatTable(t *testing.T) {
	t.Parallel()
	owner := map[string]string{"auto": "auto"}
	var errorBodies, arrays []string
	for _, f := range formats {
		assert.NotEmpty(t, f.Name)
		assert.NotEmpty(t, f.Vendor, f.Name)
		assert.NotNil(t, f.New, f.Name)
		assert.NotNil(t, f.detect, f.Name)
		for _, name := range append([]string{f.Name}, f.Aliases...) {
			key := strings.ToLower(name)
			if o, dup := owner[key]; dup && o != f.Name {
				t.Errorf("%q names both %s and %s", name, o, f.Name)
			}
			owner[key] = f.Name
			got, ok, err := Lookup(name)
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, f.Name, got.Name)
		}
		if f.errorBody {
			errorBodies = append(errorBodies, f.Name)
		}
		if f.jsonArray != "" {
			arrays = append(arrays, f.Name)
		}
	}
	assert.Len(t, errorBodies, 1, "formats for error bodies: %v", errorBodies)
	assert.Len(t, arrays, 1, "formats for JSON arrays: %v", arrays)
}

// TestSchemaFormatEnum holds the JSON summary's schema to the table: its
// format enum lists every name a format is shown with, in the table's
// order (ShownNames).
func TestSchemaFormatEnum(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../schema/summary.v1.schema.json")
	require.NoError(t, err)
	var schema struct {
		Properties struct {
			Format struct {
				Enum []string `json:"enum"`
			} `json:"format"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(b, &schema))
	assert.Equal(t, ShownNames(), schema.Properties.Format.Enum)
}

// TestDetect pins what detection makes of one event, including events
// that more than one format answers for.
func TestDetect(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, typ, data, want string
	}{
		{name: "anthropic_event_type", typ: "message_start", data: "not json", want: "anthropic"},
		{name: "anthropic_data_type", data: `{"type":"message_delta"}`, want: "anthropic"},
		{name: "anthropic_error", data: `{"type":"error","error":{"type":"overloaded_error"}}`, want: "anthropic"},
		{name: "responses_event_type", typ: "response.created", data: "x", want: "openai-responses"},
		{name: "responses_data_type", data: `{"type":"response.output_text.delta"}`, want: "openai-responses"},
		{name: "responses_error", data: `{"type":"error","sequence_number":3,"code":"x"}`, want: "openai-responses"},
		{name: "gemini_candidates", data: `{"candidates":[]}`, want: "gemini"},
		{name: "gemini_usage", data: `{"usageMetadata":{}}`, want: "gemini"},
		{name: "gemini_prompt_feedback", data: `{"promptFeedback":{}}`, want: "gemini"},
		{name: "gemini_model_version", data: `{"modelVersion":"g"}`, want: "gemini"},
		{name: "gemini_error", data: `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`, want: "gemini"},
		{name: "chat_chunk", data: `{"object":"chat.completion.chunk"}`, want: "openai-chat"},
		{name: "chat_completion", data: `{"object":"chat.completion"}`, want: "openai-chat"},
		{name: "chat_choices", data: `{"choices":[]}`, want: "openai-chat"},
		{name: "chat_error", data: `{"error":{"message":"x"}}`, want: "openai-chat"},

		{name: "cohere_event_type", typ: "content-delta", data: "x", want: "cohere"},
		{name: "cohere_data_type", data: `{"type":"message-start","id":"u"}`, want: "cohere"},
		{name: "cohere_tool_plan", data: `{"type":"tool-plan-delta"}`, want: "cohere"},

		{name: "ollama_chat", data: `{"model":"m","created_at":"t","message":{"role":"assistant","content":"x"},"done":false}`, want: "ollama"},
		{name: "ollama_generate", data: `{"model":"m","response":"x","done":false}`, want: "ollama"},
		{name: "ollama_final", data: `{"created_at":"t","done":true,"eval_count":3}`, want: "ollama"},
		{name: "done_without_ollama_members", data: `{"done":true}`},
		{name: "done_not_a_boolean", data: `{"done":"yes","response":"x"}`},

		{name: "event_type_over_data_type", typ: "message_start", data: `{"type":"response.created"}`, want: "anthropic"},
		{name: "responses_event_type_over_data_type", typ: "response.created", data: `{"type":"message_start"}`, want: "openai-responses"},
		{name: "data_type_over_payload", data: `{"type":"message_start","candidates":[],"choices":[]}`, want: "anthropic"},
		{name: "gemini_payload_over_chat_payload", data: `{"candidates":[],"choices":[]}`, want: "gemini"},
		{name: "chat_payload_over_gemini_error", data: `{"choices":[],"error":{"status":"X"}}`, want: "openai-chat"},
		{name: "gemini_error_over_chat_error", data: `{"error":{"status":"X","message":"m"}}`, want: "gemini"},

		{name: "vercel_data_part", typ: "0", data: `"Hello"`, want: "vercel-data"},
		{name: "vercel_data_finish", typ: "d", data: `{"finishReason":"stop","usage":{"promptTokens":1}}`, want: "vercel-data"},
		{name: "vercel_data_unknown_code", typ: "z", data: `"x"`},
		{name: "vercel_data_not_json", typ: "0", data: `Hello`},
		{name: "vercel_ui_start", data: `{"type":"start","messageId":"m"}`, want: "vercel-ui"},
		{name: "vercel_ui_app_data", data: `{"type":"data-weather","data":{}}`, want: "vercel-ui"},
		{name: "vercel_ui_error", data: `{"type":"error","errorText":"x"}`, want: "vercel-ui"},
		{name: "bare_error_type_is_anthropic", data: `{"type":"error"}`, want: "anthropic"},
		{name: "vercel_ui_type_with_event_line", typ: "message_start", data: `{"type":"start"}`, want: "anthropic"},

		{name: "done", data: "[DONE]"},
		{name: "empty"},
		{name: "not_json", data: "hello"},
		{name: "null_error", data: `{"error":null}`},
		{name: "string_error", data: `{"error":"boom"}`},
		{name: "unknown_object", data: `{"foo":1}`},
		{name: "ping_without_type", typ: "keepalive", data: "{}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, ok := detect(&sse.Event{Type: []byte(tc.typ), Data: []byte(tc.data)})
			assert.Equal(t, tc.want != "", ok)
			assert.Equal(t, tc.want, f.Name)
		})
	}
}
