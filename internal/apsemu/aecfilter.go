package apsemu

import (
	"fmt"
	"strings"
)

// The subset of AEC DM's RSQL-like filter.query the emulator evaluates:
// selectors 'property.name.<name>' (quoted when the name has spaces;
// names compare case-insensitively, as the docs' property.name.category
// matches the Category property), the operators ==, !=, =contains=,
// =startswith= and =endswith= (the last three ignoring case), values
// bare or quoted, and and/or (also ; and ,) with parentheses, and binding
// tighter than or. Anything else is refused with BAD_USER_INPUT.

// rsqlMatch reports whether an element satisfies a filter.
type rsqlMatch func(*aecElement) bool

// rsqlParser reads one filter query.
type rsqlParser struct {
	src  string
	toks []string
	pos  int
}

// parseRSQL compiles a filter query.
func parseRSQL(src string) (rsqlMatch, error) {
	p := &rsqlParser{src: src}
	if err := p.lex(); err != nil {
		return nil, err
	}
	m, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	if err != nil {
		return nil, &gqlFail{gqlCodeBadInput, fmt.Sprintf("Invalid filter query %q: %v.", src, err)}
	}
	return m, nil
}

// lex splits the query into parentheses, quoted strings (kept quoted),
// operators and bare words.
func (p *rsqlParser) lex() error {
	s := p.src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')' || c == ';' || c == ',':
			p.toks = append(p.toks, s[i:i+1])
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return fmt.Errorf("unterminated quote at %d", i)
			}
			p.toks = append(p.toks, s[i:i+j+2])
			i += j + 2
		case c == '=' || c == '!':
			j := i + 1
			if c == '=' && j < len(s) && s[j] != '=' {
				k := strings.IndexByte(s[j:], '=')
				if k < 0 {
					return fmt.Errorf("unterminated operator at %d", i)
				}
				j += k
			}
			if j >= len(s) || s[j] != '=' {
				return fmt.Errorf("unknown operator at %d", i)
			}
			p.toks = append(p.toks, s[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t()'\";,=!", rune(s[j])) {
				j++
			}
			p.toks = append(p.toks, s[i:j])
			i = j
		}
	}
	return nil
}

func (p *rsqlParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *rsqlParser) or() (rsqlMatch, error) {
	left, err := p.and()
	for err == nil && (strings.EqualFold(p.peek(), "or") || p.peek() == ",") {
		p.pos++
		var right rsqlMatch
		if right, err = p.and(); err == nil {
			l := left
			left = func(el *aecElement) bool { return l(el) || right(el) }
		}
	}
	return left, err
}

func (p *rsqlParser) and() (rsqlMatch, error) {
	left, err := p.term()
	for err == nil && (strings.EqualFold(p.peek(), "and") || p.peek() == ";") {
		p.pos++
		var right rsqlMatch
		if right, err = p.term(); err == nil {
			l := left
			left = func(el *aecElement) bool { return l(el) && right(el) }
		}
	}
	return left, err
}

func (p *rsqlParser) term() (rsqlMatch, error) {
	if p.peek() == "(" {
		p.pos++
		m, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.pos++
		return m, nil
	}
	if p.pos+3 > len(p.toks) {
		return nil, fmt.Errorf("expected selector, operator and value at the end")
	}
	sel, op, val := unquote(p.toks[p.pos]), p.toks[p.pos+1], unquote(p.toks[p.pos+2])
	p.pos += 3
	name, ok := strings.CutPrefix(sel, "property.name.")
	if !ok || name == "" {
		return nil, fmt.Errorf("selector %q is not property.name.<name>, the one the emulator knows", sel)
	}
	cmp, err := rsqlOperator(op)
	if err != nil {
		return nil, err
	}
	return func(el *aecElement) bool {
		for _, pr := range el.props {
			if strings.EqualFold(pr.name, name) && cmp(fmt.Sprint(pr.value), val) {
				return true
			}
		}
		return false
	}, nil
}

// rsqlOperator is the comparison an operator names.
func rsqlOperator(op string) (func(have, want string) bool, error) {
	lower := strings.ToLower
	switch op {
	case "==":
		return func(h, w string) bool { return h == w }, nil
	case "!=":
		return func(h, w string) bool { return h != w }, nil
	case "=contains=":
		return func(h, w string) bool { return strings.Contains(lower(h), lower(w)) }, nil
	case "=startswith=":
		return func(h, w string) bool { return strings.HasPrefix(lower(h), lower(w)) }, nil
	case "=endswith=":
		return func(h, w string) bool { return strings.HasSuffix(lower(h), lower(w)) }, nil
	}
	return nil, fmt.Errorf("operator %q is not one the emulator knows (==, !=, =contains=, =startswith=, =endswith=)", op)
}

// unquote strips a token's quotes, if it has them.
func unquote(t string) string {
	if len(t) >= 2 && (t[0] == '\'' || t[0] == '"') && t[len(t)-1] == t[0] {
		return t[1 : len(t)-1]
	}
	return t
}
