package parser

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/sseinspect/sseinspect/streamctx"
)

// geminiTools reads what a Gemini stream carries of the tools Google runs
// itself, and of the billed quantities outside the token keys:
//
//   - executableCode parts (code execution, and file search, whose query
//     the model writes as code) are server tool calls of type
//     "executableCode", name "code_execution", input the part's object
//     ({"language","code"}) compacted; a codeExecutionResult part
//     completes the call of its id, or, without an id, the oldest call
//     without a result, its outcome other than OUTCOME_OK being the
//     call's error.
//   - groundingMetadata.webSearchQueries are server tool calls of type
//     "webSearchQueries", name "google_search", input {"query": q}, one
//     per query (the last chunk repeats them); completed when the same
//     metadata holds grounding chunks (the search results).
//   - groundingMetadata.groundingChunks are citations, source
//     "groundingChunks": a web chunk's uri and title; a retrievedContext
//     chunk's uri and title, or, without a uri (file search), its
//     fileSearchStore as the file id.
//   - urlContextMetadata.urlMetadata entries are server tool calls of type
//     "urlContextMetadata", name "url_context", input {"url": u};
//     completed when urlRetrievalStatus is URL_RETRIEVAL_STATUS_SUCCESS,
//     else failed with the status as the error.
//   - usageMetadata (the last, cumulative one): toolUsePromptTokenCount,
//     and the token count of each modality other than TEXT in
//     promptTokensDetails, candidatesTokensDetails, cacheTokensDetails and
//     toolUsePromptTokensDetails ("promptTokensDetails.AUDIO"), go to
//     usage_details.
//
// These members are decoded whether or not the stream context keeps them
// (it keeps server tool calls and citations only with text), so that a
// member of the wrong shape gives the same warning in both modes; they are
// absent from ordinary chunks, and an empty groundingMetadata is skipped.
//
// Checked against the REST reference of GenerateContentResponse
// (ai.google.dev/api/generate-content: GroundingMetadata, GroundingChunk,
// UrlContextMetadata, ExecutableCode, CodeExecutionResult,
// UsageMetadata.ModalityTokenCount) and the captures
// gemini/google-search-grounding-tool-use-tokens.sse,
// gemini/file-search-grounding-executable-code.sse and
// gemini/url-context-grounding.sse.
type geminiTools struct {
	codes   int               // executableCode parts seen: the next one's key
	results int               // codeExecutionResult parts without an id seen: the call the next completes
	ids     map[string]string // the key of an executableCode by its id
	done    map[string]bool   // the keys of the calls a result completed
	buf     bytes.Buffer
	warned  onceWarnings
}

type geminiExecutableCode struct {
	ID string `json:"id"`
}

type geminiCodeResult struct {
	ID      string `json:"id"`
	Outcome string `json:"outcome"`
}

type geminiGrounding struct {
	WebSearchQueries []string `json:"webSearchQueries"`
	GroundingChunks  []struct {
		Web *struct {
			URI   string `json:"uri"`
			Title string `json:"title"`
		} `json:"web"`
		RetrievedContext *struct {
			URI             string `json:"uri"`
			Title           string `json:"title"`
			FileSearchStore string `json:"fileSearchStore"`
		} `json:"retrievedContext"`
	} `json:"groundingChunks"`
}

type geminiURLContext struct {
	URLMetadata []struct {
		RetrievedURL       string `json:"retrievedUrl"`
		URLRetrievalStatus string `json:"urlRetrievalStatus"`
	} `json:"urlMetadata"`
}

// code records an executableCode or codeExecutionResult part.
func (g *geminiTools) code(sc *streamctx.Context, line int, pt *geminiPart) {
	if pt.ExecutableCode != nil && !isJSONNull(pt.ExecutableCode) {
		var ec geminiExecutableCode
		if !g.decode(sc, line, "executableCode", pt.ExecutableCode, &ec) {
			return
		}
		key := "code:" + strconv.Itoa(g.codes)
		g.codes++
		if ec.ID != "" {
			if g.ids == nil {
				g.ids = make(map[string]string)
			}
			g.ids[ec.ID] = key
		}
		t := sc.ServerTool(key)
		if t == nil {
			return // not kept (see streamctx.Context.ServerTool)
		}
		t.Type, t.Name, t.ID = "executableCode", "code_execution", ec.ID
		g.buf.Reset()
		_ = json.Compact(&g.buf, pt.ExecutableCode) // valid: decoded above
		sc.AppendServerToolInput(t, g.buf.String())
	}
	if pt.CodeExecutionResult != nil && !isJSONNull(pt.CodeExecutionResult) {
		var r geminiCodeResult
		if !g.decode(sc, line, "codeExecutionResult", pt.CodeExecutionResult, &r) {
			return
		}
		key, ok := g.ids[r.ID]
		for !ok && g.results < g.codes {
			key = "code:" + strconv.Itoa(g.results)
			g.results++
			ok = !g.done[key]
		}
		if !ok {
			g.warned.warn(sc, "result", "%sa codeExecutionResult without its executableCode", linePrefix(line))
			return
		}
		if g.done == nil {
			g.done = make(map[string]bool)
		}
		g.done[key] = true
		t := sc.ServerTool(key)
		if t == nil {
			return
		}
		t.Status = "completed"
		if r.Outcome != "OUTCOME_OK" {
			t.Error = r.Outcome
		}
	}
}

