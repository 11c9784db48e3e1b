import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxCore

/// A REST fault on the wire, as `ClientRestMessageHandler.sendErrorResponse` writes it: JSON
/// `{"type","message","detail"}`, or XML `<error>` when `Accept` asks for XML; `X-Road-Error: <code>`;
/// 500 for `Server.*` codes, 400 otherwise. Plus the sandbox's `X-Sandbox-Explain` header.
public enum XRoadErrorResponse {
    public static let errorHeader = HTTPField.Name("X-Road-Error")!
    public static let explainHeader = HTTPField.Name("X-Sandbox-Explain")!

    /// XML when `Accept` names `text/xml`, `application/xml` or `text/*`; JSON otherwise.
    public static func wantsXML(_ accept: String?) -> Bool {
        guard let accept = accept?.lowercased() else { return false }
        return accept.contains("text/xml") || accept.contains("application/xml") || accept.contains("text/*")
    }

    public static func body(_ fault: XRoadFault, style: XRoadErrorStyle, xml: Bool) -> [UInt8] {
        let type = fault.code.spelled(style)
        if xml {
            return Array(
                "<error><type>\(type.htmlEscaped)</type><message>\(fault.message.htmlEscaped)</message><detail>\(fault.detail.htmlEscaped)</detail></error>"
                    .utf8)
        }
        // Written by hand: the implementation's field order (type, message, detail), which JSONEncoder does not keep.
        return Array("{\"type\":\(JSONText.quote(type)),\"message\":\(JSONText.quote(fault.message)),\"detail\":\(JSONText.quote(fault.detail))}".utf8)
    }

    public static func response(_ fault: XRoadFault, style: XRoadErrorStyle, accept: String?, language: SandboxCore.Language) -> Response {
        let xml = wantsXML(accept)
        let bytes = body(fault, style: style, xml: xml)
        var headers: HTTPFields = [
            .contentType: xml ? "text/xml; charset=UTF-8" : "application/json; charset=UTF-8",
            errorHeader: fault.code.spelled(style),
        ]
        headers[explainHeader] = HeaderText.sanitize(fault.explanation.text(for: language))
        return Response(
            status: HTTPResponse.Status(code: fault.code.httpStatus), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Header values: one line, no control characters (a message may quote what a client sent).
enum HeaderText {
    static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }).prefix(2000))
    }
}
