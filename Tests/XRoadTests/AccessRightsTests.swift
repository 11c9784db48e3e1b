import Foundation
import Testing
@testable import XRoad

@Suite("Access rights: endpoint globs and path normalisation")
struct AccessRightsTests {
    @Test(arguments: [
        ("/v1/../admin", "/admin"), ("/v1/%2e%2e/admin", "/admin"), ("/v1/%2E%2E/%2e/x", "/x"),
        ("/v1/a%2Fb", "/v1/a/b"), ("/v1/./x/", "/v1/x/"), ("", "/"), ("/v1/..", "/"), ("/pet/42", "/pet/42"),
    ])
    func normalisation(raw: String, normalized: String) {
        #expect(RequestPath.normalize(raw) == normalized)
    }

    /// The shortcut for paths already in normal form agrees with the full normalisation on every path
    /// made of the characters that matter (dots, slashes, escapes, a fragment, non-ASCII), up to length 6.
    @Test func theNormalFormShortcutAgreesWithTheFullWalk() {
        let alphabet: [String] = ["/", ".", "a", "%2e", "#", "é", "~"]
        var paths: [String] = [""]
        var checked = 0
        for _ in 0..<6 {
            paths = paths.flatMap { path in alphabet.map { path + $0 } }
            for path in paths where RequestPath.isNormalASCII(path) {
                #expect(RequestPath.normalizedSegments(path) == path, "\(path)")
                checked += 1
            }
        }
        #expect(checked > 1000)
        #expect(!RequestPath.isNormalASCII("/v1/.") && !RequestPath.isNormalASCII("/v1/../x") && !RequestPath.isNormalASCII("v1"))
        #expect(RequestPath.isNormalASCII("/v1/.../x") && RequestPath.isNormalASCII("/v1/.a/b.") && RequestPath.isNormalASCII("/"))
    }

    @Test func undecodablePathsAreRefused() {
        #expect(RequestPath.normalize("/v1/%zz") == nil)
        #expect(RequestPath.normalize("/v1/%00") == nil)
        // Above the root, or with a fragment the HTTP client would cut off before the backend: no right covers them.
        #expect(RequestPath.normalize("/../../etc/passwd") == nil)
        #expect(RequestPath.normalize("/v1/%2e%2e/%2E%2E/x") == nil)
        #expect(RequestPath.normalize("/companies/anything#/..") == nil)
        #expect(RequestPath.normalize("/v1/a%23b") == "/v1/a#b")
    }

    @Test(arguments: [
        ("GET", "/pet/*", "GET", "/pet/42", true),
        ("GET", "/pet/*", "get", "/pet/42", true),
        ("GET", "/pet/*", "GET", "/pet/42/photos", false),
        ("GET", "/pet/**", "GET", "/pet/42/photos", true),
        ("*", "**", "DELETE", "/anything/at/all", true),
        ("POST", "/pet", "GET", "/pet", false),
        ("GET", "/pet/*/photos", "GET", "/pet/42/photos", true),
        ("GET", "/pet/*/photos", "GET", "/pet/42/x/photos", false),
        ("GET", "/", "GET", "/", true),
        ("GET", "/", "GET", "/x", false),
        ("GET", "/v1/**", "GET", "/admin", false),
    ])
    func globs(method: String, path: String, requestMethod: String, requestPath: String, expected: Bool) throws {
        let pattern = try EndpointPattern(method: method, path: path)
        #expect(pattern.matches(method: requestMethod, normalizedPath: requestPath) == expected)
    }

    @Test func traversalCannotEscapeAnEndpointRight() throws {
        let right = try EndpointPattern(method: "GET", path: "/v1/**")
        for raw in ["/v1/../admin", "/v1/%2e%2e/admin", "/v1/%2E%2e/%2e%2E/admin"] {
            // nil (a `..` above the root) matches no right either.
            let normalized = RequestPath.normalize(raw)
            #expect(normalized.map { right.matches(method: "GET", normalizedPath: $0) } != true, "\(raw) → \(normalized ?? "nil")")
        }
    }

    @Test func aHostilePathAgainstManyWildcardsStaysCheap() throws {
        let pattern = try EndpointPattern(method: "GET", path: "/**/**/**/**/**/x")
        let path = "/" + String(repeating: "a/", count: 2000) + "y"
        #expect(!pattern.matches(method: "GET", normalizedPath: path))
    }

    @Test(arguments: [("FETCH", "/x"), ("GET", "x"), ("GET", "/x?y=1")])
    func badPatternsAreRefused(method: String, path: String) {
        #expect(throws: EndpointPatternError.self) { try EndpointPattern(method: method, path: path) }
    }
}
