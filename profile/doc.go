// Package profile reads the runtime's profile dumps, maps their addresses
// to symbols, merges them and reads and writes profiles: what static
// promotion (optpoline markup --profile, sites.md §6) promotes from.
//
// # Dumps (version 1)
//
// OPTPOLINE=profile=DIR makes every process write DIR/optpoline-PID-RAND.dump
// at exit (and one per module that dlclose unloads):
//
//	optpoline dump 1
//	pid 1234
//	module 0 "/path/prog" build-id "5c1f…"
//	site 0 0x28dc id 0 flags 0x4 file "prog.c" samples 8409 calls 27643392
//		target 0 0x2880 calls 9209773
//		target 0 0x2850 calls 9213737 inline
//	end
//
// A module line introduces a loaded object by path and GNU build-id, before
// the first line that uses its index. A site line gives the site's module
// and its address relative to the module's load base (its link-time
// address), the ordinal id and flags of its table entry and the source name
// of its table fragment; target lines give the targets the learning stub
// saw, in a module ("-" for none: an absolute address). "inline" and
// "outline" mark targets the promoter patched in (OPTPOLINE=learn,profile=
// DIR); once promoted a target stops reaching the stub, so only dumps
// taken with profile alone (sampling, no patching) count every call alike.
//
// Counts are estimated calls that reached the learning stub: each thread
// counts every miss and records some of them; each sample the promoter
// reads in a period weighs the thread's misses in that period divided by
// the samples it read (a profile alone records every miss and reads the
// newest 128 per period). samples is the number of samples.
//
// # Profiles (version 1)
//
// A profile names sites and targets by symbol, so it survives a rebuild:
//
//	optpoline profile 1
//	func "run_vm" local file "prog.c" sites 1
//		site 0 calls 27643392
//			target "op_push" local file "prog.c" calls 9209773
//			target "handler_add" global calls 1200
//	end
//
// A func record may also hold dispatch sites (computed goto, sites.md §7),
// after its func line:
//
//	dispatch 0 labels 83 calls 36032575
//		label 17 calls 7450000
//
// A dispatch record is the site's ordinal among the function's dispatch
// sites, the size of its label set and its jumps; each label line gives
// the jumps to the label of that ordinal in the set (the function's
// address-taken labels in file order, the order of the site's .Lopt_dset
// table). "sites" counts call sites only. `cc --optpoline-profile` builds
// each profiled funnel as a tree of least expected depth over these counts.
//
// A func record is a function symbol (global or local, with the source name
// of its object's site table) and how many sites it had; each site is its
// ordinal among them, with the targets hottest first. A local target names
// the source file that defines it (the ELF symbol table's STT_FILE). Blank
// lines and # comments are ignored everywhere; strings are Go string
// literals. Errors are reported as "FILE:LINE: error: …".
package profile
