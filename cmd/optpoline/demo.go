package main

import "fmt"

func runDemo(e *env, args []string) int {
	fs := newFlagSet("demo", "", "build a bundled interpreter-like C program plain, with retpolines, and with\nretpolines + optpoline, run each several times and print the medians")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	fmt.Fprintln(e.stdout, "optpoline demo: not yet. The demo lands with the runtime (issues 7-9);")
	fmt.Fprintln(e.stdout, "today optpoline parses and prints GCC/Clang assembly: try")
	fmt.Fprintln(e.stdout, "  gcc -O2 -S prog.c -o prog.s && optpoline markup --promote=none prog.s | diff - prog.s")
	return 0
}
