import Analytics
import Testing

/// Text from inputs on an HTML page (STYLE: escaped) and on a terminal: markup as entities, control characters
/// shown, never sent raw.
struct EscapingTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a & \"b\" 'c'", "a &amp; &quot;b&quot; &#39;c&#39;"),
        ("网吧\u{1B}[31m红", "网吧\\u{1B}[31m红"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("\u{85}next", "\\u{85}next"),
    ])
    func htmlEscape(_ input: String, _ expected: String) {
        #expect(FindingsRenderer.htmlEscape(input) == expected)
    }

    @Test func terminalTextShowsControlCharacters() {
        #expect(TerminalText.safe("a\u{1B}[2Jb\u{7F}") == "a\\u{1B}[2Jb\\u{7F}")
        #expect(TerminalText.safe("场所 ok") == "场所 ok")
    }
}
