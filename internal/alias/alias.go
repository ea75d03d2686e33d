// Package alias reads bytes as a string without copying them.
package alias

import "unsafe"

// String returns b as a string that shares b's memory instead of copying
// it, which is what lets gjson read APS's answers, the text content
// repeat the structured content, and a listing's compact text be read
// from its document and handed on, all without a copy.
//
// The contract, which the compiler does not check: nothing may write b
// while the string, or any string sliced from it (gjson results are such
// slices), is still in use. Callers keep it by copying what they keep out
// of a buffer before the buffer is reused (the lister and projectAnswer
// append projected items to a buffer of their own) and by not touching a
// document, or a text built in a buffer, once it is in a result.
func String(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
