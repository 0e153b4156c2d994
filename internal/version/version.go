// Package version holds optpoline's version string.
package version

// Version is optpoline's release; "-dev" marks an unreleased build.
const Version = "0.1.0-dev"

// ABI is the patch-site table ABI the tool writes (design/sites.md).
const ABI = 1
