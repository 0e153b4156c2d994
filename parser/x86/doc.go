// Package x86 holds the x86-64 architecture tables the AT&T assembly parser
// and the rewriter need: registers, instruction classes, condition codes,
// prefixes and retpoline thunk names. It plays the part of
// cmd/asm/internal/arch for optpoline.
//
// Names are taken as GNU as spells them, without the '%' of registers.
// The large tables live in the generated z*.go files (see internal/gen);
// all lookups are generated string switches and never allocate.
package x86

//go:generate go run ./internal/gen
