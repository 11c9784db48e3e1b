import Testing
@testable import AgrementFAI

@Suite("workflow")
struct WorkflowTests {
    @Test func placeholder() { #expect(Workflow.next(.submit, from: .draft) == .success(.pending)) }
}
