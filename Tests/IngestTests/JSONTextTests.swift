import Foundation
import Ingest
import Testing

/// `JSONText.quoted` gives a JSON string that reads back as the text, escaping what JSON needs and nothing else, for
/// texts that need no escape (copied whole) and those that do.
struct JSONTextTests {
    static let texts: [String] = [
        "", "plain", "33010610000123", "一条上机记录登记的居民身份证号码校验位错误", "emoji 🧾 and 网吧",
        "quote \" inside", "back\\slash", "\"", "\\", "line\nbreak", "cr\rtab\t", "bell\u{07}", "nul\u{00}end",
        "\u{1F}unit separator", "del \u{7F} stays", "中文\"引号\"", "tail\\",
    ]

    @Test(arguments: texts)
    func quotedReadsBackAsTheText(_ text: String) throws {
        let quoted = JSONText.quoted(text)
        let decoded = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == text, "\(quoted)")
        // No raw control character and no bare quote inside.
        let inner = quoted.utf8.dropFirst().dropLast()
        #expect(!inner.contains { $0 < 0x20 })
        #expect(quoted.hasPrefix("\"") && quoted.hasSuffix("\""))
    }

    @Test func plainTextIsCopiedWhole() {
        #expect(JSONText.quoted("场所 33010610000123") == "\"场所 33010610000123\"")
        #expect(JSONText.quoted("a\"b") == "\"a\\\"b\"")
        #expect(JSONText.quoted("\u{01}") == "\"\\u0001\"")
    }
}
