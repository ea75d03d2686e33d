package gqldoc

import (
	"fmt"
	"strings"
)

// tokenKind classifies a lexical token of a GraphQL document.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokPunct
	tokName
	tokInt
	tokFloat
	tokString
)

// token is one lexical token; text is its source text (a string's with
// its quotes), at its byte offset.
type token struct {
	kind tokenKind
	text string
	at   int
}

// punctuators are GraphQL's, "..." included.
const punctuators = "!$&()[]{}:=@|"

// lex splits src into tokens, dropping whitespace, commas and comments.
// Block strings are not supported: the documents it reads are short.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		case strings.HasPrefix(src[i:], "..."):
			toks = append(toks, token{tokPunct, "...", i})
			i += 3
		case strings.IndexByte(punctuators, c) >= 0:
			toks = append(toks, token{tokPunct, src[i : i+1], i})
			i++
		case c == '_' || isLetter(c):
			j := i + 1
			for j < len(src) && (src[j] == '_' || isLetter(src[j]) || isDigit(src[j])) {
				j++
			}
			toks = append(toks, token{tokName, src[i:j], i})
			i = j
		case c == '-' || isDigit(c):
			j, kind := number(src, i)
			if j == i {
				return nil, fmt.Errorf("unexpected %q at offset %d", c, i)
			}
			toks = append(toks, token{kind, src[i:j], i})
			i = j
		case c == '"':
			if strings.HasPrefix(src[i:], `"""`) {
				return nil, fmt.Errorf("block strings are not supported (offset %d)", i)
			}
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				if j < len(src) && (src[j] == '\n' || src[j] == '\r') {
					return nil, fmt.Errorf("unterminated string at offset %d", i)
				}
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated string at offset %d", i)
			}
			toks = append(toks, token{tokString, src[i : j+1], i})
			i = j + 1
		default:
			return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
		}
	}
	return append(toks, token{tokEOF, "", len(src)}), nil
}

// number scans an Int or Float value from i and returns where it ends.
func number(src string, i int) (int, tokenKind) {
	j := i
	if j < len(src) && src[j] == '-' {
		j++
	}
	start := j
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	if j == start {
		return i, tokInt
	}
	kind := tokInt
	if j < len(src) && src[j] == '.' {
		kind, j = tokFloat, j+1
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		kind, j = tokFloat, j+1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	return j, kind
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// wordLike tokens need a space between them when printed side by side.
func (t token) wordLike() bool { return t.kind == tokName || t.kind == tokInt || t.kind == tokFloat }