// grounding records a candidate's groundingMetadata.
func (g *geminiTools) grounding(sc *streamctx.Context, line int, raw json.RawMessage) {
	if len(raw) == 0 || isJSONNull(raw) || string(raw) == "{}" {
		return
	}
	var gm geminiGrounding
	if !g.decode(sc, line, "groundingMetadata", raw, &gm) {
		return
	}
	for _, q := range gm.WebSearchQueries {
		t := sc.ServerTool("search:" + q)
		if t == nil {
			break
		}
		if t.Type == "" {
			t.Type, t.Name = "webSearchQueries", "google_search"
			sc.AppendServerToolInput(t, inputJSON("query", q))
		}
		if len(gm.GroundingChunks) > 0 {
			t.Status = "completed"
		}
	}
	for _, c := range gm.GroundingChunks {
		switch {
		case c.Web != nil:
			sc.AddCitation(c.Web.URI, c.Web.Title, "groundingChunks", "")
		case c.RetrievedContext != nil:
			rc := c.RetrievedContext
			if rc.URI != "" {
				sc.AddCitation(rc.URI, rc.Title, "groundingChunks", "")
			} else {
				sc.AddCitation("", rc.Title, "groundingChunks", rc.FileSearchStore)
			}
		}
	}
}

// urlContext records a candidate's urlContextMetadata.
func (g *geminiTools) urlContext(sc *streamctx.Context, line int, raw json.RawMessage) {
	if len(raw) == 0 || isJSONNull(raw) {
		return
	}
	var uc geminiURLContext
	if !g.decode(sc, line, "urlContextMetadata", raw, &uc) {
		return
	}
	for _, m := range uc.URLMetadata {
		t := sc.ServerTool("url:" + m.RetrievedURL)
		if t == nil {
			break
		}
		if t.Type == "" {
			t.Type, t.Name = "urlContextMetadata", "url_context"
			sc.AppendServerToolInput(t, inputJSON("url", m.RetrievedURL))
		}
		switch m.URLRetrievalStatus {
		case "":
		case "URL_RETRIEVAL_STATUS_SUCCESS":
			t.Status, t.Error = "completed", ""
		default:
			t.Status, t.Error = "failed", m.URLRetrievalStatus
		}
	}
}

// geminiUsageDetails are the members of usageMetadata that go to
// usage_details.
type geminiUsageDetails struct {
	ToolUsePromptTokenCount *int64 `json:"toolUsePromptTokenCount"`
	// The ModalityTokenCount lists, by member name.
	PromptTokensDetails        []geminiModality `json:"promptTokensDetails"`
	CandidatesTokensDetails    []geminiModality `json:"candidatesTokensDetails"`
	CacheTokensDetails         []geminiModality `json:"cacheTokensDetails"`
	ToolUsePromptTokensDetails []geminiModality `json:"toolUsePromptTokensDetails"`
}

type geminiModality struct {
	Modality   string `json:"modality"`
	TokenCount int64  `json:"tokenCount"`
}

// usageDetails reads the last usageMetadata (each is cumulative) into
// usage_details, once, at the end of the stream.
func (g *geminiTools) usageDetails(sc *streamctx.Context) {
	raw := sc.FinalUsage()
	if len(raw) == 0 {
		return
	}
	var d geminiUsageDetails
	if json.Unmarshal(raw, &d) != nil {
		return // the usage was decoded, and warned about, as it came
	}
	if d.ToolUsePromptTokenCount != nil {
		sc.SetUsageDetail("toolUsePromptTokenCount", *d.ToolUsePromptTokenCount)
	}
	for _, l := range []struct {
		name string
		list []geminiModality
	}{
		{"promptTokensDetails", d.PromptTokensDetails},
		{"candidatesTokensDetails", d.CandidatesTokensDetails},
		{"cacheTokensDetails", d.CacheTokensDetails},
		{"toolUsePromptTokensDetails", d.ToolUsePromptTokensDetails},
	} {
		for _, m := range l.list {
			if m.Modality != "TEXT" && m.Modality != "" {
				sc.SetUsageDetail(l.name+"."+m.Modality, m.TokenCount)
			}
		}
	}
}

// decode decodes raw, a member of a chunk that was decoded already (so
// valid JSON), into v; a member of an unexpected shape is warned about,
// once per member.
func (g *geminiTools) decode(sc *streamctx.Context, line int, member string, raw json.RawMessage, v any) bool {
	if err := json.Unmarshal(raw, v); err != nil {
		g.warned.warn(sc, member, "%s%v; %s not read", linePrefix(line), geminiDecodeError(member, err), member)
		return false
	}
	return true
}

// inputJSON returns {"key": value} as compact JSON, without HTML escaping.
func inputJSON(key, value string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]string{key: value}) // strings always encode
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
