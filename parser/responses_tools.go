package parser

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/streamctx"
)

// This file holds what a Responses stream carries of the tools the server
// runs itself and of the sources its text cites. Both are kept only when the
// stream context keeps the text (the two-line summary shows neither), and
// are decoded only then; a member of an unexpected shape is then ignored
// without a warning, so that the summary does not depend on whether the
// text is kept.
//
// Server tool calls are the output items below, keyed by item id (as client
// tool calls are), in the order of their first event:
//
//	item type              name                        input
//	web_search_call        its name (xAI), web_search  its arguments (xAI), else its action: {"type","query","queries","url","pattern"} as given, without its sources (results)
//	file_search_call       file_search                 {"queries": [...]} (filled when the item is done)
//	code_interpreter_call  code_interpreter            {"code","container_id"}: the code from response.code_interpreter_call_code.delta, replaced by .done's and the item's
//	mcp_call               server_label.name           its arguments, from response.mcp_call_arguments.delta, replaced by .done's and the item's
//	mcp_list_tools         server_label                ""
//	image_generation_call  image_generation            {"revised_prompt"} when given; the image (partial_image_b64, result) is never read
//
// An MCP tool's name is prefixed with its server's label because a name is
// only unique within its server (the label is the one the request gave
// the server).
//
// Status is the item's status, else the last of the item's status events
// (response.web_search_call.searching, response.mcp_call.failed...: the
// word after the item type), else "completed" for a done item without an
// error, "failed" with one. Error is the error of an mcp_call or
// mcp_list_tools item (a string in openai-python's McpCall; an object is
// kept as compact JSON). Results are not copied.
//
// When the stream carries no server tool item, the final response's output
// supplies them (a server that sends only the final response).
//
// Citations are the annotations of output_text parts: those of
// response.output_text.annotation.added, of response.content_part.done's
// part, of response.output_item.done's message and of the final response's
// output, deduplicated (each source repeats them). url_citation gives url
// and title (xAI's carry only the url); file_citation,
// container_file_citation and file_path give file_id, and filename as
// title; source is the annotation's type. A container_file_citation's
// container_id has no member to go to in the summary.
//
// Checked against openai-python's generated types (response_output_item.py,
// response_function_web_search.py, response_file_search_tool_call.py,
// response_code_interpreter_tool_call.py, response_output_text.py and the
// event classes) and the captures openai/responses-*.sse and
// xai/responses-web-search-url-citations.sse.

// respServerToolNames maps the output item types of server tools to the
// name of their tool ("" for MCP items, named by their server).
var respServerToolNames = map[string]string{
	"web_search_call":       "web_search",
	"file_search_call":      "file_search",
	"code_interpreter_call": "code_interpreter",
	"image_generation_call": "image_generation",
	"mcp_call":              "",
	"mcp_list_tools":        "",
}

// respServerItem holds the members of a server tool's output item that
// its server tool call shows.
type respServerItem struct {
	ID            string            `json:"id"`
	Status        string            `json:"status"`
	Name          string            `json:"name"`
	ServerLabel   string            `json:"server_label"`
	Arguments     *string           `json:"arguments"`
	Action        *respSearchAction `json:"action"`
	Queries       []string          `json:"queries"`
	Code          *string           `json:"code"`
	ContainerID   string            `json:"container_id"`
	RevisedPrompt string            `json:"revised_prompt"`
	Error         json.RawMessage   `json:"error"`
}

// respSearchAction is a web_search_call's action (search, open_page,
// find), without its sources.
type respSearchAction struct {
	Type    string   `json:"type,omitempty"`
	Query   string   `json:"query,omitempty"`
	Queries []string `json:"queries,omitempty"`
	URL     string   `json:"url,omitempty"`
	Pattern string   `json:"pattern,omitempty"`
}

// respCodeCall is what the parser keeps of a code_interpreter_call: its
// container, and whether the call's input holds raw code deltas (made
// into the JSON input at .done, or at the end of the stream).
type respCodeCall struct {
	container string
	raw       bool
}

// respAnnotation is an annotation of an output_text part.
type respAnnotation struct {
	Type     string `json:"type"`
	URL      string `json:"url"`
	Title    string `json:"title"`
	FileID   string `json:"file_id"`
	Filename string `json:"filename"`
}

// respPartAnnotations is a content part, with only its annotations.
type respPartAnnotations struct {
	Type        string           `json:"type"`
	Annotations []respAnnotation `json:"annotations"`
}

