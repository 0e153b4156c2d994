package passes

// StaticProfile is what static promotion (sites.md §6) asks of a profile;
// package profile implements it. With Config.Profile set, the markup pass
// promotes each profiled site at build time: the slot holds the hot
// target from the start and the hit call names it, more targets fill the
// outline entries, and the runtime never patches the site.
type StaticProfile interface {
	// Func returns the profile of function fn, whose sites are in the
	// site table of source file src (the file's first .file name), or
	// nil when the profile does not know it.
	Func(src, fn string) *StaticFunc
}

// StaticFunc is one function's profile.
type StaticFunc struct {
	Sites   int                    // the function's call sites when it was profiled
	Targets map[int][]StaticTarget // by site ordinal, hottest first
	// Dispatch holds the profiled dispatch sites by their ordinal among
	// the function's dispatch sites (passes/dispatch orders funnels by it).
	Dispatch map[int]StaticDispatch
}

// StaticDispatch is a profiled dispatch site: the size of its label set
// when it was profiled and the jumps to each label, by the label's
// ordinal in the set.
type StaticDispatch struct {
	Labels int
	Calls  []uint64
}

// StaticTarget is a profiled target.
type StaticTarget struct {
	Sym   string
	Local bool   // a file-local symbol…
	File  string // …of this source file
	Calls uint64
}
