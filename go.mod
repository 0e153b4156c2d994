module github.com/optpoline/optpoline

go 1.26.0

require github.com/spf13/pflag v1.1.0

require (
	github.com/alecthomas/participle/v2 v2.1.4 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)