// serverTool returns the server tool call of key, made with the type and
// default name of item type typ on first use.
func (p *responses) serverTool(sc *streamctx.Context, key, typ string) *streamctx.ServerToolCall {
	t := sc.ServerTool(key)
	if t != nil && t.Type == "" {
		p.serverSeen = true
		t.Type, t.Name = typ, respServerToolNames[typ]
	}
	return t
}

// codeCall returns the state of the code_interpreter_call of key.
func (p *responses) codeCall(key string) *respCodeCall {
	c := p.codes[key]
	if c == nil {
		if p.codes == nil {
			p.codes = make(map[string]*respCodeCall)
		}
		c = &respCodeCall{}
		p.codes[key] = c
	}
	return c
}

// serverItem records a server tool's output item (raw) of type typ, at
// output index idx; done when it is complete (output_item.done, the final
// response).
func (p *responses) serverItem(sc *streamctx.Context, raw []byte, typ string, idx []byte, done bool) {
	var si respServerItem
	if json.Unmarshal(raw, &si) != nil {
		return
	}
	key := p.itemKey(si.ID, idx)
	if si.ID != "" {
		if p.toolKeys == nil {
			p.toolKeys = make(map[string]string)
		}
		p.toolKeys[string(idx)] = key
	}
	t := p.serverTool(sc, key, typ)
	if t == nil {
		return
	}
	if si.ID != "" {
		t.ID = si.ID
	}
	switch typ {
	case "mcp_call":
		if si.Name != "" {
			t.Name = si.Name
			if si.ServerLabel != "" {
				t.Name = si.ServerLabel + "." + si.Name
			}
		}
		if si.Arguments != nil && *si.Arguments != "" {
			sc.SetServerToolInput(t, *si.Arguments)
		}
	case "mcp_list_tools":
		if si.ServerLabel != "" {
			t.Name = si.ServerLabel
		}
	case "web_search_call":
		if si.Name != "" {
			t.Name = si.Name
		}
		switch {
		case si.Arguments != nil && *si.Arguments != "":
			sc.SetServerToolInput(t, *si.Arguments)
		case si.Action != nil:
			sc.SetServerToolInput(t, respJSON(si.Action))
		}
	case "file_search_call":
		if len(si.Queries) > 0 {
			sc.SetServerToolInput(t, respJSON(struct {
				Queries []string `json:"queries"`
			}{si.Queries}))
		}
	case "code_interpreter_call":
		c := p.codeCall(key)
		if si.ContainerID != "" {
			c.container = si.ContainerID
		}
		if si.Code != nil && (*si.Code != "" || done) {
			c.raw = false
			sc.SetServerToolInput(t, respCodeInput(*si.Code, c.container))
		}
	case "image_generation_call":
		if si.RevisedPrompt != "" {
			sc.SetServerToolInput(t, inputJSON("revised_prompt", si.RevisedPrompt))
		}
	}
	errText := respErrorText(si.Error)
	if errText != "" {
		t.Error = errText
	}
	switch {
	case si.Status != "":
		t.Status = si.Status
	case done && errText != "":
		t.Status = "failed"
	case done:
		t.Status = "completed"
	}
}

// serverEvent handles an event of the server tools or of citations, when
// the stream context keeps them (see this file's comment).
func (p *responses) serverEvent(sc *streamctx.Context, typ string) {
	e := p.ev
	switch typ {
	case "response.output_text.annotation.added":
		var a respAnnotation
		if raw := e.get(rfAnnotation); raw != nil && json.Unmarshal(raw, &a) == nil {
			respCite(sc, &a)
		}
	case "response.content_part.done":
		if d := p.pre; d != nil && d.cites {
			d.cite(sc)
		} else if raw := e.get(rfPart); raw != nil {
			respPartCitations(sc, raw)
		}
	case "response.code_interpreter_call_code.delta", "response.mcp_call_arguments.delta":
		s, err := respString(e.get(rfDelta))
		if err != nil || s == "" {
			return
		}
		key := p.toolKey()
		itemType := "mcp_call"
		if typ == "response.code_interpreter_call_code.delta" {
			itemType = "code_interpreter_call"
		}
		t := p.serverTool(sc, key, itemType)
		if t == nil {
			return
		}
		if itemType == "code_interpreter_call" {
			if c := p.codeCall(key); !c.raw {
				c.raw = true
				sc.SetServerToolInput(t, "") // the deltas replace an earlier input
			}
		}
		sc.AppendServerToolInput(t, s)
	case "response.code_interpreter_call_code.done":
		raw := e.get(rfCode)
		code, err := respString(raw)
		if raw == nil || err != nil {
			return
		}
		key := p.toolKey()
		t := p.serverTool(sc, key, "code_interpreter_call")
		if t == nil {
			return
		}
		c := p.codeCall(key)
		c.raw = false
		sc.SetServerToolInput(t, respCodeInput(code, c.container))
	case "response.mcp_call_arguments.done":
		args, err := respString(e.get(rfArguments))
		if err != nil || args == "" {
			return
		}
		if t := p.serverTool(sc, p.toolKey(), "mcp_call"); t != nil {
			sc.SetServerToolInput(t, args)
		}
	default:
		// response.<item type>.<status>
		rest := strings.TrimPrefix(typ, "response.")
		i := strings.LastIndexByte(rest, '.')
		if i < 0 {
			return
		}
		if _, ok := respServerToolNames[rest[:i]]; !ok {
			return
		}
		if t := p.serverTool(sc, p.toolKey(), rest[:i]); t != nil {
			t.Status = rest[i+1:]
		}
	}
}

