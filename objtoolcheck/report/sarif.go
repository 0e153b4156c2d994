package report

import (
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/optpoline/optpoline/internal/version"
	"github.com/optpoline/optpoline/objtoolcheck"
)

// The SARIF 2.1.0 subset optpoline writes (OASIS SARIF v2.1.0; the names
// are the schema's).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool       `json:"tool"`
		Artifacts  []sarifArtifact `json:"artifacts"`
		Results    []sarifResult   `json:"results"`
		ColumnKind string          `json:"columnKind"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct { // toolComponent
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct { // reportingDescriptor
		ID                   string        `json:"id"`
		Name                 string        `json:"name"`
		ShortDescription     sarifText     `json:"shortDescription"`
		FullDescription      sarifText     `json:"fullDescription"`
		Help                 sarifText     `json:"help"`
		DefaultConfiguration sarifRuleConf `json:"defaultConfiguration"`
	}
	sarifRuleConf struct { // reportingConfiguration
		Enabled bool   `json:"enabled"` // the schema's default is true: always written
		Level   string `json:"level"`
	}
	sarifText struct { // message, multiformatMessageString
		Text string `json:"text"`
	}
	sarifArtifact struct {
		Location sarifArtifactLocation `json:"location"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
		Index     *int   `json:"index,omitempty"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex *int            `json:"ruleIndex,omitempty"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation  `json:"physicalLocation"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifLogicalLocation struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
)

const (
	sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	homePage    = "https://github.com/optpoline/optpoline"
	// srcRoot is the uriBaseId of relative paths: the directory the tool
	// ran in.
	srcRoot = "%SRCROOT%"
)

// SARIF writes a SARIF 2.1.0 log with one run: the tool with one rule per
// check in objtoolcheck.Checks (in that order), the artifacts (files,
// then any other file a finding names), and one result per finding.
//
// Relative paths become relative URIs with uriBaseId "%SRCROOT%",
// absolute ones file: URIs. Columns are Finding.Col, a byte column; the
// run says "unicodeCodePoints", which is the same for ASCII source.
// A finding's level is "error" when its severity is Error, else
// "warning"; its function, if any, is a logical location of kind
// "function".
func SARIF(w io.Writer, findings []objtoolcheck.Finding, files []string) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "optpoline",
			InformationURI: homePage,
			Version:        version.Version,
			Rules:          make([]sarifRule, len(objtoolcheck.Checks)),
		}},
		Artifacts:  []sarifArtifact{},
		Results:    make([]sarifResult, 0, len(findings)),
		ColumnKind: "unicodeCodePoints",
	}
	ruleIndex := map[string]int{}
	for i, c := range objtoolcheck.Checks {
		ruleIndex[c.ID] = i
		run.Tool.Driver.Rules[i] = sarifRuleOf(c)
	}
	artifactIndex := map[string]int{}
	artifact := func(name string) int {
		i, ok := artifactIndex[name]
		if !ok {
			i = len(run.Artifacts)
			artifactIndex[name] = i
			run.Artifacts = append(run.Artifacts, sarifArtifact{artifactLocation(name, -1)})
		}
		return i
	}
	for _, name := range files {
		artifact(name)
	}
	for _, f := range findings {
		r := sarifResult{
			RuleID:  f.ID,
			Level:   "warning",
			Message: sarifText{f.Message},
		}
		if i, ok := ruleIndex[f.ID]; ok {
			r.RuleIndex = &i
		}
		if f.Severity == objtoolcheck.Error {
			r.Level = "error"
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{
			ArtifactLocation: artifactLocation(f.File, artifact(f.File)),
		}}
		if f.Line >= 1 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line, StartColumn: max(f.Col, 0)}
		}
		if f.Function != "" {
			loc.LogicalLocations = []sarifLogicalLocation{{Name: f.Function, Kind: "function"}}
		}
		r.Locations = []sarifLocation{loc}
		run.Results = append(run.Results, r)
	}
	return writeIndented(w, sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleOf(c *objtoolcheck.Check) sarifRule {
	help := c.Doc
	if c.Objtool != "" {
		help += "\n\nobjtool reports this as \"" + c.Objtool + "\"."
	}
	help += "\n\nRun \"optpoline check --explain " + c.ID + "\" for this text."
	return sarifRule{
		ID:                   c.ID,
		Name:                 ruleName(c.ID),
		ShortDescription:     sarifText{c.Summary},
		FullDescription:      sarifText{c.Doc},
		Help:                 sarifText{help},
		DefaultConfiguration: sarifRuleConf{Enabled: c.Default, Level: "warning"},
	}
}

// ruleName turns an ID into the identifier-style name SARIF suggests:
// "stack-ret" → "StackRet".
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// artifactLocation returns name as a URI: relative to %SRCROOT%, or a
// file: URI when absolute. index < 0 leaves the artifact index out.
func artifactLocation(name string, index int) sarifArtifactLocation {
	p := filepath.ToSlash(name)
	var loc sarifArtifactLocation
	if filepath.IsAbs(name) {
		loc.URI = (&url.URL{Scheme: "file", Path: p}).String()
	} else {
		// String escapes what a URI may not hold and writes "./" before
		// a first segment with a colon, which would read as a scheme.
		loc.URI = (&url.URL{Path: p}).String()
		loc.URIBaseID = srcRoot
	}
	if index >= 0 {
		loc.Index = &index
	}
	return loc
}