// endServerTools makes the JSON input of the code calls whose code arrived
// only as deltas.
func (p *responses) endServerTools(sc *streamctx.Context) {
	for key, c := range p.codes {
		if c.raw {
			t := sc.ServerTool(key)
			sc.SetServerToolInput(t, respCodeInput(t.Input(), c.container))
		}
	}
}

// itemCitations records the annotations of the current message item's
// content.
func (p *responses) itemCitations(sc *streamctx.Context) {
	respContentParts(p.item.Content, func(part []byte) { respPartCitations(sc, part) })
}

// respContentParts calls f with each part of the content of a message
// item, a JSON array, in order (itemCitations).
func respContentParts(content []byte, f func(part []byte)) {
	s := jsonscan.New(content)
	if !s.Consume('[') || s.Consume(']') {
		return
	}
	for {
		v, ok := s.Value()
		if !ok {
			return
		}
		f(v)
		if !s.Consume(',') {
			return
		}
	}
}

// respPartCitations records the annotations of a content part (raw) of
// type output_text. Every message part carries an annotations list, most
// often empty: the part is scanned without decoding its text, and only a
// non-empty list is decoded. A part the scanner gives up on (an escaped
// key) is decoded by encoding/json, as the scan would have decoded it.
func respPartCitations(sc *streamctx.Context, raw []byte) {
	anns := respPartAnnotationsOf(raw)
	for i := range anns {
		respCite(sc, &anns[i])
	}
}

// respPartAnnotationsOf returns the annotations of a content part (raw)
// that respPartCitations records: nil when there are none.
func respPartAnnotationsOf(raw []byte) []respAnnotation {
	var typ string
	var anns []byte
	s := jsonscan.New(raw)
	if s.Peek() != '{' || !s.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return s.String(&typ, internRespPartType)
		case "annotations":
			v, ok := s.Value()
			anns = v
			return ok
		}
		return s.Unknown(key, "type", "annotations")
	}) || !s.End() {
		var part respPartAnnotations
		if json.Unmarshal(raw, &part) == nil && part.Type == "output_text" {
			return part.Annotations
		}
		return nil
	}
	if typ != "output_text" || len(anns) == 0 || anns[0] != '[' {
		return nil // none, null, or of another shape (ignored, as encoding/json would fail)
	}
	if l := jsonscan.New(anns); l.Consume('[') && l.Consume(']') {
		return nil // empty
	}
	var list []respAnnotation
	if json.Unmarshal(anns, &list) == nil {
		return list
	}
	return nil
}

// internRespPartType returns the constant for output_text.
func internRespPartType(b []byte) string {
	if string(b) == "output_text" {
		return "output_text"
	}
	return string(b)
}

// respCite records one annotation.
func respCite(sc *streamctx.Context, a *respAnnotation) {
	switch a.Type {
	case "url_citation":
		sc.AddCitation(a.URL, a.Title, a.Type, "")
	case "file_citation", "container_file_citation", "file_path":
		sc.AddCitation("", a.Filename, a.Type, a.FileID)
	}
}

// respCodeInput is a code_interpreter_call's input.
func respCodeInput(code, container string) string {
	return respJSON(struct {
		Code        string `json:"code"`
		ContainerID string `json:"container_id,omitempty"`
	}{code, container})
}

// respErrorText returns an item's error: a string as it is, anything but
// null compacted.
func respErrorText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isJSONNull(raw) {
		return ""
	}
	if raw[0] == '"' {
		s, _ := respString(raw)
		return s
	}
	var b bytes.Buffer
	_ = json.Compact(&b, raw) // valid: decoded before
	return b.String()
}

// respJSON returns v as compact JSON, without HTML escaping.
func respJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // structs of strings always encode
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
